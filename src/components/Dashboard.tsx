import { DefaultDashboard, type DashboardViewServerProps } from '@payloadcms/next/views'
import Link from 'next/link'
import type { Payload, TypedUser, Where } from 'payload'
import type { ReactNode } from 'react'

import { formatMoney, isCurrency } from '@/domain/money'
import { hasRole, isStaffUser } from '@/domain/roles'
import { addDays, formatDay, formatStay, timeLeft, utcDate } from '@/domain/stayDates'
import type { Booking, Property, Review, User } from '@/payload-types'
import { CalendarConflicts, calendarConflicts } from './CalendarConflicts'
import { CELL, DashboardPage, LIST, ROW, Section, TABLE } from './dashboardParts'
import { HostMonths, hostListings, hostMonthsReport } from './HostMonths'
import { RequestAnswerButtons } from './RequestAnswerButtons'
import { StaffDashboard } from './StaffDashboard'

/**
 * The admin panel's home. A host sees their day: requests waiting for an answer (Accept / Decline in
 * place), arrivals and departures of the next 7 days, the stays of the next 30 days and the latest
 * reviews of their listings, and this month's and next month's occupancy and earnings — all read as the
 * host, through the collections' access rules, so nothing of another host's shows. Staff get their own
 * dashboard (StaffDashboard); anyone else Payload's dashboard of collections.
 */
export async function Dashboard(props: DashboardViewServerProps) {
  const user = props.user as (TypedUser & { roles?: string[] }) | null | undefined
  if (user && isStaffUser(user)) return <StaffDashboard payload={props.payload} user={user} />
  if (!user || !hasRole(user, 'host')) return <DefaultDashboard {...props} />
  return <HostDashboard payload={props.payload} user={user} />
}

const guestName = (b: Booking) => (typeof b.guest === 'object' && b.guest ? (b.guest as User).name : 'A guest')
const listingTitle = (b: Booking) => (typeof b.property === 'object' && b.property ? (b.property as Property).title : 'a listing')
const total = (b: Booking) => (b.quote?.total != null && isCurrency(b.quote.currency) ? formatMoney(b.quote.total, b.quote.currency) : '—')

async function HostDashboard({ payload, user }: { payload: Payload; user: TypedUser }) {
  const now = new Date()
  const today = utcDate(now)
  const mine: Where = { host: { equals: user.id } }
  const asHost = { user, overrideAccess: false, depth: 1, pagination: false } as const
  const bookings = (where: Where, sort: string, limit: number) =>
    payload.find({ collection: 'bookings', where: { and: [mine, where] }, sort, limit, ...asHost }).then((r) => r.docs)
  const [requests, arrivals, departures, upcoming, [listings, months], conflicts] = await Promise.all([
    bookings({ status: { equals: 'requested' } }, 'holdExpiresAt', 20),
    bookings(
      { status: { equals: 'confirmed' }, checkIn: { greater_than_equal: today, less_than_equal: addDays(today, 7) } },
      'checkIn',
      50,
    ),
    bookings(
      { status: { in: ['confirmed', 'completed'] }, checkOut: { greater_than_equal: today, less_than_equal: addDays(today, 7) } },
      'checkOut',
      50,
    ),
    bookings(
      { status: { equals: 'confirmed' }, checkIn: { greater_than_equal: today, less_than_equal: addDays(today, 30) } },
      'checkIn',
      20,
    ),
    hostListings(payload, user).then(async (own) => [own, await hostMonthsReport(payload, user, today, own)] as const),
    calendarConflicts(payload, user),
  ])
  const reviews: Review[] =
    listings.length === 0
      ? []
      : (
          await payload.find({
            collection: 'reviews',
            where: {
              and: [
                { property: { in: listings.map((l) => l.id) } },
                { subject: { equals: 'property' } },
                { status: { equals: 'published' } },
              ],
            },
            sort: '-publishedAt',
            limit: 5,
            ...asHost,
          })
        ).docs

  const link = (b: Booking, text: ReactNode) => <Link href={`/admin/collections/bookings/${b.id}`}>{text}</Link>
  return (
    <DashboardPage className="host-dashboard" title="Today" navLabel="Your things" shortcuts={SHORTCUTS}>
      <Section title="Needs you" empty="No requests are waiting for an answer." count={requests.length}>
        <table className="host-dashboard__requests" style={TABLE}>
          <tbody>
            {requests.map((b) => (
              <tr key={b.id} style={ROW}>
                <td style={CELL}>{link(b, guestName(b))}</td>
                <td style={CELL}>{listingTitle(b)}</td>
                <td style={CELL}>{formatStay(b.checkIn, b.checkOut)}</td>
                <td style={CELL}>{`${b.guests} guest${b.guests === 1 ? '' : 's'}`}</td>
                <td style={{ ...CELL, textAlign: 'right' }}>{total(b)}</td>
                {(() => {
                  // A request whose time ran out waits for the sweep to expire it; it can no longer be answered.
                  const left = b.holdExpiresAt ? timeLeft(new Date(b.holdExpiresAt), now) : 'expired'
                  return left === 'expired' ? (
                    <td style={{ ...CELL, color: 'var(--theme-elevation-600)' }} colSpan={2}>
                      Expired: no longer answerable
                    </td>
                  ) : (
                    <>
                      <td style={{ ...CELL, color: 'var(--theme-elevation-600)' }}>{`answer within ${left}`}</td>
                      <td style={CELL}>
                        <RequestAnswerButtons bookingId={b.id} label={`${guestName(b)}, ${formatStay(b.checkIn, b.checkOut)}`} />
                      </td>
                    </>
                  )
                })()}
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      {/* Shown only when there is one: a double booking needs the host today. */}
      {conflicts.length > 0 && <CalendarConflicts rows={conflicts} />}

      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))', gap: 'var(--base)' }}>
        <Section title="Arrivals, next 7 days" empty="Nobody arrives this week." count={arrivals.length}>
          <StayList
            items={arrivals.map((b) => ({ key: b.id, when: formatDay(b.checkIn), text: link(b, `${guestName(b)} · ${listingTitle(b)}`) }))}
          />
        </Section>
        <Section title="Departures, next 7 days" empty="Nobody leaves this week." count={departures.length}>
          <StayList
            items={departures.map((b) => ({
              key: b.id,
              when: formatDay(b.checkOut),
              text: link(b, `${guestName(b)} · ${listingTitle(b)}`),
            }))}
          />
        </Section>
      </div>

      <Section title="Upcoming stays, next 30 days" empty="No confirmed stays in the next 30 days." count={upcoming.length}>
        <StayList
          items={upcoming.map((b) => ({
            key: b.id,
            when: formatStay(b.checkIn, b.checkOut),
            text: link(b, `${guestName(b)} · ${listingTitle(b)} · ${total(b)}`),
          }))}
        />
      </Section>

      <Section title="Recent reviews" empty="No published reviews of your listings yet." count={reviews.length}>
        <ul style={LIST}>
          {reviews.map((r) => (
            <li key={r.id} style={ROW}>
              <Link href={`/admin/collections/reviews/${r.id}`}>
                {`${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)} ${typeof r.property === 'object' && r.property ? r.property.title : ''}`}
              </Link>
              <div style={{ color: 'var(--theme-elevation-600)' }}>{r.comment}</div>
            </li>
          ))}
        </ul>
      </Section>

      <HostMonths report={months} />
    </DashboardPage>
  )
}

/** What a host works with, one click away (the menu has them too). */
const SHORTCUTS = [
  ['properties', 'Listings'],
  ['bookings', 'Bookings'],
  ['availability-blocks', 'Blocked dates'],
  ['reviews', 'Reviews'],
  ['payments', 'Payments'],
  ['media', 'Photos'],
] as const

function StayList({ items }: { items: { key: number; when: string; text: ReactNode }[] }) {
  return (
    <ul style={LIST}>
      {items.map((item) => (
        <li key={item.key} style={{ ...ROW, display: 'flex', gap: 12, padding: '8px 0' }}>
          <span style={{ minWidth: 110, color: 'var(--theme-elevation-600)', fontVariantNumeric: 'tabular-nums' }}>{item.when}</span>
          <span>{item.text}</span>
        </li>
      ))}
    </ul>
  )
}
