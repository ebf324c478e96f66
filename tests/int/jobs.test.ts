import { addDays, utcDate } from '../../src/domain/stayDates'
import { type TestUser, rest, signUp } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, type WorkerProcess, startStack, startWorker } from '../helpers/stack'
import { eventually } from '../helpers/wait'

/**
 * The booking-lifecycle queue with a real worker process: holds of a few seconds
 * (BOOKING_HOLD_MINUTES=0.05) expire, free their dates, and survive a worker killed with SIGKILL.
 */
let stack: Stack
let worker: WorkerProcess | undefined
let host: TestUser
let guest: TestUser
let listing: { id: number }
let adminEmail = ''
let adminPassword = ''
const HOLD_MS = 3_000

beforeAll(async () => {
  stack = await startStack({ env: { BOOKING_HOLD_MINUTES: String(HOLD_MS / 60_000) } })
  const admin = await signUp(stack, { label: 'admin' })
  ;[adminEmail, adminPassword] = [admin.email, admin.password]
  host = await signUp(stack, { label: 'host', roles: ['host'] })
  guest = await signUp(stack, { label: 'guest' })
  listing = await createListing(stack, host, { title: 'Queue test flat' }, { publish: true })
})
afterAll(async () => {
  await worker?.stop()
  await stack?.stop()
})

const dates = (week: number) => {
  const checkIn = addDays(utcDate(new Date()), 30 + week * 7)
  return { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 }
}

async function waitForStatus(id: number, status: string, timeoutMs = 30_000): Promise<void> {
  let last: unknown
  await eventually(
    `booking ${id} to become ${status}`,
    async () => (last = (await rest(stack, 'GET', `/api/bookings/${id}`, { token: guest.token })).body.status) === status,
    { timeoutMs, intervalMs: 250, detail: () => `booking ${id} still ${String(last)}` },
  )
}

const expiredLines = (output: string, bookingId: number) =>
  output.split('\n').filter((line) => line.includes('"booking expired"') && line.includes(`"bookingId":${bookingId}`)).length

it('an unpaid hold expires at holdExpiresAt and its dates become bookable again', async () => {
  worker = await startWorker(stack)
  const booking = (await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates(0) })).body.doc
  expect(booking.status).toBe('awaiting_payment')
  expect((await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates(0) })).status).toBe(409)
  await waitForStatus(booking.id, 'expired')
  expect((await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates(0) })).status).toBe(201)
  expect(expiredLines(worker.output(), booking.id)).toBe(1)
})

it('a worker killed with SIGKILL, restarted after the hold ran out, expires it exactly once', async () => {
  await worker!.stop('SIGKILL')
  const booking = (await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates(1) })).body.doc
  await new Promise((r) => setTimeout(r, HOLD_MS + 1_000))
  // Nobody was there to expire it.
  expect((await rest(stack, 'GET', `/api/bookings/${booking.id}`, { token: guest.token })).body.status).toBe('awaiting_payment')

  worker = await startWorker(stack)
  await waitForStatus(booking.id, 'expired')
  const second = await startWorker(stack)
  await new Promise((r) => setTimeout(r, 1_500))
  expect(expiredLines(worker.output(), booking.id) + expiredLines(second.output(), booking.id)).toBe(1)
  expect(await second.stop()).toBe(0)
})

it('a worker stops cleanly on SIGTERM', async () => {
  expect(await worker!.stop('SIGTERM')).toBe(0)
  worker = undefined
})

describe('the queue dashboard at /admin/queues', () => {
  it('is for staff only: 401 without a session, 403 for guests and hosts, 200 for staff', async () => {
    const admin = await rest(stack, 'POST', '/api/users/login', { body: { email: adminEmail, password: adminPassword } })
    const page = (headers: Record<string, string>) => fetch(`${stack.url}/admin/queues`, { headers, signal: AbortSignal.timeout(20_000) })
    expect((await page({})).status).toBe(401)
    expect((await page({ authorization: `JWT ${guest.token}` })).status).toBe(403)
    expect((await page({ authorization: `JWT ${host.token}` })).status).toBe(403)
    const ok = await page({ authorization: `JWT ${admin.body.token}` })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toMatch(/<html/i)
    const api = await fetch(`${stack.url}/admin/queues/api/queues`, { headers: { authorization: `JWT ${admin.body.token}` }, signal: AbortSignal.timeout(20_000) })
    expect(JSON.stringify(await api.json())).toContain('booking-lifecycle')
    // The admin panel's cookie works for a same-origin page load, as a browser sends it; not cross-site.
    const cookie = (admin.headers.get('set-cookie') ?? '').split(';')[0]
    expect((await page({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
    expect((await page({ cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(401)
  })
})
