/**
 * The events of a listing's exported calendar (GET /api/properties/:id/calendar.ics), from its reserved
 * nights. Other booking sites import this feed and match events by UID to notice moves and
 * cancellations, so a UID names the booking or block by id *and* creation time: a restored database
 * cannot give a new booking an old one's UID. Only "Booked"/"Blocked" and the nights leave Staybase —
 * the feed's URL is shared with third parties, so no guest names, contacts, notes or prices.
 */
export type ReservedRow = {
  kind: 'booking' | 'block'
  id: number
  /** First night, YYYY-MM-DD. */
  start: string
  /** The morning after the last night (half-open [start, end)), YYYY-MM-DD: an all-day DTEND is exclusive too. */
  end: string
  createdAt: Date
  updatedAt: Date
}

export type FeedEvent = { uid: string; start: string; end: string; summary: 'Booked' | 'Blocked'; stamp: Date }

const SUMMARY = { booking: 'Booked', block: 'Blocked' } as const

export function feedEvents(rows: readonly ReservedRow[], host: string): FeedEvent[] {
  return [...rows]
    .sort((a, b) => a.start.localeCompare(b.start) || a.kind.localeCompare(b.kind) || a.id - b.id)
    .map((row) => ({
      uid: `staybase-${row.kind}-${row.id}-${row.createdAt.getTime()}@${host}`,
      start: row.start,
      end: row.end,
      summary: SUMMARY[row.kind],
      stamp: row.updatedAt,
    }))
}
