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

/** The UID of one of our exported events: the booking or block by id and creation time, at our host. */
export const feedUid = (kind: ReservedRow['kind'], id: number, createdAt: Date, host: string) =>
  `staybase-${kind}-${id}-${createdAt.getTime()}@${host}`

/**
 * What an imported UID says about us: one of our own exported events (read back from another site's
 * feed), with its kind and id — or null. Another site may keep the UID as it is or only its case.
 */
export function parseFeedUid(uid: string, host: string): { kind: ReservedRow['kind']; id: number; createdAtMs: number } | null {
  const match = /^staybase-(booking|block)-(\d{1,15})-(\d{1,15})@(.+)$/i.exec(uid.trim())
  if (!match || match[4]!.toLowerCase() !== host.toLowerCase()) return null
  return { kind: match[1]!.toLowerCase() as ReservedRow['kind'], id: Number(match[2]), createdAtMs: Number(match[3]) }
}

export function feedEvents(rows: readonly ReservedRow[], host: string): FeedEvent[] {
  return [...rows]
    .sort((a, b) => a.start.localeCompare(b.start) || a.kind.localeCompare(b.kind) || a.id - b.id)
    .map((row) => ({
      uid: feedUid(row.kind, row.id, row.createdAt, host),
      start: row.start,
      end: row.end,
      summary: SUMMARY[row.kind],
      stamp: row.updatedAt,
    }))
}
