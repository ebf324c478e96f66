import Link from 'next/link'
import type { Payload, TypedUser } from 'payload'

import { storedId } from '@/domain/ids'
import { formatStay } from '@/domain/stayDates'
import type { Property } from '@/payload-types'
import { CELL, HEAD, MUTED, ROW, Section, TABLE } from './dashboardParts'

/** How many conflicted feeds a dashboard lists (each with all its conflicts). */
const FEEDS_SHOWN = 20

type ConflictRow = {
  key: string
  feedId: number
  feedName: string
  listing: string
  uid: string
  booking: number
  nights: string
  firstSeen: string
}

/**
 * Imported calendar events that overlap a Staybase booking (README "Calendar import (iCal)"), read as
 * `user` through the feeds' access rules: a host sees their listings' conflicts, staff everyone's. The
 * booking stands; the host settles it with the other site, and the entry goes at the next sync after.
 */
export async function calendarConflicts(payload: Payload, user: TypedUser): Promise<ConflictRow[]> {
  const feeds = await payload.find({
    collection: 'calendar-feeds',
    where: { 'conflicts.uid': { exists: true } },
    select: { name: true, property: true, conflicts: true },
    populate: { properties: { title: true } },
    depth: 1,
    sort: '-updatedAt',
    limit: FEEDS_SHOWN,
    user,
    overrideAccess: false,
  })
  return feeds.docs.flatMap((feed) =>
    (feed.conflicts ?? []).map((c) => ({
      key: `${feed.id}-${c.id}`,
      feedId: feed.id,
      feedName: feed.name,
      listing:
        typeof feed.property === 'object' && feed.property ? (feed.property as Property).title : `Listing ${storedId(feed.property)}`,
      uid: c.uid,
      booking: storedId(c.booking) ?? 0,
      nights: formatStay(c.startDate, c.endDate),
      firstSeen: c.firstSeenAt.slice(0, 16).replace('T', ' '),
    })),
  )
}

export function CalendarConflicts({ rows }: { rows: ConflictRow[] }) {
  return (
    <Section title="Double bookings from imported calendars" empty="No imported calendar overlaps a booking." count={rows.length}>
      <p style={MUTED}>Another site has these nights taken too. The Staybase booking stands: settle it with the other site.</p>
      <table className="calendar-conflicts" style={TABLE}>
        <thead>
          <tr>
            <th style={HEAD}>Listing</th>
            <th style={HEAD}>Calendar</th>
            <th style={HEAD}>Nights taken there</th>
            <th style={HEAD}>Our booking</th>
            <th style={HEAD}>Seen since (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} style={ROW}>
              <td style={CELL}>{r.listing}</td>
              <td style={CELL}>
                <Link href={`/admin/collections/calendar-feeds/${r.feedId}`}>{r.feedName}</Link>
              </td>
              <td style={CELL}>{r.nights}</td>
              <td style={CELL}>
                <Link href={`/admin/collections/bookings/${r.booking}`}>{`Booking #${r.booking}`}</Link>
              </td>
              <td style={{ ...CELL, ...MUTED }}>{r.firstSeen}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  )
}
