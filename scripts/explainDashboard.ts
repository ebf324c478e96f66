/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement the dashboards and calendars run, captured as Payload
 * sends them: the host's "this month and next" (bench-host@staybase.bench, 50 listings), the staff
 * dashboard (bench-staff@staybase.bench), one listing's month and a page of the multi-calendar (the
 * host's, and everyone's for staff), against DATABASE_URL (a `bench:seed` database):
 * `DATABASE_URL=… PAYLOAD_SECRET=… node --conditions=production --import tsx scripts/explainDashboard.ts`,
 * VERBOSE=1 for whole plans. Each statement runs once to warm, then under EXPLAIN.
 */
import pg from 'pg'
import { getPayload } from 'payload'

import { calendarListings, readCalendar } from '@/components/calendar/calendarData'
import { hostListings, hostMonthsReport } from '@/components/HostMonths'
import { staffDashboardData } from '@/components/StaffDashboard'
import config from '@/payload.config'
import { monthWeeks } from '@/domain/calendar'
import { utcDate } from '@/domain/stayDates'
import { closeQueues } from '@/services/queue'

type Captured = { text: string; values: unknown[] }
let capturing = false
const captured: Captured[] = []
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [q, v] = args as [string | { text?: string; values?: unknown[] }, unknown]
  const text = typeof q === 'string' ? q : q?.text
  const values = Array.isArray(v) ? v : typeof q === 'object' ? (q?.values ?? []) : []
  if (capturing && text && /^\s*(select|with)/i.test(text)) captured.push({ text, values })
  return query.apply(this, args)
} as typeof pg.Client.prototype.query

const payload = await getPayload({ config })
const userOf = async (email: string) => {
  const { docs } = await payload.find({ collection: 'users', where: { email: { equals: email } }, limit: 1, depth: 0 })
  if (!docs[0]) throw new Error(`no ${email}: seed the database with npm run bench:seed`)
  return { ...docs[0], collection: 'users' as const }
}
const host = await userOf('bench-host@staybase.bench')
const staff = await userOf('bench-staff@staybase.bench')

const monthStart = `${utcDate(new Date()).slice(0, 7)}-01`
const monday = monthWeeks(monthStart.slice(0, 7))[0]![0]!
const runs: [string, () => Promise<unknown>][] = [
  [
    'host: this month and next',
    async () => hostMonthsReport(payload, host as never, utcDate(new Date()), await hostListings(payload, host as never)),
  ],
  ['staff dashboard', () => staffDashboardData(payload, staff as never)],
  [
    "host: a listing's month (six weeks)",
    async () => {
      const [first] = (await calendarListings(payload, host as never, host.id, 1)).docs
      if (first) await readCalendar(payload, host as never, [first.id], monday, 42)
    },
  ],
  [
    'host: the multi-calendar, first page, two months',
    async () => {
      const page = await calendarListings(payload, host as never, host.id, 1)
      await readCalendar(
        payload,
        host as never,
        page.docs.map((l) => l.id),
        monthStart,
        61,
      )
    },
  ],
  [
    "staff: the multi-calendar, everyone's listings, first page",
    async () => {
      const page = await calendarListings(payload, staff as never, null, 1)
      await readCalendar(
        payload,
        staff as never,
        page.docs.map((l) => l.id),
        monthStart,
        61,
      )
    },
  ],
]
const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
await client.connect()
for (const [name, run] of runs) {
  captured.length = 0
  capturing = true
  await run()
  capturing = false
  console.log(`\n#### ${name}: ${captured.length} statements`)
  for (const { text, values } of captured) {
    await client.query(text, values)
    const plan = (await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values)).rows.map((r) => r['QUERY PLAN'] as string)
    console.log(`\n-- ${text.replace(/\s+/g, ' ').slice(0, process.env.VERBOSE ? 100_000 : 400)}`)
    console.log(`-- params: ${JSON.stringify(values)}`)
    console.log(plan.join('\n'))
  }
}
await client.end()
await closeQueues()
process.exit(0)
