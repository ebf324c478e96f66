import { randomBytes } from 'node:crypto'

import pg from 'pg'

import { createDatabase, dropDatabase, withDatabase } from '../../scripts/lib/database'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'
import { eventually } from '../helpers/wait'
import { addDays, utcDate } from '@/domain/stayDates'

/**
 * DATABASE_REPLICA_URLS (src/lib/readReplicas.ts) with a second database standing in for a replica: a
 * copy of the migrated, empty schema that never receives the primary's writes (a replica lagging
 * without end), plus one row written to it alone. What a page shows then says which database answered:
 * the admin list views and the staff dashboard read the replica; search, availability, bookings and
 * REST lists read the primary, right after each write.
 */

let stack: Stack
let cast: Cast
let replicaUrl: string
let replicaName: string
let listing: { id: number }
const replicaOnlyTitle = `Replica-only report ${randomBytes(3).toString('hex')}`
const pgServer = () => process.env.STAYBASE_TEST_PG_SERVER!

beforeAll(async () => {
  replicaName = `staybase_test_replica_${randomBytes(4).toString('hex')}`
  await createDatabase(pgServer(), replicaName, process.env.STAYBASE_TEST_TEMPLATE_DB!)
  replicaUrl = withDatabase(pgServer(), replicaName)
  stack = await startStack({ env: { DATABASE_REPLICA_URLS: replicaUrl, LOG_LEVEL: 'warn' } })
  cast = await signUpCast(stack)
  listing = await createListing(
    stack,
    cast.host,
    {
      title: 'Primary-only lake house',
      instantBook: true,
      address: { line1: 'Via Roma 1', city: 'Varenna', postalCode: '23829', country: 'IT' },
    },
    { publish: true },
  )
  await onReplica(
    `INSERT INTO reconciliation_reports (title, trigger, status, window_start, window_end, started_at, finished_at, checked, fixed, discrepancy_count)
     VALUES ($1, 'scheduled', 'completed', now() - interval '3 days', now(), now(), now(), 7, 0, 0)`,
    [replicaOnlyTitle],
  )
}, 120_000)

afterAll(async () => {
  await stack?.stop()
  await dropDatabase(pgServer(), replicaName).catch(() => {})
})

async function onReplica(statement: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: replicaUrl })
  await client.connect()
  try {
    await client.query(statement, params)
  } finally {
    await client.end()
  }
}

/**
 * An admin page as `who` sees it: the server-rendered HTML. Signed in by the cookie, as a browser's
 * direct navigation (Payload takes a cookie without an Origin only with Sec-Fetch-Site).
 */
async function adminHtml(who: TestUser, path: string): Promise<string> {
  const res = await rest<string>(stack, 'GET', path, { headers: { cookie: `payload-token=${who.token}`, 'sec-fetch-site': 'none' } })
  expect(res.status).toBe(200)
  return res.body
}

describe('reads that may lag go to the replica', () => {
  it("the reconciliation reports' list view shows the replica's report, which the primary does not have", async () => {
    // A user who just wrote reads the primary for a few seconds (read-your-writes), hence eventually.
    await eventually('the list view to show the replica-only report', async () =>
      (await adminHtml(cast.staff, '/admin/collections/reconciliation-reports')).includes(replicaOnlyTitle),
    )
    const api = await rest(stack, 'GET', '/api/reconciliation-reports?limit=100', { token: cast.staff.token })
    expect(api.status).toBe(200)
    expect(JSON.stringify(api.body.docs)).not.toContain(replicaOnlyTitle)
  })

  it('the staff dashboard reports the latest reconciliation from the replica', async () => {
    await eventually('the staff dashboard to show the replica-only report', async () =>
      (await adminHtml(cast.staff, '/admin')).includes(replicaOnlyTitle),
    )
  })

  it("the listings' list view does not have the listing the replica has not received; its edit view and the API do", async () => {
    await eventually('the list view to read the replica', async () =>
      (await adminHtml(cast.staff, '/admin/collections/reconciliation-reports')).includes(replicaOnlyTitle),
    )
    expect(await adminHtml(cast.staff, '/admin/collections/properties')).not.toContain('Primary-only lake house')
    expect(await adminHtml(cast.staff, `/admin/collections/properties/${listing.id}`)).toContain('Primary-only lake house')
    const api = await rest(stack, 'GET', `/api/properties/${listing.id}`, { token: cast.staff.token })
    expect(api.status).toBe(200)
    expect(api.body.title).toBe('Primary-only lake house')
  })
})

describe('reads right after a write stay on the primary', () => {
  it('search finds the new listing, a booking reads back at once, and availability sees it', async () => {
    const checkIn = addDays(utcDate(new Date()), 90)
    const checkOut = addDays(checkIn, 3)
    const search = async () => {
      const res = await rest(stack, 'GET', `/api/properties/search?checkIn=${checkIn}&checkOut=${checkOut}&limit=50&city=Varenna`)
      expect(res.status).toBe(200)
      return (res.body.docs as { id: number }[]).some((d) => d.id === listing.id)
    }
    expect(await search()).toBe(true)

    const booked = await rest(stack, 'POST', '/api/bookings', {
      token: cast.guest.token,
      body: { property: listing.id, checkIn, checkOut, guests: 2 },
    })
    expect(booked.status).toBe(201)
    const id = booked.body.doc.id as number
    const read = await rest(stack, 'GET', `/api/bookings/${id}`, { token: cast.guest.token })
    expect(read.status).toBe(200)
    expect(read.body.status).toBe(booked.body.doc.status)
    // The held dates are taken at once: the replica has no booking, the primary's availability does.
    expect(await search()).toBe(false)
  })
})

describe('a replica that fails', () => {
  it('is logged and the primary answers the list view', async () => {
    await dropDatabase(pgServer(), replicaName)
    const html = await eventually('the listings list view from the primary', async () => {
      const page = await adminHtml(cast.staff, '/admin/collections/properties')
      return page.includes('Primary-only lake house') ? page : null
    })
    expect(html).toContain('Primary-only lake house')
    await eventually('the replica failure in the log', async () => stack.output().includes('read replica failed; the primary answered'))
  })
})
