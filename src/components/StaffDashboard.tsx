import Link from 'next/link'
import type { Payload, TypedUser } from 'payload'
import type { ReactNode } from 'react'

import { QUEUE_DASHBOARD_PATH, QUEUE_NAMES, type QueueName } from '@/jobs/registry'
import { storedId } from '@/domain/ids'
import { humanize } from '@/domain/listing'
import { describeMoney } from '@/domain/money'
import { isOnModerationHold } from '@/domain/moderation'
import { formatDay } from '@/domain/stayDates'
import type { Payment, ReconciliationReport, User } from '@/payload-types'
import { fromReplica } from '@/lib/readReplicas'
import { queue } from '@/services/queue'
import { CELL, DashboardPage, HEAD, LIST, MUTED, NUMBER, ROW, Section, TABLE } from './dashboardParts'
import { CalendarConflicts, calendarConflicts } from './CalendarConflicts'

/**
 * What the staff dashboard shows, read as `user` (also run by scripts/explainDashboard.ts). A report: its
 * reads may come from a read replica, seconds behind (src/lib/readReplicas.ts).
 */
export async function staffDashboardData(payload: Payload, user: TypedUser) {
  const asStaff = { user, overrideAccess: false, pagination: false } as const
  const [held, published, payments, reports, jobs] = await Promise.all([
    payload
      .find({
        collection: 'properties',
        where: { 'moderation.unpublishedAt': { exists: true } },
        sort: '-moderation.unpublishedAt',
        // Reinstated listings keep their unpublishedAt; the few recent ones are skipped below.
        limit: 50,
        select: { title: true, host: true, moderation: true },
        depth: 1,
        populate: { users: { name: true, email: true } },
        ...asStaff,
        ...fromReplica(),
      })
      .then((r) => r.docs.filter((p) => isOnModerationHold(p.moderation)).slice(0, 10)),
    payload
      .find({
        collection: 'properties',
        where: { and: [{ _status: { equals: 'published' } }, { publishedAt: { exists: true } }] },
        sort: '-publishedAt',
        limit: 8,
        select: { title: true, host: true, publishedAt: true, address: { city: true, country: true } },
        depth: 1,
        populate: { users: { name: true, email: true } },
        ...asStaff,
        ...fromReplica(),
      })
      .then((r) => r.docs),
    payload
      .find({
        collection: 'payments',
        where: { needsAttention: { equals: true } },
        sort: '-updatedAt',
        limit: 20,
        select: { booking: true, amount: true, currency: true, status: true, attentionReason: true, updatedAt: true },
        depth: 0,
        ...asStaff,
        ...fromReplica(),
      })
      .then((r) => r.docs),
    payload
      .find({ collection: 'reconciliation-reports', sort: '-startedAt', limit: 1, depth: 0, ...asStaff, ...fromReplica() })
      .then((r) => r.docs),
    failedJobs(),
  ])
  return { held, published, payments, report: reports[0], jobs }
}

/**
 * The back office at a glance, for staff: listings they took offline (and why) and the ones published
 * lately, payments someone must look at, the latest reconciliation report with what it found, and the
 * jobs that failed. Read as the staff member, through the access rules; each list is short and sorted
 * on an index (migration dashboard_indexes).
 */
export async function StaffDashboard({ payload, user }: { payload: Payload; user: TypedUser }) {
  const [{ held, published, payments, report, jobs }, conflicts] = await Promise.all([
    staffDashboardData(payload, user),
    calendarConflicts(payload, user),
  ])

  return (
    <DashboardPage className="staff-dashboard" title="Back office" navLabel="Collections" shortcuts={STAFF_SHORTCUTS}>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))', gap: 'var(--base)' }}>
        <Section title="Taken offline by staff" empty="No listing is held offline." count={held.length}>
          <ul style={LIST}>
            {held.map((p) => (
              <Item
                key={p.id}
                href={`/admin/collections/properties/${p.id}`}
                title={p.title}
                meta={`${p.moderation?.unpublishedAt ? formatInstant(p.moderation.unpublishedAt) : ''} · host ${nameOf(p.host)}`}
              >
                {p.moderation?.reason || 'No reason given'}
              </Item>
            ))}
          </ul>
        </Section>
        <Section title="Recently published" empty="Nothing published yet." count={published.length}>
          <ul style={LIST}>
            {published.map((p) => (
              <Item
                key={p.id}
                href={`/admin/collections/properties/${p.id}`}
                title={p.title}
                meta={`${p.publishedAt ? formatInstant(p.publishedAt) : ''} · host ${nameOf(p.host)}`}
              >
                {[p.address?.city, p.address?.country].filter(Boolean).join(', ')}
              </Item>
            ))}
          </ul>
        </Section>
      </div>

      <CalendarConflicts rows={conflicts} />

      <Section title="Payments needing attention" empty="No payment needs attention." count={payments.length}>
        <table style={TABLE}>
          <thead>
            <tr>
              <th style={HEAD}>Payment</th>
              <th style={{ ...HEAD, textAlign: 'right' }}>Amount</th>
              <th style={HEAD}>Status</th>
              <th style={HEAD}>Why</th>
              <th style={HEAD}>Updated</th>
            </tr>
          </thead>
          <tbody>
            {payments.map((p) => (
              <PaymentRow key={p.id} payment={p} />
            ))}
          </tbody>
        </table>
      </Section>

      <Section title="Latest reconciliation" empty="No reconciliation has run yet." count={report ? 1 : 0}>
        {report && <ReportSummary report={report} />}
      </Section>

      <Section title="Failed jobs">
        <FailedJobs jobs={jobs} />
      </Section>
    </DashboardPage>
  )
}

/** Every collection staff work with, one click away. */
const STAFF_SHORTCUTS = [
  ['properties', 'Listings'],
  ['bookings', 'Bookings'],
  ['availability-blocks', 'Blocked dates'],
  ['reviews', 'Reviews'],
  ['payments', 'Payments'],
  ['reconciliation-reports', 'Reconciliation'],
  ['stripe-events', 'Stripe events'],
  ['users', 'Users'],
  ['media', 'Photos'],
] as const

const nameOf = (v: unknown) => (typeof v === 'object' && v ? (v as User).name || (v as User).email : `#${v}`)

/** An instant as staff read it in a list: "Sat 28 Nov, 10:45 UTC". */
function formatInstant(iso: string | number): string {
  const d = new Date(iso)
  const at = d.toISOString()
  return `${formatDay(at.slice(0, 10))}, ${at.slice(11, 16)} UTC`
}

function Item({ href, title, meta, children }: { href: string; title: string; meta: string; children: ReactNode }) {
  return (
    <li style={{ ...ROW, padding: '8px 0' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 12 }}>
        <Link href={href}>{title}</Link>
        <span style={{ ...MUTED, fontSize: 12, whiteSpace: 'nowrap' }}>{meta}</span>
      </div>
      {children ? <div style={MUTED}>{children}</div> : null}
    </li>
  )
}

function PaymentRow({
  payment: p,
}: {
  payment: Pick<Payment, 'id' | 'booking' | 'amount' | 'currency' | 'status' | 'attentionReason' | 'updatedAt'>
}) {
  const booking = storedId(p.booking)
  return (
    <tr style={ROW}>
      <td style={CELL}>
        <Link href={`/admin/collections/payments/${p.id}`}>{`Payment #${p.id}`}</Link>
        {booking ? <div style={{ ...MUTED, fontSize: 12 }}>{`booking #${booking}`}</div> : null}
      </td>
      <td style={NUMBER}>{describeMoney(p.amount, p.currency)}</td>
      <td style={CELL}>{humanize(p.status)}</td>
      <td style={{ ...CELL, whiteSpace: 'pre-line' }}>{p.attentionReason || '—'}</td>
      <td style={{ ...CELL, ...MUTED, whiteSpace: 'nowrap' }}>{formatInstant(p.updatedAt)}</td>
    </tr>
  )
}

const SHOWN_DISCREPANCIES = 10

function ReportSummary({ report }: { report: ReconciliationReport }) {
  const found = report.discrepancies ?? []
  return (
    <div>
      <p style={{ marginBottom: 8 }}>
        <Link href={`/admin/collections/reconciliation-reports/${report.id}`}>{report.title}</Link>
        <span style={MUTED}>
          {` · ${humanize(report.status)}${report.finishedAt ? `, finished ${formatInstant(report.finishedAt)}` : ''} · ${report.checked ?? 0} checked, ${report.fixed ?? 0} fixed, ${report.discrepancyCount ?? found.length} discrepanc${(report.discrepancyCount ?? found.length) === 1 ? 'y' : 'ies'}`}
        </span>
      </p>
      {report.error ? <p style={{ color: 'var(--theme-error-500)' }}>{report.error}</p> : null}
      {found.length > 0 && (
        <table style={TABLE}>
          <thead>
            <tr>
              <th style={HEAD}>Discrepancy</th>
              <th style={HEAD}>Stripe object</th>
              <th style={HEAD}>Payment</th>
              <th style={HEAD}>Details</th>
            </tr>
          </thead>
          <tbody>
            {found.slice(0, SHOWN_DISCREPANCIES).map((d, i) => {
              const payment = storedId(d.payment)
              return (
                <tr key={d.id ?? i} style={ROW}>
                  <td style={{ ...CELL, whiteSpace: 'nowrap' }}>{humanize(d.kind)}</td>
                  <td style={{ ...CELL, fontFamily: 'monospace', fontSize: 12 }}>{d.stripeObjectId || '—'}</td>
                  <td style={CELL}>{payment ? <Link href={`/admin/collections/payments/${payment}`}>{`#${payment}`}</Link> : '—'}</td>
                  <td style={{ ...CELL, whiteSpace: 'pre-line' }}>{d.details || ''}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {found.length > SHOWN_DISCREPANCIES && <p style={MUTED}>{`and ${found.length - SHOWN_DISCREPANCIES} more in the report.`}</p>}
    </div>
  )
}

type FailedJob = { queue: QueueName; id: string; name: string; reason: string; at: number | null; attempts: number }
type QueueFailures = { queue: QueueName; count: number | null; latest: FailedJob[] }

const LATEST_FAILURES = 3

/**
 * BullMQ's failed jobs per queue, from the web process's producer connection (src/services/queue.ts).
 * That connection fails fast while Redis is down: the queues then show as unreachable, and the rest of
 * the dashboard still renders.
 */
async function failedJobs(): Promise<QueueFailures[]> {
  return Promise.all(
    QUEUE_NAMES.map(async (name) => {
      try {
        const q = queue(name)
        const [count, latest] = await Promise.all([q.getFailedCount(), q.getFailed(0, LATEST_FAILURES - 1)])
        return {
          queue: name,
          count,
          latest: latest
            .filter((job) => job)
            .map((job) => ({
              queue: name,
              id: String(job.id),
              name: job.name,
              reason: job.failedReason || '(no reason recorded)',
              at: job.finishedOn ?? null,
              attempts: job.attemptsMade,
            })),
        }
      } catch {
        return { queue: name, count: null, latest: [] }
      }
    }),
  )
}

function FailedJobs({ jobs }: { jobs: QueueFailures[] }) {
  const latest = jobs.flatMap((q) => q.latest).sort((a, b) => (b.at ?? 0) - (a.at ?? 0))
  return (
    <div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 'var(--base)', alignItems: 'baseline', marginBottom: 8 }}>
        {jobs.map((q) => (
          <span key={q.queue} data-queue={q.queue}>
            <span style={MUTED}>{`${q.queue}: `}</span>
            <strong style={{ color: q.count ? 'var(--theme-error-500)' : undefined }}>
              {q.count === null ? 'unreachable' : `${q.count} failed`}
            </strong>
          </span>
        ))}
        {/* bull-board is served by the express server, not Next: a full page load, not a client-side route. */}
        <a href={QUEUE_DASHBOARD_PATH}>Open the queue dashboard</a>
      </div>
      {latest.length === 0 ? (
        <p style={{ color: 'var(--theme-elevation-500)' }}>No failed jobs.</p>
      ) : (
        <table style={TABLE}>
          <thead>
            <tr>
              <th style={HEAD}>Queue</th>
              <th style={HEAD}>Job</th>
              <th style={HEAD}>Reason</th>
              <th style={{ ...HEAD, textAlign: 'right' }}>Attempts</th>
              <th style={HEAD}>Failed</th>
            </tr>
          </thead>
          <tbody>
            {latest.map((job) => (
              <tr key={`${job.queue}-${job.id}`} style={ROW}>
                <td style={CELL}>{job.queue}</td>
                <td style={CELL}>
                  {job.name}
                  <div style={{ ...MUTED, fontSize: 12, fontFamily: 'monospace' }}>{job.id}</div>
                </td>
                <td style={{ ...CELL, wordBreak: 'break-word' }}>{job.reason}</td>
                <td style={NUMBER}>{job.attempts}</td>
                <td style={{ ...CELL, ...MUTED, whiteSpace: 'nowrap' }}>{job.at ? formatInstant(job.at) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
