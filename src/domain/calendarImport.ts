import { parseFeedUid } from './calendarFeed'
import type { ImportedEvent } from './icalImport'
import { staysOverlap } from './stayDates'

/**
 * What an imported calendar event is to us (README "Calendar import (iCal)"), decided from the feed's
 * events and the listing's active bookings at the time of the sync:
 * - an echo: one of our own exported events read back from another site — its UID is ours (a booking
 *   or a block of ours), or its nights are exactly those of one of our active bookings (sites that
 *   rewrite UIDs). An echo takes no nights: they are already our booking's (or block's).
 * - a conflict: otherwise, it overlaps an active booking — the same nights sold twice. Recorded on the
 *   feed and mailed to the host; the booking is never touched.
 * - plain: nights taken elsewhere, now taken here.
 */
export const FEED_STATUSES = ['pending', 'ok', 'error'] as const
export type FeedStatus = (typeof FEED_STATUSES)[number]

export type ActiveBooking = { id: number; checkIn: string; checkOut: string }

export type ClassifiedEvent = ImportedEvent & {
  echo: boolean
  /** The active booking this event echoes, when known. */
  echoOf: number | null
  /** Active bookings a non-echo event overlaps. */
  conflictsWith: number[]
}

export function classifyEvents(events: readonly ImportedEvent[], bookings: readonly ActiveBooking[], ourHost: string): ClassifiedEvent[] {
  const byId = new Map(bookings.map((b) => [b.id, b]))
  return events.map((event) => {
    const ours = parseFeedUid(event.uid, ourHost)
    if (ours) {
      const echoOf = ours.kind === 'booking' && byId.has(ours.id) ? ours.id : null
      return { ...event, echo: true, echoOf, conflictsWith: [] }
    }
    const same = bookings.find((b) => b.checkIn === event.start && b.checkOut === event.end)
    if (same) return { ...event, echo: true, echoOf: same.id, conflictsWith: [] }
    const stay = { checkIn: event.start, checkOut: event.end }
    const conflictsWith = bookings.filter((b) => staysOverlap(b, stay)).map((b) => b.id)
    return { ...event, echo: false, echoOf: null, conflictsWith }
  })
}

export type FeedConflict = { uid: string; booking: number; startDate: string; endDate: string; firstSeenAt: string }

/**
 * The feed's conflicts after a sync: one per (event, booking) overlapping now, keeping the firstSeenAt of
 * one already recorded (the same event and booking, whatever its nights now are); the ones gone (event
 * removed or moved away, booking cancelled) are dropped. `added` are the new ones, to mail about.
 */
export function mergeConflicts(
  previous: readonly FeedConflict[],
  events: readonly ClassifiedEvent[],
  now: string,
): { conflicts: FeedConflict[]; added: FeedConflict[] } {
  const known = new Map(previous.map((c) => [conflictKey(c.uid, c.booking), c]))
  const conflicts: FeedConflict[] = []
  const added: FeedConflict[] = []
  for (const event of events) {
    for (const booking of event.conflictsWith) {
      const before = known.get(conflictKey(event.uid, booking))
      const conflict = { uid: event.uid, booking, startDate: event.start, endDate: event.end, firstSeenAt: before?.firstSeenAt ?? now }
      conflicts.push(conflict)
      if (!before) added.push(conflict)
    }
  }
  return { conflicts, added }
}

const conflictKey = (uid: string, booking: number) => `${booking}\u0000${uid}`
