/**
 * Stay dates are calendar dates `YYYY-MM-DD`. A stay is the half-open range [checkIn, checkOut): the
 * guest sleeps the nights of checkIn … checkOut-1. The arithmetic uses UTC day numbers only, so no
 * time zone or daylight-saving change can shift a night.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

/** Days since 1970-01-01 for a valid calendar date, else null (2027-02-30 is not a date). */
export function dayNumber(date: string): number | null {
  const match = DATE.exec(date)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const ms = Date.UTC(year, month - 1, day)
  const back = new Date(ms)
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null
  return ms / MS_PER_DAY
}

export const isCalendarDate = (value: unknown): boolean => typeof value === 'string' && dayNumber(value) !== null

export function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10)
}

export const addDays = (date: string, days: number): string => fromDayNumber(dayNumber(date)! + days)

/** Nights between two valid dates (negative when checkOut is before checkIn). */
export const nightsBetween = (checkIn: string, checkOut: string): number => dayNumber(checkOut)! - dayNumber(checkIn)!

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (date: string): number => (dayNumber(date)! + 4) % 7

/** Each night of the stay, by the date it starts. */
export function nightsOf(checkIn: string, checkOut: string): string[] {
  const start = dayNumber(checkIn)!
  return Array.from({ length: Math.max(0, nightsBetween(checkIn, checkOut)) }, (_, i) => fromDayNumber(start + i))
}

/** The calendar date (UTC) of an instant. */
export const utcDate = (instant: Date): string => instant.toISOString().slice(0, 10)

/** Two stays overlap unless one ends on or before the day the other starts. */
export const staysOverlap = (a: { checkIn: string; checkOut: string }, b: { checkIn: string; checkOut: string }): boolean =>
  a.checkIn < b.checkOut && b.checkIn < a.checkOut

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const
const MONTHS = MONTH_NAMES.map((name) => name.slice(0, 3))
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** A day as people write it in a week's list: "Mon 30 Nov". */
export function formatDay(date: string): string {
  const [, m, day] = date.split('-').map(Number) as [number, number, number]
  return `${WEEKDAYS[weekday(date)]} ${day} ${MONTHS[m - 1]}`
}

/** A stay's dates as people write them: "11–15 Jan 2027", "30 Jan – 2 Feb 2027", "30 Dec 2026 – 2 Jan 2027". */
export function formatStay(checkIn: string, checkOut: string): string {
  const parts = (d: string) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number]
    return { y, m: MONTHS[m - 1]!, day }
  }
  const a = parts(checkIn)
  const b = parts(checkOut)
  if (a.y !== b.y) return `${a.day} ${a.m} ${a.y} – ${b.day} ${b.m} ${b.y}`
  if (a.m !== b.m) return `${a.day} ${a.m} – ${b.day} ${b.m} ${b.y}`
  return `${a.day}–${b.day} ${b.m} ${b.y}`
}

/** How long until `until`, as people say it: "2 days", "5 h", "40 min", or "expired". */
export function timeLeft(until: Date, now: Date): string {
  const left = until.getTime() - now.getTime()
  if (left <= 0) return 'expired'
  // Rounded up: with 30 seconds left there is still "1 min", not "expired".
  const minutes = Math.ceil(left / 60_000)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h`
  return `${Math.floor(hours / 24)} days`
}
