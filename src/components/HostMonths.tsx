import Link from 'next/link'
import type { Payload, TypedUser, Where } from 'payload'

import { formatMonthShort } from '@/domain/calendar'
import { storedId } from '@/domain/ids'
import { formatMoney, isCurrency, type Currency } from '@/domain/money'
import {
  EARNING_STATUSES,
  type MonthFigures,
  type OccupancyReport,
  formatOccupancy,
  occupancyReport,
  twoMonthsFrom,
} from '@/domain/occupancy'
import { fromReplica } from '@/lib/readReplicas'
import { CELL, HEAD, MUTED, NUMBER, ROW, Section, TABLE } from './dashboardParts'

// A group heading over its two month columns, ruled so it reads as spanning them.
const GROUP = { ...HEAD, textAlign: 'center', padding: '10px 0 0 24px', borderBottom: 0 } as const
const GROUP_RULE = { borderBottom: '1px solid var(--theme-elevation-150)', paddingBottom: 4 } as const

type Listing = { id: number; title: string; pricing?: { currency?: string | null } | null }

/** The host's listings (title and currency), as the host, by title; a report's read (a replica may answer). */
export async function hostListings(payload: Payload, user: TypedUser): Promise<Listing[]> {
  const { docs } = await payload.find({
    collection: 'properties',
    where: { host: { equals: user.id } },
    select: { title: true, pricing: { currency: true } },
    sort: 'title',
    limit: 500,
    depth: 0,
    pagination: false,
    user,
    overrideAccess: false,
    ...fromReplica(),
  })
  return docs
}

/**
 * The figures of a host's month and the next (src/domain/occupancy.ts has the rules), from only the rows
 * that overlap the two months: confirmed and completed stays of the host, and their blocks, read as the
 * host through the access rules. Both reads are index ranges (bookings_host_earning_stays_idx,
 * availability_blocks_host_end_date_idx; plans in the migration dashboard_indexes). A report: its reads
 * may come from a read replica, seconds behind (src/lib/readReplicas.ts).
 */
export async function hostMonthsReport(payload: Payload, user: TypedUser, today: string, listings: Listing[]): Promise<OccupancyReport> {
  const { months, start, end } = twoMonthsFrom(today)
  const mine: Where = { host: { equals: user.id } }
  const asHost = { user, overrideAccess: false, depth: 0, pagination: false } as const
  const [stays, blocks] = await Promise.all([
    payload
      .find({
        collection: 'bookings',
        where: {
          and: [mine, { status: { in: [...EARNING_STATUSES] } }, { checkOut: { greater_than: start } }, { checkIn: { less_than: end } }],
        },
        select: {
          property: true,
          status: true,
          checkIn: true,
          checkOut: true,
          refundAmount: true,
          quote: { currency: true, nightlySubtotal: true, discount: true, cleaningFee: true, total: true, perNight: true },
        },
        ...asHost,
        ...fromReplica(),
      })
      .then((r) => r.docs),
    payload
      .find({
        collection: 'availability-blocks',
        where: { and: [mine, { endDate: { greater_than: start } }, { startDate: { less_than: end } }] },
        select: { property: true, startDate: true, endDate: true },
        ...asHost,
        ...fromReplica(),
      })
      .then((r) => r.docs),
  ])
  // What was refunded of these stays' payments (a refund at Stripe, a lost dispute). Hosts do not read
  // payments; the sums are read for the host's own stays just read through their access, and only the
  // sums reach the page.
  const refunded = new Map<number, number>()
  if (stays.length > 0) {
    const payments = await payload.find({
      collection: 'payments',
      where: { and: [{ booking: { in: stays.map((b) => b.id) } }, { amountRefunded: { greater_than: 0 } }] },
      select: { booking: true, amountRefunded: true },
      depth: 0,
      pagination: false,
      ...fromReplica(),
    })
    for (const p of payments.docs) {
      const booking = storedId(p.booking)
      if (booking !== null) refunded.set(booking, (refunded.get(booking) ?? 0) + (p.amountRefunded ?? 0))
    }
  }
  return occupancyReport({
    months,
    listings: listings.map((l) => ({
      id: l.id,
      title: l.title,
      currency: isCurrency(l.pricing?.currency) ? l.pricing.currency : 'EUR',
    })),
    stays: stays.flatMap((b) => {
      const listing = storedId(b.property)
      if (listing === null) return []
      const refund = refunded.get(b.id) ?? b.refundAmount
      return [{ listing, status: b.status ?? '', checkIn: b.checkIn, checkOut: b.checkOut, quote: b.quote, refunded: refund }]
    }),
    blocks: blocks.flatMap((b) => {
      const listing = storedId(b.property)
      return listing === null ? [] : [{ listing, startDate: b.startDate, endDate: b.endDate }]
    }),
  })
}

const earned = (f: MonthFigures, fallback: Currency) => {
  const entries = (Object.entries(f.earnings) as [Currency, number][]).filter(([, amount]) => amount !== 0)
  if (entries.length === 0) return formatMoney(0, fallback)
  return entries.map(([currency, amount]) => formatMoney(amount, currency)).join('\n')
}

function Occupancy({ f }: { f: MonthFigures }) {
  const open = f.nights - f.blocked
  return (
    <>
      <span style={{ fontWeight: 600 }}>{formatOccupancy(f.occupancy)}</span>
      <div style={{ ...MUTED, fontSize: 12 }}>
        {open <= 0 ? 'all blocked' : `${f.booked} of ${open} nights`}
        {f.blocked > 0 && open > 0 ? ` · ${f.blocked} blocked` : ''}
      </div>
    </>
  )
}

/** "This month and next": a row per listing, then a total row per currency. */
export function HostMonths({ report }: { report: OccupancyReport }) {
  const { months, listings, totals } = report
  const title = 'This month and next'
  return (
    <Section title={title} empty="No listings yet." count={listings.length}>
      <div style={{ overflowX: 'auto' }}>
        <table className="host-dashboard__months" style={{ ...TABLE, tableLayout: 'fixed', minWidth: 640 }}>
          <colgroup>
            <col />
            {[0, 1, 2, 3].map((i) => (
              <col key={i} style={{ width: '15%' }} />
            ))}
          </colgroup>
          <thead>
            <tr>
              <th scope="col" rowSpan={2} style={{ ...HEAD, verticalAlign: 'bottom' }}>
                Listing
              </th>
              {['Occupancy', 'Earnings'].map((group) => (
                <th key={group} scope="colgroup" colSpan={2} style={GROUP}>
                  <div style={GROUP_RULE}>{group}</div>
                </th>
              ))}
            </tr>
            <tr>
              {[0, 1].flatMap((group) =>
                months.map((m) => (
                  <th key={`${group}-${m}`} scope="col" style={{ ...HEAD, textAlign: 'right' }}>
                    {formatMonthShort(m)}
                  </th>
                )),
              )}
            </tr>
          </thead>
          <tbody>
            {listings.map(({ listing, months: figures }) => (
              <tr key={listing.id} style={ROW}>
                <th scope="row" style={{ ...CELL, textAlign: 'left', fontWeight: 400 }}>
                  <Link href={`/admin/collections/properties/${listing.id}`}>{listing.title}</Link>
                </th>
                {figures.map((f) => (
                  <td key={`o-${f.month}`} style={NUMBER}>
                    <Occupancy f={f} />
                  </td>
                ))}
                {figures.map((f) => (
                  <td key={`e-${f.month}`} style={{ ...NUMBER, whiteSpace: 'pre-line' }}>
                    {earned(f, listing.currency)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            {totals.map(({ currency, months: figures }) => (
              <tr key={currency} style={{ borderTop: '2px solid var(--theme-elevation-150)' }}>
                <th scope="row" style={{ ...CELL, textAlign: 'left' }}>{`Total, ${currency}`}</th>
                {figures.map((f) => (
                  <td key={`o-${f.month}`} style={NUMBER}>
                    {f.nights > 0 ? <Occupancy f={f} /> : <span style={MUTED}>—</span>}
                  </td>
                ))}
                {figures.map((f) => (
                  <td key={`e-${f.month}`} style={{ ...NUMBER, fontWeight: 600 }}>
                    {formatMoney(f.earnings[currency] ?? 0, currency)}
                  </td>
                ))}
              </tr>
            ))}
          </tfoot>
        </table>
      </div>
      <p style={{ ...MUTED, fontSize: 12, marginTop: 8 }}>
        Occupancy: booked nights ÷ nights not blocked. Earnings: your share of confirmed and completed stays (nights − discount + cleaning
        fee, less refunds; without the service fee and taxes), each night in the month it falls in.
      </p>
    </Section>
  )
}
