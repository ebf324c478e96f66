import { MONTH_NAMES, addDays, dayNumber, nightsBetween, nightsOf, weekday } from './stayDates'

/**
 * The calendar's arithmetic: months as `YYYY-MM`, Monday-first weeks, and where a stay or a block
 * (a half-open range of nights [start, end)) falls in a window of days. Pure, UTC day numbers only.
 */
const MONTH = /^(\d{4})-(\d{2})$/

/** `YYYY-MM` for a real month (years 2000–2999, as stays are), else null. */
export function parseMonth(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const match = MONTH.exec(value)
  if (!match) return null
  const [year, month] = [Number(match[1]), Number(match[2])]
  return year >= 2000 && year <= 2999 && month >= 1 && month <= 12 ? value : null
}

/** The month a date falls in. */
export const monthOf = (date: string): string => date.slice(0, 7)

export const firstNight = (month: string): string => `${month}-01`

/** The month `n` months after (or before, when negative) `month`. */
export function shiftMonth(month: string, n: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number]
  const index = year * 12 + (m - 1) + n
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`
}

/** Nights in the month: 28 to 31. */
export const nightsInMonth = (month: string): number => nightsBetween(firstNight(month), firstNight(shiftMonth(month, 1)))

/** The month as a half-open range of dates: its first day and the first day of the next. */
export const monthRange = (month: string): { start: string; end: string } => ({
  start: firstNight(month),
  end: firstNight(shiftMonth(month, 1)),
})

/** "Jan 2027", where space is short (a table's column). */
export function formatMonthShort(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number]
  return `${MONTH_NAMES[m - 1]!.slice(0, 3)} ${year}`
}

/** "January 2027". */
export function formatMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number]
  return `${MONTH_NAMES[m - 1]} ${year}`
}

/** The weeks (Monday to Sunday) that show the month, each seven dates; the first and last hold neighbours' days. */
export function monthWeeks(month: string): string[][] {
  const first = firstNight(month)
  const start = addDays(first, -((weekday(first) + 6) % 7))
  const end = firstNight(shiftMonth(month, 1))
  const weeks: string[][] = []
  for (let monday = start; monday < end; monday = addDays(monday, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(monday, i)))
  }
  return weeks
}

/** Where a range of nights [start, end) shows in a window of `days` days from `from`, or null when it does not. */
export type Placement = { offset: number; length: number; continuesBefore: boolean; continuesAfter: boolean }

export function place(range: { start: string; end: string }, from: string, days: number): Placement | null {
  const windowStart = dayNumber(from)!
  const start = dayNumber(range.start)! - windowStart
  const end = dayNumber(range.end)! - windowStart
  const offset = Math.max(start, 0)
  const stop = Math.min(end, days)
  if (stop <= offset) return null
  return { offset, length: stop - offset, continuesBefore: start < 0, continuesAfter: end > days }
}

/** The nights from one picked night to another, in either order: [first, last + 1). */
export function pickedNights(a: string, b: string): { start: string; end: string } {
  return a <= b ? { start: a, end: addDays(b, 1) } : { start: b, end: addDays(a, 1) }
}

/** Whether a night lies in a half-open range. */
export const holds = (range: { start: string; end: string }, night: string): boolean => range.start <= night && night < range.end

/** Every night of [from, from + days) as dates. */
export const daysFrom = (from: string, days: number): string[] => nightsOf(from, addDays(from, days))
