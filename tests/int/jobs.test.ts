import pg from 'pg'

import { jobIds } from '@/jobs/registry'
import { addDays, utcDate } from '@/domain/stayDates'
import { type TestUser, rest, signUp } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, startStack, startWorker } from '../helpers/stack'
import { eventually } from '../helpers/wait'

/**
 * The booking-lifecycle queue with a real worker process: holds of a few seconds
 * (BOOKING_HOLD_MINUTES=0.05) expire, free their dates, and survive a worker killed with SIGKILL.
 */
let stack: Stack
let queues: StackQueues
let host: TestUser
let guest: TestUser
let listing: { id: number }
let adminEmail = ''
let adminPassword = ''
const HOLD_MS = 3_000

beforeAll(async () => {
  // A killed worker's jobs are taken over once their lock runs out: 5 s here, not the default 30.
  stack = await startStack({ env: { BOOKING_HOLD_MINUTES: String(HOLD_MS / 60_000), JOB_LOCK_SECONDS: '5' } })
  const admin = await signUp(stack, { label: 'admin' })
  ;[adminEmail, adminPassword] = [admin.email, admin.password]
  host = await signUp(stack, { label: 'host', roles: ['host'] })
  guest = await signUp(stack, { label: 'guest' })
  listing = await createListing(stack, host, { title: 'Queue test flat' }, { publish: true })
  queues = stackQueues(stack)
})
afterAll(async () => {
  await queues?.close()
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
    async () => {
      last = (await rest(stack, 'GET', `/api/bookings/${id}`, { token: guest.token })).body.status
      return last === status
    },
    { timeoutMs, intervalMs: 250, detail: () => `booking ${id} still ${String(last)}` },
  )
}

const expiredLines = (output: string, bookingId: number) =>
  output.split('\n').filter((line) => line.includes('"booking expired"') && line.includes(`"bookingId":${bookingId}`)).length

/** The expiry job of a booking's hold has run to completion (whoever expired the booking). */
const expiryJobDone = (booking: { id: number; holdExpiresAt: string }) =>
  queues.waitForJobState('booking-lifecycle', jobIds.expireHold(booking.id, booking.holdExpiresAt), 'completed')

// Each test starts the workers it needs and stops them (SIGTERM, exit 0) before it counts their log
// lines: a stopped worker's output is complete. No test relies on another's worker or booking.

it('an unpaid hold expires at holdExpiresAt, its dates become bookable again, and the worker stops cleanly on SIGTERM', async () => {
  const booking = (await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates(0) })).body.doc
  expect(booking.status).toBe('awaiting_payment')
  // No worker runs yet, so the hold is still in force however long these requests take.
  expect((await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates(0) })).status).toBe(409)
  const worker = await startWorker(stack)
  try {
    await waitForStatus(booking.id, 'expired')
    expect((await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates(0) })).status).toBe(201)
    await expiryJobDone(booking)
  } finally {
    expect(await worker.stop('SIGTERM')).toBe(0)
  }
  expect(expiredLines(worker.output(), booking.id)).toBe(1)
})

it('a worker killed with SIGKILL, restarted after the hold ran out, expires it exactly once (two workers racing)', async () => {
  const killed = await startWorker(stack)
  await killed.stop('SIGKILL')
  const booking = (await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates(1) })).body.doc
  await eventually('the hold to run out', async () => Date.now() > Date.parse(booking.holdExpiresAt), {
    timeoutMs: HOLD_MS + 10_000,
    intervalMs: 100,
  })
  // Nobody was there to expire it.
  expect((await rest(stack, 'GET', `/api/bookings/${booking.id}`, { token: guest.token })).body.status).toBe('awaiting_payment')

  const workers = await Promise.all([startWorker(stack), startWorker(stack)])
  try {
    await waitForStatus(booking.id, 'expired')
    // Done and expired: nothing can expire it again (every path re-reads the status under a lock).
    await expiryJobDone(booking)
  } finally {
    for (const worker of workers) expect(await worker.stop('SIGTERM')).toBe(0)
  }
  expect(workers.reduce((n, worker) => n + expiredLines(worker.output(), booking.id), 0)).toBe(1)
  expect(expiredLines(killed.output(), booking.id)).toBe(0)
}, 90_000)

it('a worker killed with SIGKILL in the middle of an expiry job: another worker takes the stalled job over, and the hold expires exactly once', async () => {
  // A listing of its own: the test holds its calendar lock, which nothing else may need meanwhile.
  const flat = await createListing(stack, host, { title: 'Crash test flat' }, { publish: true })
  const checkIn = addDays(utcDate(new Date()), 30)
  const booking = (
    await rest(stack, 'POST', '/api/bookings', {
      token: guest.token,
      body: { property: flat.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
    })
  ).body.doc
  expect(booking.status).toBe('awaiting_payment')
  const jobId = jobIds.expireHold(booking.id, booking.holdExpiresAt)

  // The test takes the listing's calendar lock, the advisory lock every booking transition takes first
  // (src/services/reservations.ts lockListingCalendar): the expiry job waits on it, in the middle of its
  // work, until the test lets go. No booking-lifecycle worker runs yet, so nothing has expired the hold.
  const blocker = new pg.Client({ connectionString: stack.databaseUrl })
  await blocker.connect()
  const lockArgs = ['staybase:listing-calendar', flat.id]
  await blocker.query('SELECT pg_advisory_lock(hashtext($1), $2)', lockArgs)
  const blockerPid: number = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
  const waitingOnTest = async () =>
    (await blocker.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [blockerPid])).rows[0]
      .n as number

  let doomed: WorkerProcess | undefined
  let rescuer: WorkerProcess | undefined
  let rescuerExit: number | null = null
  try {
    doomed = await startWorker(stack)
    // Provably mid-work: the job is active (only the doomed worker runs this queue) and a database
    // session of that worker waits on the test's lock.
    await queues.waitForJobState('booking-lifecycle', jobId, 'active', HOLD_MS + 30_000)
    await eventually('the worker to wait on the calendar lock inside the job', async () => (await waitingOnTest()) > 0, {
      timeoutMs: 30_000,
      intervalMs: 100,
    })
    expect((await rest(stack, 'GET', `/api/bookings/${booking.id}`, { token: guest.token })).body.status).toBe('awaiting_payment')

    // A second worker is up when the first one dies mid-job.
    rescuer = await startWorker(stack)
    await doomed.stop('SIGKILL')
    // BullMQ sees the job's lock run out (JOB_LOCK_SECONDS), counts a stall, and hands the job to the
    // live worker, which starts it again and waits on the test's lock in turn.
    let last = ''
    await eventually(
      'the rescuer to take the stalled job over',
      async () => {
        const job = await queues.job('booking-lifecycle', jobId)
        const state = job ? await job.getState() : 'gone'
        last = `${state}, stalled ${job?.stalledCounter}, started ${job?.attemptsStarted}`
        return state === 'active' && job!.stalledCounter >= 1 && job!.attemptsStarted >= 2
      },
      { timeoutMs: 60_000, intervalMs: 200, detail: () => `job ${jobId}: ${last}\nrescuer:\n${rescuer?.output().slice(-2000)}` },
    )
    expect((await rest(stack, 'GET', `/api/bookings/${booking.id}`, { token: guest.token })).body.status).toBe('awaiting_payment')

    await blocker.query('SELECT pg_advisory_unlock(hashtext($1), $2)', lockArgs)
    await waitForStatus(booking.id, 'expired')
    await expiryJobDone(booking)
  } finally {
    await blocker.end().catch(() => {})
    await doomed?.stop('SIGKILL')
    rescuerExit = (await rescuer?.stop('SIGTERM')) ?? null
  }
  expect(rescuerExit).toBe(0)
  const doneLines = (output: string) =>
    output.split('\n').filter((line) => line.includes('"job done"') && line.includes(`"jobId":"${jobId}"`)).length
  // The dead worker finished nothing; the rescuer finished the job, and the hold expired once.
  expect(doneLines(doomed!.output())).toBe(0)
  expect(doneLines(rescuer!.output())).toBe(1)
  expect(expiredLines(doomed!.output(), booking.id)).toBe(0)
  expect(expiredLines(rescuer!.output(), booking.id)).toBe(1)
  expect((await queues.job('booking-lifecycle', jobId))?.stalledCounter).toBe(1)
}, 150_000)

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
    const api = await fetch(`${stack.url}/admin/queues/api/queues`, {
      headers: { authorization: `JWT ${admin.body.token}` },
      signal: AbortSignal.timeout(20_000),
    })
    expect(JSON.stringify(await api.json())).toContain('booking-lifecycle')
    // The admin panel's cookie works for a same-origin page load, as a browser sends it; not cross-site.
    const cookie = (admin.headers.get('set-cookie') ?? '').split(';')[0]!
    expect((await page({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
    expect((await page({ cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(401)
  })
})
