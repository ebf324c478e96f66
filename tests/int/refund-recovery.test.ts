import { Queue } from 'bullmq'
import { Redis } from 'ioredis'

import { MAIL_QUEUE, PAYMENTS_QUEUE, bullPrefix } from '@/jobs/registry'
import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, type WorkerProcess, queryDatabase, startStack, startWorker } from '../helpers/stack'
import { type RedisServer, startRedisServer } from '../helpers/redisServer'
import { eventually as waitFor } from '../helpers/wait'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * A refund must not be lost when Redis is away at the moment a paid booking is cancelled: the
 * cancellation commits, its refund and mails cannot be queued, and reconciliation — which finds what
 * is owed from the bookings, however long ago they were paid — hands them over once Redis is back,
 * exactly once, even after the queue has forgotten its jobs.
 *
 * The suite runs its own redis-server (with an RDB file, like a production Redis that restarts), which
 * it stops and starts; the server and the worker use it through REDIS_URL.
 */
let redis: RedisServer
let stripe: StripeStandIn
let stack: Stack
let worker: WorkerProcess | undefined
let cast: Cast
let listing: { id: number }

beforeAll(async () => {
  redis = await startRedisServer()
  stripe = await startStripeStandIn()
  // No scheduled reconciliation during the suite: the runs counted here are the ones it starts.
  stack = await startStack({ env: { ...stripe.env, REDIS_URL: redis.url, JOB_RETRY_DELAY_MS: '200', RECONCILE_EVERY_MINUTES: '1440' } })
  cast = await signUpCast(stack)
  // Moderate policy: cancelled more than 5 days ahead, the whole total comes back.
  listing = await createListing(stack, cast.host, { title: 'Refund recovery chalet' }, { publish: true })
  worker = await startWorker(stack)
}, 120_000)

afterAll(async () => {
  await worker?.stop()
  await stack?.stop()
  await stripe?.close()
  await redis?.stop()
  redis?.remove()
  // Each stop is bounded (a worker 30 s, a server 15 s), but together they can outlast jest's default 60 s.
}, 120_000)

const eventually = <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000) =>
  waitFor(what, probe, { timeoutMs, detail: () => `worker:\n${worker?.output().slice(-4000)}\nserver:\n${stack.output().slice(-2000)}` })
const sql = (statement: string, params: unknown[] = []) => queryDatabase(stack, statement, params)
const bookingOf = async (id: number) => (await rest(stack, 'GET', `/api/bookings/${id}`, { token: cast.staff.token })).body
const paymentOf = async (bookingId: number) =>
  (await rest(stack, 'GET', `/api/payments?where[booking][equals]=${bookingId}&depth=0`, { token: cast.staff.token })).body.docs[0]
const reportCount = async () =>
  (await rest(stack, 'GET', '/api/reconciliation-reports?limit=1', { token: cast.staff.token })).body.totalDocs as number
const aboutBooking = (text: string, bookingId: number) => new RegExp(`^Booking: #${bookingId}$`, 'm').test(text)
const cancellationMails = (bookingId: number) =>
  stack.mail.messages.filter((m) => /cancelled/i.test(m.subject) && aboutBooking(m.text, bookingId))
const refundsAtStripe = (intentId: string) => [...stripe.refunds.values()].filter((r) => r.payment_intent === intentId)
/** Lines of the worker's output that are not pino's JSON log lines (BullMQ's own console.error, say). */
const unstructuredWorkerLines = () =>
  (worker?.output() ?? '').split('\n').filter((line) => {
    if (line.trim() === '') return false
    try {
      return typeof JSON.parse(line) !== 'object'
    } catch {
      return true
    }
  })

/** The test's own view of the job queues (the stack's key prefix on the suite's Redis). */
async function withQueues<T>(use: (queues: Queue[]) => Promise<T>): Promise<T> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null })
  const queues = [PAYMENTS_QUEUE, MAIL_QUEUE].map((name) => new Queue(name, { connection, prefix: bullPrefix(stack.env.REDIS_PREFIX!) }))
  try {
    return await use(queues)
  } finally {
    await Promise.all(queues.map((q) => q.close()))
    connection.disconnect()
  }
}

/** Nothing left to run: no payments or mail job waiting, running or delayed (repeatable schedules aside). */
const queuesIdle = () =>
  withQueues(async (queues) => {
    for (const queue of queues) {
      const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'])
      if (jobs.some((job) => !job.repeatJobKey)) return false
    }
    return true
  })

/** Staff's "Run now", retried while the server cannot reach Redis yet; resolves with the finished report. */
async function runReconciliation(): Promise<any> {
  const before = await reportCount()
  await eventually(
    'reconciliation queued',
    async () => (await rest(stack, 'POST', '/api/reconciliation/run', { token: cast.staff.token })).status === 202,
  )
  return eventually('reconciliation report', async () => {
    const { body } = await rest(stack, 'GET', '/api/reconciliation-reports?sort=-startedAt&limit=1', { token: cast.staff.token })
    return body.totalDocs > before && body.docs[0].status !== 'running' ? body.docs[0] : null
  })
}

describe('a refund owed while Redis was down', () => {
  it('a booking paid 5 days ago, cancelled while Redis is down: one reconciliation run refunds it once and sends both mails once', async () => {
    // Booked and paid…
    const checkIn = addDays(utcDate(new Date()), 40)
    const booked = await rest(stack, 'POST', '/api/bookings', {
      token: cast.guest.token,
      body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
    })
    expect(booked.status).toBe(201)
    const booking = booked.body.doc
    const intent = await rest(stack, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })
    expect(intent.status).toBe(200)
    const intentId: string = intent.body.paymentIntentId
    expect((await stripe.deliver(`${stack.url}/api/stripe/webhook`, stripe.succeed(intentId))).status).toBe(200)
    await eventually('booking confirmed', async () => (await bookingOf(booking.id)).status === 'confirmed')
    await eventually('queues idle after the confirmation', queuesIdle)

    // …five days ago: outside reconciliation's 72-hour look-back at Stripe, and outside the grace period.
    const FIVE_DAYS = `interval '5 days'`
    await sql(
      `UPDATE bookings SET created_at = created_at - ${FIVE_DAYS}, updated_at = updated_at - ${FIVE_DAYS}, confirmed_at = confirmed_at - ${FIVE_DAYS}, hold_expires_at = hold_expires_at - ${FIVE_DAYS} WHERE id = $1`,
      [booking.id],
    )
    await sql(
      `UPDATE payments SET created_at = created_at - ${FIVE_DAYS}, updated_at = updated_at - ${FIVE_DAYS}, last_stripe_event_at = last_stripe_event_at - ${FIVE_DAYS} WHERE booking_id = $1`,
      [booking.id],
    )
    await sql(
      `UPDATE stripe_events SET received_at = received_at - ${FIVE_DAYS}, processed_at = processed_at - ${FIVE_DAYS}, created_at = created_at - ${FIVE_DAYS}, updated_at = updated_at - ${FIVE_DAYS}`,
    )
    stripe.intents.get(intentId)!.created -= 5 * 24 * 3600

    // Redis goes away; the guest cancels all the same.
    await redis.stop()
    const cancelled = await rest(stack, 'POST', `/api/bookings/${booking.id}/cancel`, {
      token: cast.guest.token,
      body: { reason: 'Plans changed' },
    })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.doc).toMatchObject({ status: 'cancelled', refundAmount: booking.quote.total })
    const afterCancel = await bookingOf(booking.id)
    expect(afterCancel.cancellationQueuedAt ?? null).toBeNull()
    expect(refundsAtStripe(intentId)).toEqual([])
    // The worker's queues lose their connections too, and say so in the JSON log, naming the queue.
    await eventually('the worker to log its lost Redis connection', async () =>
      worker!
        .output()
        .split('\n')
        .some(
          (line) =>
            line.includes('"msg":"queue error (BullMQ retries on its own; logged at most once a minute per queue)"') &&
            line.includes('"queue":'),
        ),
    )

    // Redis is back. One reconciliation run.
    await redis.start()
    const reportsBefore = await reportCount()
    const report = await runReconciliation()
    expect(report.status).toBe('completed')
    await eventually('refunded', async () => (await paymentOf(booking.id)).status === 'refunded')
    await eventually('both cancellation mails', async () => cancellationMails(booking.id).length >= 2)
    await eventually('queues idle', queuesIdle)

    expect(await reportCount()).toBe(reportsBefore + 1)
    const refunds = refundsAtStripe(intentId)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({
      amount: booking.quote.total,
      status: 'succeeded',
      metadata: { bookingId: String(booking.id), kind: 'cancellation' },
    })
    expect((await paymentOf(booking.id)).amountRefunded).toBe(booking.quote.total)
    const mails = cancellationMails(booking.id)
    expect(mails.flatMap((m) => m.to).sort()).toEqual([cast.guest.email, cast.host.email].sort())
    expect((await bookingOf(booking.id)).cancellationQueuedAt).toEqual(expect.any(String))

    // A week later the queue has forgotten those jobs; reconciliation still does nothing twice.
    await withQueues(async (queues) => {
      for (const queue of queues) await queue.clean(0, 10_000, 'completed')
    })
    expect((await runReconciliation()).status).toBe('completed')
    await eventually('queues idle', queuesIdle)
    expect(refundsAtStripe(intentId)).toHaveLength(1)
    expect(cancellationMails(booking.id)).toHaveLength(2)
    // Through the outage and back, everything the worker said was a JSON log line.
    expect(unstructuredWorkerLines()).toEqual([])
  }, 180_000)

  it('money taken for a booking that was never confirmed, whose refund job was lost, is refunded by reconciliation', async () => {
    const checkIn = addDays(utcDate(new Date()), 60)
    const booked = await rest(stack, 'POST', '/api/bookings', {
      token: cast.guest.token,
      body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 2), guests: 1 },
    })
    expect(booked.status).toBe(201)
    const booking = booked.body.doc
    const intent = await rest(stack, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })
    const intentId: string = intent.body.paymentIntentId
    expect((await stripe.deliver(`${stack.url}/api/stripe/webhook`, stripe.succeed(intentId))).status).toBe(200)
    await eventually('payment recorded', async () => (await paymentOf(booking.id))?.status === 'succeeded')
    await eventually('queues idle after the payment', queuesIdle)
    // As if the hold had run out before the money arrived five days ago, and the refund job that
    // followed had been lost with Redis.
    await sql(`UPDATE bookings SET status = 'expired', confirmed_at = NULL, updated_at = now() - interval '5 days' WHERE id = $1`, [
      booking.id,
    ])
    await sql(
      `UPDATE payments SET created_at = created_at - interval '5 days', updated_at = updated_at - interval '5 days' WHERE booking_id = $1`,
      [booking.id],
    )
    expect(refundsAtStripe(intentId)).toEqual([])

    expect((await runReconciliation()).status).toBe('completed')
    await eventually('refunded', async () => (await paymentOf(booking.id)).status === 'refunded')
    await eventually('queues idle', queuesIdle)
    const refunds = refundsAtStripe(intentId)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({ amount: booking.quote.total, metadata: { kind: 'booking_unavailable' } })
  }, 120_000)
})
