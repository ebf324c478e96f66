import { createHash } from 'node:crypto'

import ICAL from 'ical.js'

import { addDays, dayNumber } from './stayDates'

/**
 * Reading another site's calendar feed (Airbnb, Booking.com, Vrbo, Google…) into taken nights. The
 * parsing is ical.js (Mozilla's, used by Thunderbird): folding, escaping, VTIMEZONE and RRULE/RDATE/EXDATE
 * expansion are its job; the rules below are ours.
 *
 * Nights are half-open [start, end) as YYYY-MM-DD:
 * - All-day events (`DTSTART;VALUE=DATE`): [DTSTART, DTEND); without DTEND, DURATION if given, else
 *   one night.
 * - Timed events: each time is read in the event's own zone — its TZID (with the file's VTIMEZONE, or
 *   the bare name when the file has none), UTC for `…Z`, as written when floating — and its date in that
 *   zone is taken; never converted to the server's zone or to UTC. Nights run from DTSTART's date to
 *   DTEND's date (DTEND converted into DTSTART's zone when the two differ); when they fall on the same
 *   date, one night. So Vrbo's `DTSTART;TZID=Pacific/Auckland:20310105T150000` is the night of 5 January
 *   even though it is 4 January in UTC.
 * - `STATUS:CANCELLED` events (and cancelled occurrences) are dropped: cancelled elsewhere frees the nights.
 * - Recurring events are expanded inside the window [today − pastDays, today + horizonDays]; each
 *   occurrence is `${UID}#${original start date}` (the RECURRENCE-ID date, so an occurrence moved by an
 *   override keeps its uid across syncs). A non-recurring event keeps its UID; an event without UID gets
 *   a stable one hashed from its nights and summary.
 * - Events whose nights all end by the window's start, or start after its end, are dropped; ones crossing
 *   an edge are kept whole. An event that cannot be read, or has no night after conversion, is skipped
 *   (counted), not fatal; a second event with a UID already seen is skipped too.
 * - Bounds, so a hostile feed cannot exhaust memory or CPU: more than `maxEvents` VEVENTs in the text,
 *   or more than `maxEvents` nights ranges after expansion, or a recurrence that needs more than
 *   MAX_RECURRENCE_STEPS steps, refuse the whole feed (`ok: false`).
 */
export type ImportedEvent = { uid: string; start: string; end: string; summary: string | null }
export type ParseResult = { ok: true; events: ImportedEvent[]; skipped: number } | { ok: false; message: string }
export type ParseOptions = { today: string; pastDays?: number; horizonDays?: number; maxEvents?: number }

export const DEFAULT_HORIZON_DAYS = 730
export const DEFAULT_MAX_EVENTS = 5000
/** Recurrence steps over the whole feed, occurrences before the window included (ical.js takes ~50-80 µs a step here): a daily rule from 1990 to a window in 2031 takes ~15,700. */
export const MAX_RECURRENCE_STEPS = 25_000
export const MAX_SUMMARY_LENGTH = 200

class FeedRefused extends Error {}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The date of an ical.js time in its own zone, or null when it is not a real date. */
function localDate(time: ICAL.Time): string | null {
  const date = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`
  return dayNumber(date) === null ? null : date
}

/** [start, end) nights of one event or occurrence, by the rules above; null when it has none. */
function nightsOf(start: ICAL.Time, end: ICAL.Time): { start: string; end: string } | null {
  let last = end
  if (!start.isDate && !end.isDate && start.zone && end.zone && start.zone.tzid !== end.zone.tzid && start.zone.tzid !== 'floating') {
    last = end.convertToZone(start.zone)
  }
  const first = localDate(start)
  let through = localDate(last)
  if (first === null || through === null) return null
  if (!start.isDate && through === first && last.compare(start) > 0) through = addDays(first, 1)
  if (!start.isDate && through === first) return null
  return dayNumber(through)! > dayNumber(first)! ? { start: first, end: through } : null
}

/** ical.js rolls an impossible date over (2031-13-45 becomes 2032-02-14); such an event is skipped instead. */
function datesAreReal(component: ICAL.Component): boolean {
  return ['dtstart', 'dtend'].every((name) => {
    const raw: unknown = component.getFirstProperty(name)?.jCal[3]
    return raw === undefined || (typeof raw === 'string' && dayNumber(raw.slice(0, 10)) !== null)
  })
}

/** C0 and C1 control characters (newlines and tabs included): never stored, never shown. */
const CONTROL_CHARACTERS = /\p{Cc}/gu

/** A UID longer than this many UTF-8 bytes is stored as its hash (the (feed, uid) index has a row limit). */
export const MAX_UID_BYTES = 255

/**
 * The UID an event is stored under: without control characters, and at most MAX_UID_BYTES UTF-8 bytes —
 * a longer one becomes `<sha256 hex>@long-uid`, the same at every sync, so the event keeps its row.
 */
export function storedUid(uid: string): string {
  const clean = uid.replace(CONTROL_CHARACTERS, '')
  if (Buffer.byteLength(clean, 'utf8') <= MAX_UID_BYTES) return clean
  return `${createHash('sha256').update(clean).digest('hex')}@long-uid`
}

function summaryOf(component: ICAL.Component): string | null {
  const value = component.getFirstPropertyValue('summary')
  if (typeof value !== 'string') return null
  const trimmed = value.replace(CONTROL_CHARACTERS, ' ').trim()
  return trimmed === '' ? null : trimmed.slice(0, MAX_SUMMARY_LENGTH)
}

const isCancelled = (component: ICAL.Component): boolean =>
  String(component.getFirstPropertyValue('status') ?? '')
    .trim()
    .toUpperCase() === 'CANCELLED'

function syntheticUid(start: string, end: string, summary: string | null): string {
  return `${createHash('sha256')
    .update(`${start}|${end}|${summary ?? ''}`)
    .digest('hex')
    .slice(0, 32)}@staybase-import`
}

/**
 * The VEVENT components of a feed. ical.js reads the whole file at once, and one bad line fails it all;
 * then each VEVENT is read on its own (with the rest of the file, its VTIMEZONEs, as its parent) so one
 * broken event costs only itself.
 */
function veventsOf(text: string): { events: ICAL.Component[]; broken: number } | { error: string } {
  try {
    const parsed = ICAL.parse(text)
    const roots = (Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[]
    const calendar = roots.map((root) => new ICAL.Component(root as never)).find((c) => c.name === 'vcalendar')
    if (calendar) return { events: calendar.getAllSubcomponents('vevent'), broken: 0 }
  } catch {
    // Read event by event below.
  }
  const shell: string[] = []
  const blocks: string[][] = []
  let block: string[] | null = null
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (block === null && /^BEGIN:VEVENT\s*$/i.test(line)) block = [line]
    else if (block !== null) {
      block.push(line)
      if (/^END:VEVENT\s*$/i.test(line)) {
        blocks.push(block)
        block = null
      }
    } else shell.push(line)
  }
  let calendar: ICAL.Component
  try {
    calendar = new ICAL.Component(ICAL.parse(shell.join('\r\n')) as never)
  } catch (error) {
    return { error: `The feed is not a valid iCalendar file (${error instanceof Error ? error.message : 'unreadable'}).` }
  }
  if (calendar.name !== 'vcalendar') return { error: 'The feed is not an iCalendar file (no VCALENDAR).' }
  const events: ICAL.Component[] = []
  let broken = block === null ? 0 : 1
  for (const lines of blocks) {
    try {
      events.push(new ICAL.Component(ICAL.parse(lines.join('\r\n')) as never, calendar))
    } catch {
      broken++
    }
  }
  return { events, broken }
}

export function parseCalendar(text: string, opts: ParseOptions): ParseResult {
  const pastDays = opts.pastDays ?? 0
  const horizonDays = opts.horizonDays ?? DEFAULT_HORIZON_DAYS
  const maxEvents = opts.maxEvents ?? DEFAULT_MAX_EVENTS
  if (dayNumber(opts.today) === null) throw new Error(`parseCalendar: today must be YYYY-MM-DD, got ${opts.today}`)
  const windowStart = addDays(opts.today, -pastDays)
  const windowEnd = addDays(opts.today, horizonDays)

  const body = text.replace(/^\uFEFF/, '')
  if (
    !/^\s*BEGIN:VCALENDAR\s*$/im.test(
      body
        .slice(0, 200)
        .split(/\r\n|\n|\r/)
        .find((l) => l.trim() !== '') ?? '',
    )
  ) {
    const start = body.trim().slice(0, 40).replace(/\s+/g, ' ')
    return { ok: false, message: `The feed is not an iCalendar file (it starts with "${start}${body.trim().length > 40 ? '…' : ''}").` }
  }
  const declared = body.match(/^BEGIN:VEVENT\s*$/gim)?.length ?? 0
  if (declared > maxEvents) return { ok: false, message: `The feed has ${declared} events; at most ${maxEvents} are imported.` }

  const read = veventsOf(body)
  if ('error' in read) return { ok: false, message: read.error }

  let skipped = read.broken
  let steps = 0
  const out: ImportedEvent[] = []
  const seen = new Set<string>()
  const inWindow = (n: { start: string; end: string }) => n.end > windowStart && n.start < windowEnd
  const add = (found: ImportedEvent) => {
    const event = { ...found, uid: storedUid(found.uid) }
    if (seen.has(event.uid)) {
      skipped++
      return
    }
    seen.add(event.uid)
    out.push(event)
    if (out.length > maxEvents) throw new FeedRefused(`The feed has more than ${maxEvents} events in the next ${horizonDays} days.`)
  }

  const exceptions = new Map<string, ICAL.Component[]>()
  const masters: ICAL.Component[] = []
  for (const component of read.events) {
    try {
      const uid = component.getFirstPropertyValue('uid')
      if (component.hasProperty('recurrence-id') && typeof uid === 'string' && uid.trim() !== '') {
        exceptions.set(uid, [...(exceptions.get(uid) ?? []), component])
      } else masters.push(component)
    } catch {
      skipped++
    }
  }

  try {
    for (const component of masters) {
      try {
        if (isCancelled(component)) continue
        const event = new ICAL.Event(component, { exceptions: exceptions.get(String(component.getFirstPropertyValue('uid'))) ?? [] })
        const start = event.startDate
        if (!start || !datesAreReal(component)) {
          skipped++
          continue
        }
        const nights = nightsOf(start, event.endDate)
        if (!nights) {
          skipped++
          continue
        }
        const summary = summaryOf(component)
        const rawUid = component.getFirstPropertyValue('uid')
        const uid = typeof rawUid === 'string' && rawUid.trim() !== '' ? rawUid.trim() : syntheticUid(nights.start, nights.end, summary)
        if (!event.isRecurring()) {
          if (inWindow(nights)) add({ uid, ...nights, summary })
          continue
        }
        const iterator = event.iterator()
        for (let next = iterator.next(); next; next = iterator.next()) {
          if (++steps > MAX_RECURRENCE_STEPS)
            throw new FeedRefused('The feed repeats an event too often to import (a recurrence rule with too many occurrences).')
          const occurrenceDate = localDate(next)
          if (occurrenceDate === null) break
          if (occurrenceDate >= windowEnd) break
          const details = event.getOccurrenceDetails(next)
          const item = details.item?.component ?? component
          if (isCancelled(item)) continue
          if (!datesAreReal(item)) {
            skipped++
            continue
          }
          const occurrence = nightsOf(details.startDate, details.endDate)
          if (!occurrence) {
            skipped++
            continue
          }
          if (!inWindow(occurrence)) continue
          const occurrenceUid = `${uid}#${localDate(details.recurrenceId) ?? occurrenceDate}`
          if (seen.has(occurrenceUid)) continue
          add({ uid: occurrenceUid, ...occurrence, summary: summaryOf(item) })
        }
      } catch (error) {
        if (error instanceof FeedRefused) throw error
        skipped++
      }
    }
  } catch (error) {
    if (error instanceof FeedRefused) return { ok: false, message: error.message }
    throw error
  }
  out.sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid))
  return { ok: true, events: out, skipped }
}
