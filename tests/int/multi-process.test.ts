import { addDays, utcDate } from '@/domain/stayDates'
import { MAIL_QUEUE, PAYMENTS_QUEUE, jobIds, paymentJobIds } from '@/jobs/registry'
import type { AnswerHold } from '../../scripts/lib/smtpSink'
import { GOOD_PASSWORD } from '../helpers/constants'
import { type TestUser, login, rest, signUp, uniqueEmail } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Exposition, sampleValue, scrapeMetrics } from '../helpers/prometheus'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, queryDatabase, startServer, startStack, startWorker } from '../helpers/stack'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'
import { type TogetherAnswer, sendTogether } from '../helpers/together'
import { eventually } from '../helpers/wait'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * Staybase as more processes: two servers and two workers on one Postgres and one Redis, the way a
 * deployment scales out. Nothing about a booking, a payment or a job lives in a process, so races
 * spread over both servers and both workers end as they do in one: one booking per night, each Stripe
 * event stored and acted on once, each hold expired once, each repeatable job scheduled once. The
 * servers share SERVER_URL, as behind a load balancer; the second answers bookings through Next
 * (FAST_BOOKINGS off), the first in express, so both paths race each other.
 */
const SWEEP_MS = 3_000
const METRICS_TOKEN = 'multi-process-suite-metrics-token'
/** Where the race's /metrics scrapes are written, for people to read (not committed). */
const ARTIFACTS = path.resolve('tests/.artifacts/multi-process')
let stripe: StripeStandIn
let stack: Stack
let second: Stack
const servers = () => [stack, second]
/** Every worker process the suite started, for the last test's count of what each of them did. */
const allWorkers: WorkerProcess[] = []
let workers: WorkerProcess[] = []
let queues: StackQueues
let host: TestUser
let guests: TestUser[]

async function startWorkers(n: number, env: Record<string, string> = {}): Promise<WorkerProcess[]> {
  const started = await Promise.all(Array.from({ length: n }, () => startWorker(stack, env)))
  allWorkers.push(...started)
  return started
}

beforeAll(async () => {
  stripe = await startStripeStandIn()
  stack = await startStack({
    // No mail-only worker: the two workers below run every queue, mail included.
    mailWorker: false,
    env: {
      ...stripe.env,
      JOB_RETRY_DELAY_MS: '200',
      JOB_LOCK_SECONDS: '5',
      BOOKING_SWEEP_MINUTES: String(SWEEP_MS / 60_000),
      RECONCILE_EVERY_MINUTES: '1440',
      METRICS_TOKEN,
    },
  })
  second = await startServer(stack, { FAST_BOOKINGS: 'false' })
  workers = await startWorkers(2)
  queues = stackQueues(stack)
  // The first account becomes admin; the others are ordinary hosts and guests, signed up on either server.
  await signUp(stack, { label: 'admin' })
  ;[host, ...guests] = await Promise.all([
    signUp(stack, { label: 'host', roles: ['host'] }),
    ...[0, 1, 2, 3].map((i) => signUp(servers()[i % 2]!, { label: `guest${i}` })),
  ])
}, 180_000)

afterAll(async () => {
  await queues?.close()
  for (const worker of workers) await worker.stop()
  await second?.stop()
  await stack?.stop()
  await stripe?.close()
}, 120_000)

const whatTheWorkersSaid = () => workers.map((w, i) => `worker ${i}:\n${w.output().slice(-2000)}`).join('\n')
const quiet = () => queues.quiescent({ detail: whatTheWorkersSaid })
/** How many jobs (whose log line matches `match`) this worker completed so far. */
const jobsDone = (worker: WorkerProcess, match: RegExp) =>
  worker
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"job done"') && match.test(line)).length
/** Whether this worker logged `job done` for the job with this id (its JSON log lines, read as JSON). */
const loggedDone = (worker: WorkerProcess, jobId: string) =>
  worker
    .output()
    .split('\n')
    .some((line) => {
      if (!line.startsWith('{')) return false
      const entry = JSON.parse(line) as { msg?: string; jobId?: string }
      return entry.msg === 'job done' && entry.jobId === jobId
    })
const sql = async <T = any>(statement: string, params: unknown[] = []): Promise<T[]> => (await queryDatabase(stack, statement, params)).rows

/** A week of stays nobody else in the suite uses. */
let week = 0
const freshStay = (listing: { id: number }, nights = 3) => {
  const checkIn = addDays(utcDate(new Date()), 40 + 7 * week++)
  return { property: listing.id, checkIn, checkOut: addDays(checkIn, nights), guests: 2 }
}

// --- what servers share -----------------------------------------------------------------------------

describe('what one server does, the other knows', () => {
  it('a session begun on one server works on the other, and ended on one is ended on both', async () => {
    const guest = guests[0]!
    const session = await login(second, guest.email, guest.password)
    expect(session.status).toBe(200)
    const me = async (server: Stack) => (await rest(server, 'GET', '/api/users/me', { token: session.body.token })).body.user?.email ?? null
    // Read on both first, so each has the signed-in user cached.
    expect([await me(stack), await me(second)]).toEqual([guest.email, guest.email])
    expect((await rest(second, 'POST', '/api/users/logout', { token: session.body.token })).status).toBe(200)
    expect([await me(stack), await me(second)]).toEqual([null, null])
  })

  it('an edit through one server shows at once in the cached public reads of the other', async () => {
    const listing = await createListing(stack, host, { title: 'Cached cabin' }, { publish: true })
    const read = async (server: Stack) => {
      const res = await rest(server, 'GET', `/api/properties/${listing.id}`)
      return { title: res.body.title, cache: res.headers.get('x-cache') }
    }
    await read(second)
    expect(await read(second)).toEqual({ title: 'Cached cabin', cache: 'hit' })
    expect(
      (await rest(stack, 'PATCH', `/api/properties/${listing.id}`, { token: host.token, body: { title: 'Renamed cabin' } })).status,
    ).toBe(200)
    expect((await read(second)).title).toBe('Renamed cabin')
  })
})

// --- the booking race ----------------------------------------------------------------------------------

describe('a booking race over both servers', () => {
  /** One contender: which server, which API, which guest. Server 0 answers REST in express, server 1 through Next. */
  type Contender = { server: number; api: 'rest' | 'graphql'; guest: TestUser }
  const CREATE_BOOKING = 'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id } }'

  /** What a contender was answered, as a REST status: a GraphQL error carries its status in extensions. */
  function outcome(api: Contender['api'], answer: TogetherAnswer): { status: number; code?: string; id?: number } {
    if (api === 'rest') return { status: answer.status, code: answer.body?.errors?.[0]?.code, id: answer.body?.doc?.id }
    const error = answer.body?.errors?.[0]
    if (error) return { status: error.extensions?.statusCode ?? answer.status, code: error.extensions?.code }
    return {
      status: answer.status === 200 && answer.body?.data?.createBooking?.id ? 201 : answer.status,
      id: answer.body?.data?.createBooking?.id,
    }
  }

  it('many guests booking the same nights at once, on both servers by REST and GraphQL: one 201, every other answer 409 DATES_UNAVAILABLE, one booking on those nights', async () => {
    const listings = await Promise.all([0, 1, 2].map((i) => createListing(stack, host, { title: `Race flat ${i}` }, { publish: true })))
    const tally: Record<string, number> = {}
    const scrapeAll = () => Promise.all(servers().map((server) => scrapeMetrics(server.url, METRICS_TOKEN)))
    const before = await scrapeAll()
    let during: (Exposition & { text: string })[] = []
    const rounds = [...listings, ...listings]
    for (const [round, listing] of rounds.entries()) {
      const stay = freshStay(listing)
      const contenders: Contender[] = Array.from({ length: 24 }, (_, i) => ({
        server: i % 2,
        api: i % 4 < 2 ? 'rest' : 'graphql',
        guest: guests[Math.floor(i / 4) % guests.length]!,
      }))
      // Both servers are scraped while the race is under way: /metrics answers beside it.
      const [answers, scrapes] = await Promise.all([
        sendTogether(
          contenders.map((c) => ({
            url: `${servers()[c.server]!.url}${c.api === 'rest' ? '/api/bookings' : '/api/graphql'}`,
            headers: { authorization: `JWT ${c.guest.token}` },
            body: JSON.stringify(c.api === 'rest' ? stay : { query: CREATE_BOOKING, variables: { data: stay } }),
          })),
        ),
        scrapeAll(),
      ])
      during = scrapes
      // All were sent before any was answered: they raced.
      expect(Math.max(...answers.map((a) => a.sentAt))).toBeLessThan(Math.min(...answers.map((a) => a.answeredAt)))
      const outcomes = answers.map((a, i) => ({ ...outcome(contenders[i]!.api, a), by: contenders[i]!, answer: a.text.slice(0, 300) }))
      const won = outcomes.filter((o) => o.status === 201)
      const lost = outcomes.filter((o) => o.status !== 201)
      const unexpected = lost.filter((o) => o.status !== 409 || o.code !== 'DATES_UNAVAILABLE')
      expect({ round, won: won.length, unexpected }).toEqual({
        round,
        won: 1,
        unexpected: [],
      })
      const winner = won[0]!
      const key = `server ${winner.by.server} ${winner.by.api}`
      tally[key] = (tally[key] ?? 0) + 1

      const onThoseNights = await sql<{ id: number; guest: number }>(
        `SELECT id, guest_id AS guest FROM bookings
         WHERE property_id = $1 AND status NOT IN ('cancelled', 'declined', 'expired')
           AND check_in::date < $3::date AND check_out::date > $2::date`,
        [listing.id, stay.checkIn, stay.checkOut],
      )
      expect(onThoseNights).toEqual([{ id: Number(winner.id), guest: winner.by.guest.id }])
    }
    console.log(`booking races won by: ${JSON.stringify(tally)}`)

    // The servers counted the race as it went, each what it answered: together, one booking and 23
    // conflicts a round, whichever server and bundle (express's fast path, Next's REST and GraphQL) answered.
    const after = await scrapeAll()
    const added = (name: string) => after.reduce((sum, scrape, i) => sum + sampleValue(scrape, name) - sampleValue(before[i]!, name), 0)
    expect({ created: added('staybase_bookings_created_total'), conflicts: added('staybase_booking_conflicts_total') }).toEqual({
      created: rounds.length,
      conflicts: rounds.length * 23,
    })
    mkdirSync(ARTIFACTS, { recursive: true })
    const shown =
      /^staybase_(bookings_created|booking_conflicts|db_pool_connections|queue_jobs|http_request_duration_seconds_count\{[^}]*route="\/api\/(bookings|graphql)")/
    const lines = (scrape: { text: string }) => scrape.text.split('\n').filter((line) => shown.test(line))
    writeFileSync(
      path.join(ARTIFACTS, 'race-metrics.txt'),
      `${servers()
        .map((server, i) =>
          [
            `# server ${i} (${server.url}), during the last round`,
            ...lines(during[i]!),
            `# server ${i}, after ${rounds.length} rounds`,
            ...lines(after[i]!),
          ].join('\n'),
        )
        .join('\n\n')}\n`,
    )
  })
})

// --- Stripe webhooks, replayed to both servers ----------------------------------------------------------

describe('Stripe webhooks delivered again and again, out of order, to both servers', () => {
  const aboutBooking = (text: string, bookingId: number) => new RegExp(`^Booking: #${bookingId}$`, 'm').test(text)
  const copiesAbout = (bookingId: number, subject: RegExp) =>
    stack.mail.messages.filter((m) => subject.test(m.subject) && aboutBooking(m.text, bookingId))

  it('each event is stored once and acted on once: every booking confirmed once, one mail each to guest and host, each job run once', async () => {
    const listing = await createListing(stack, host, { title: 'Webhook loft' }, { publish: true })
    const paid = await Promise.all(
      guests.map(async (guest, i) => {
        const server = servers()[i % 2]!
        const booked = await rest(server, 'POST', '/api/bookings', { token: guest.token, body: freshStay(listing) })
        expect(booked.status).toBe(201)
        const intent = await rest(servers()[(i + 1) % 2]!, 'POST', `/api/bookings/${booked.body.doc.id}/payment-intent`, {
          token: guest.token,
        })
        expect(intent.status).toBe(200)
        return { booking: booked.body.doc, guest, intentId: intent.body.paymentIntentId as string }
      }),
    )
    // Everything happens at Stripe first: the intent is created, a card is declined, another is
    // processing, then succeeds. The events arrive afterwards, the last one first.
    const histories = paid.map(({ intentId }) => [
      stripe.event('payment_intent.created', stripe.intents.get(intentId)),
      stripe.fail(intentId, 'Insufficient funds.'),
      stripe.startProcessing(intentId),
      stripe.succeed(intentId),
    ])
    const events = histories.flat()
    // Three copies of each event, all at once, spread over both servers, newest events first.
    const deliveries = [...histories.flatMap((h) => [...h].reverse())]
      .flatMap((event) => [event, event, event])
      .map((event, i) => ({ event, url: `${servers()[i % 2]!.url}/api/stripe/webhook` }))
    const answers = await Promise.all(
      deliveries.map(async ({ event, url }) => {
        const res = await stripe.deliver(url, event)
        return { eventId: event.id, status: res.status, body: (await res.json()) as { received: boolean; duplicate: boolean } }
      }),
    )
    expect(answers.filter((a) => a.status !== 200)).toEqual([])
    // One delivery of each event was the first (stored it); the others were told it is a duplicate.
    for (const event of events) expect(answers.filter((a) => a.eventId === event.id && !a.body.duplicate)).toHaveLength(1)

    await eventually(
      'every event to be processed',
      async () => {
        const { rows } = await queryDatabase(stack, `SELECT count(*)::int AS n FROM stripe_events WHERE status IN ('processed', 'ignored')`)
        return rows[0].n === events.length
      },
      { timeoutMs: 30_000, detail: whatTheWorkersSaid },
    )
    await quiet()

    const stored = await sql<{ event_id: string; type: string; status: string; copies: number }>(
      `SELECT event_id, min(type) AS type, min(status::text) AS status, count(*)::int AS copies FROM stripe_events GROUP BY event_id`,
    )
    expect(stored.sort((a, b) => a.event_id.localeCompare(b.event_id))).toEqual(
      events
        .map((e) => ({ event_id: e.id, type: e.type, status: e.type === 'payment_intent.created' ? 'ignored' : 'processed', copies: 1 }))
        .sort((a, b) => a.event_id.localeCompare(b.event_id)),
    )
    for (const event of events) expect(await queues.job(PAYMENTS_QUEUE, paymentJobIds.stripeEvent(event.id))).toBeDefined()
    for (const { booking, guest, intentId } of paid) {
      const [row] = await sql(
        `SELECT b.status AS booking, p.status AS payment, p.amount::int AS amount,
                (SELECT count(*)::int FROM bookings_history h WHERE h._parent_id = b.id AND h.status = 'confirmed') AS confirmations
         FROM bookings b JOIN payments p ON p.booking_id = b.id WHERE b.id = $1`,
        [booking.id],
      )
      expect(row).toEqual({ booking: 'confirmed', payment: 'succeeded', amount: booking.quote.total, confirmations: 1 })
      expect(stripe.intents.get(intentId)?.status).toBe('succeeded')
      // The decline was history by the time its event was read (the state comes from Stripe): no mail about it.
      expect(copiesAbout(booking.id, /did not go through/)).toHaveLength(0)
      expect(copiesAbout(booking.id, /is confirmed/).map((m) => m.to)).toEqual([[guest.email]])
      expect(copiesAbout(booking.id, /New confirmed booking/).map((m) => m.to)).toEqual([[host.email]])
    }
    console.log(`stripe-event jobs done per worker: ${workers.map((w) => jobsDone(w, /"job":"stripe-event"/)).join(', ')}`)
    expect((await queues.queue(PAYMENTS_QUEUE).getJobCounts('failed')).failed).toBe(0)
    expect((await queues.queue(MAIL_QUEUE).getJobCounts('failed')).failed).toBe(0)
  })
})

// --- holds running out ----------------------------------------------------------------------------------

describe('holds running out with two workers', () => {
  it('each unpaid hold expires exactly once, though both workers (expiry jobs and sweeps) go for it', async () => {
    // A third server whose holds last 1.2 s; the workers sweep every few seconds as well.
    const shortHolds = await startServer(stack, { BOOKING_HOLD_MINUTES: '0.02' })
    let bookings: { id: number; holdExpiresAt: string }[]
    try {
      const listings = await Promise.all([0, 1, 2].map((i) => createListing(stack, host, { title: `Hold flat ${i}` }, { publish: true })))
      bookings = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const res = await rest(shortHolds, 'POST', '/api/bookings', {
            token: guests[i % guests.length]!.token,
            body: freshStay(listings[i % listings.length]!),
          })
          expect(res.status).toBe(201)
          return res.body.doc
        }),
      )
    } finally {
      expect(await shortHolds.stop()).toBe(0)
    }
    const ids = bookings.map((b) => b.id)
    await eventually(
      'every hold to expire',
      async () => (await sql(`SELECT id FROM bookings WHERE id = ANY($1) AND status = 'expired'`, [ids])).length === ids.length,
      { timeoutMs: 30_000, detail: whatTheWorkersSaid },
    )
    await quiet()
    const expiries = await sql<{ booking: number; n: number }>(
      `SELECT b.id AS booking, count(h.id)::int AS n FROM bookings b LEFT JOIN bookings_history h ON h._parent_id = b.id AND h.status = 'expired'
       WHERE b.id = ANY($1) GROUP BY b.id ORDER BY b.id`,
      [ids],
    )
    expect(expiries).toEqual([...ids].sort((a, b) => a - b).map((booking) => ({ booking, n: 1 })))
    for (const booking of bookings) {
      const job = await queues.job('booking-lifecycle', jobIds.expireHold(booking.id, booking.holdExpiresAt))
      expect(await job?.getState()).toBe('completed')
    }
    for (const name of ['booking-lifecycle', PAYMENTS_QUEUE, MAIL_QUEUE] as const)
      expect((await queues.queue(name).getJobCounts('failed')).failed).toBe(0)
    console.log(
      `expiry jobs done per worker: ${workers.map((w) => jobsDone(w, /"job":"expire-hold"/)).join(', ')}; sweeps: ${workers.map((w) => jobsDone(w, /"job":"sweep"/)).join(', ')}`,
    )
  })
})

// --- repeatable jobs ------------------------------------------------------------------------------------

describe('repeatable jobs with three workers', () => {
  it('each job scheduler exists once, and the sweep fires once per period, not once per worker', async () => {
    // A third worker upserts the schedules again while the other two run them.
    const [third] = await startWorkers(1)
    workers.push(third!)
    const lifecycle = queues.queue('booking-lifecycle')
    const payments = queues.queue(PAYMENTS_QUEUE)
    expect((await lifecycle.getJobSchedulers()).map((s) => [s.key, s.every])).toEqual([['booking-sweep', SWEEP_MS]])
    expect((await payments.getJobSchedulers()).map((s) => s.key)).toEqual(['reconcile'])
    // Each run is a job of its own: Redis keeps a day of completed runs, not every run for good.
    for (const [queue, key] of [
      [lifecycle, 'booking-sweep'],
      [payments, 'reconcile'],
    ] as const) {
      expect((await queue.getJobScheduler(key))?.template?.opts).toMatchObject({
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      })
    }

    // The runs of the sweep from now on: the slot each was scheduled for is the end of its job id.
    const from = Date.now()
    const slotOf = (id: string | undefined) => Number(id?.split(':').at(-1))
    const sweepsSince = async () =>
      (await lifecycle.getJobs(['completed', 'active', 'waiting', 'delayed']))
        .filter((job) => job.repeatJobKey === 'booking-sweep' && slotOf(job.id) > from)
        .sort((a, b) => slotOf(a.id) - slotOf(b.id))
    const PERIODS = 4
    let seen = 0
    const runs = await eventually(
      `${PERIODS} sweeps to complete`,
      async () => {
        const done = (await sweepsSince()).filter((job) => job.finishedOn !== undefined)
        seen = done.length
        return done.length >= PERIODS ? done : null
      },
      { timeoutMs: (PERIODS + 4) * SWEEP_MS + 20_000, intervalMs: 250, detail: () => `${seen} done so far` },
    )
    const slots = runs.map((job) => slotOf(job.id))
    // Consecutive runs are a whole number of periods apart (usually one): no slot between them was run
    // by a second worker, and no second chain of runs, offset from the first, was started.
    for (const [i, slot] of slots.entries()) {
      if (i === 0) continue
      const gap = slot - slots[i - 1]!
      expect(gap >= SWEEP_MS && gap % SWEEP_MS === 0).toBe(true)
    }
    // Every run of the sweep ever made in this suite — two workers starting together, a third upserting
    // later — belongs to the one chain of slots: each a whole number of periods after the one before. A
    // second schedule (or a worker's own run) would sit between them, off the period. (BullMQ's
    // iteration count is no measure of this: it was seen one below the runs made, once in three runs of
    // the suite. An upsert while the current run is active adds the next run itself, which BullMQ's
    // addJobScheduler does without the scheduler's own count.)
    const everySlot = await lifecycle.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized'])
    const allSlots = [...new Set(everySlot.filter((job) => job.repeatJobKey === 'booking-sweep').map((job) => slotOf(job.id)))].sort(
      (a, b) => a - b,
    )
    const offPeriod = allSlots.flatMap((slot, i) => (i > 0 && (slot - allSlots[i - 1]!) % SWEEP_MS !== 0 ? [[allSlots[i - 1], slot]] : []))
    expect({ sweeps: allSlots.length > PERIODS, offPeriod }).toEqual({ sweeps: true, offPeriod: [] })
    const made = allSlots.length
    console.log(`sweep slots (ms after the first): ${slots.map((s) => s - slots[0]!).join(', ')}; ${made} sweeps made in all`)
  })
})

// --- SIGTERM ------------------------------------------------------------------------------------------

describe('a worker stopped (SIGTERM) in the middle of a job', () => {
  // The job: the verification mail of a new account, while the SMTP server holds back its answer, so
  // the worker is provably in the middle of sending when the signal comes.
  async function aMailBeingSent(hold: AnswerHold): Promise<{ email: string; jobId: string }> {
    const email = uniqueEmail('sigterm')
    expect((await rest(second, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'Sig Term' } })).status).toBe(201)
    await eventually('a worker to be sending the mail', async () => hold.waiting() === 1, { detail: whatTheWorkersSaid })
    const [job, ...others] = await queues.queue(MAIL_QUEUE).getJobs(['active'])
    expect(others).toEqual([])
    return { email, jobId: job!.id! }
  }
  const copiesTo = (email: string) => stack.mail.messages.filter((m) => m.to.includes(email))

  beforeAll(async () => {
    await quiet()
    // The workers of the tests above go; each test here starts its own.
    for (const worker of workers) expect(await worker.stop()).toBe(0)
    workers = []
  }, 120_000)

  it('finishes a job that ends before SHUTDOWN_TIMEOUT_MS and exits 0: the mail is sent once', async () => {
    const [worker] = await startWorkers(1, { SHUTDOWN_TIMEOUT_MS: '15000' })
    const hold = stack.mail.holdAnswers()
    let exit: number | null
    let sending: { email: string; jobId: string }
    try {
      sending = await aMailBeingSent(hold)
      const stopped = worker!.stop()
      await eventually('the worker to begin shutting down', async () => worker!.output().includes('worker shutting down'), {
        intervalMs: 20,
      })
      hold.release()
      exit = await stopped
    } finally {
      hold.release()
    }
    expect(exit).toBe(0)
    expect(copiesTo(sending.email)).toHaveLength(1)
    expect(await queues.queue(MAIL_QUEUE).getJobState(sending.jobId)).toBe('completed')
    expect(loggedDone(worker!, sending.jobId)).toBe(true)
    expect(worker!.output()).not.toMatch(/handed back/)
  })

  it('hands back a job still running at SHUTDOWN_TIMEOUT_MS: another worker runs it at once (not after its lock ran out), and the mail is sent once', async () => {
    const [doomed] = await startWorkers(1, { SHUTDOWN_TIMEOUT_MS: '1500' })
    const hold = stack.mail.holdAnswers()
    let sending: { email: string; jobId: string }
    let rescuer: WorkerProcess
    try {
      sending = await aMailBeingSent(hold)
      rescuer = (await startWorkers(1))[0]!
      workers = [rescuer]
      expect(await doomed!.stop()).toBe(0)
      const exitedAt = performance.now()
      expect(doomed!.output()).toMatch(/handed back to the queue/)
      // The doomed worker hung up before the SMTP server answered: that message never arrived. The
      // rescuer sends it again, and is held in turn.
      await eventually('the doomed worker’s message to be dropped', async () => hold.dropped() === 1, { intervalMs: 20 })
      await eventually('the rescuer to be sending the mail', async () => hold.waiting() === 1, {
        intervalMs: 20,
        detail: whatTheWorkersSaid,
      })
      console.log(
        `handed-back mail job resent by the rescuer ${Math.round(performance.now() - exitedAt)} ms after the doomed worker exited`,
      )
    } finally {
      hold.release()
    }
    await stack.mail.waitFor((m) => m.to.includes(sending.email))
    await quiet()
    expect(copiesTo(sending.email)).toHaveLength(1)
    const job = await queues.job(MAIL_QUEUE, sending.jobId)
    expect(await job?.getState()).toBe('completed')
    // Taken over as handed back, not as stalled: no attempt lost, no stall counted.
    expect({ stalled: job?.stalledCounter, attemptsMade: job?.attemptsMade }).toEqual({ stalled: 0, attemptsMade: 1 })
    await eventually('the rescuer to log the job done', async () => loggedDone(rescuer!, sending.jobId))
    expect(loggedDone(doomed!, sending.jobId)).toBe(false)
  })
})

describe('a server stopped (SIGTERM) under load', () => {
  type Sent = {
    kind: 'search' | 'read' | 'book'
    requestId: string
    startedAt: number
    endedAt?: number
    status?: number
    /** Why the request failed, when it did: the error code (ECONNREFUSED) or message. */
    error?: string
    bookingId?: number
  }

  it('answers every request it took, refuses new connections, exits 0; every booking it answered 201 for is in the database once', async () => {
    const listings = await Promise.all([0, 1, 2, 3].map((i) => createListing(stack, host, { title: `Busy flat ${i}` }, { publish: true })))
    const target = second
    const CLIENTS = 8
    const sent: Sent[] = []
    let signalAt = Number.POSITIVE_INFINITY
    let exited: Promise<number | null> | null = null
    const base = addDays(utcDate(new Date()), 300)

    async function client(n: number): Promise<void> {
      const guest = guests[n % guests.length]!
      const listing = listings[n % listings.length]!
      for (let i = 0, booked = 0; ; i++) {
        const kind = (['search', 'read', 'book'] as const)[(n + i) % 3]!
        const requestId = `load-${n}-${i}`
        const request: Sent = { kind, requestId, startedAt: performance.now() }
        sent.push(request)
        // Each booking its own nights: every one of them should be made.
        const checkIn = addDays(base, 2 * (Math.floor(n / listings.length) * 100 + (kind === 'book' ? booked++ : 0)))
        const init: RequestInit =
          kind === 'book'
            ? {
                method: 'POST',
                headers: { 'x-request-id': requestId, 'content-type': 'application/json', authorization: `JWT ${guest.token}` },
                body: JSON.stringify({ property: listing.id, checkIn, checkOut: addDays(checkIn, 2), guests: 2 }),
              }
            : { headers: { 'x-request-id': requestId } }
        const path =
          kind === 'search'
            ? `/api/properties/search?checkIn=${addDays(base, i)}&checkOut=${addDays(base, i + 3)}&limit=10`
            : kind === 'read'
              ? `/api/properties/${listing.id}`
              : '/api/bookings'
        try {
          const res = await fetch(`${target.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) })
          request.status = res.status
          const body = JSON.parse(await res.text())
          request.endedAt = performance.now()
          if (kind === 'book' && res.status === 201) request.bookingId = body.doc.id
        } catch (error) {
          request.endedAt = performance.now()
          const cause = (error as { cause?: { code?: string; message?: string } }).cause
          request.error = cause?.code ?? cause?.message ?? (error as Error).message
          // The server no longer listens: this client is done.
          if (request.error === 'ECONNREFUSED') return
        }
      }
    }

    const load = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)))
    await eventually('the load to be under way', async () => sent.filter((r) => r.status !== undefined).length >= 60, { intervalMs: 20 })
    signalAt = performance.now()
    exited = target.stop()
    await load
    expect(await exited).toBe(0)

    const before = sent.filter((r) => r.startedAt < signalAt)
    const after = sent.filter((r) => r.startedAt >= signalAt)
    const summary = (rs: Sent[]) => {
      const counts: Record<string, number> = {}
      for (const r of rs) counts[r.error ?? String(r.status)] = (counts[r.error ?? String(r.status)] ?? 0) + 1
      return counts
    }
    console.log(`SIGTERM under load: before the signal ${JSON.stringify(summary(before))}, after it ${JSON.stringify(summary(after))}`)
    // The signal came mid-load: requests were in flight, and were answered.
    expect(before.filter((r) => r.endedAt! > signalAt).length).toBeGreaterThan(0)
    const normal = { search: 200, read: 200, book: 201 }
    const abnormal = (r: Sent) => r.status !== normal[r.kind]
    expect(before.filter(abnormal)).toEqual([])
    // What came after was refused at connect, or answered in full; never taken and dropped. One more
    // ending is possible: a request sent on a kept-alive connection just as the server closes it for
    // being idle is reset unread. That is HTTP/1.1's keep-alive race, which no server can close: the
    // client learns of the close only once its request is on the wire. Unread, it did nothing (the
    // bookings check below), and sent again it is refused at connect.
    const resetUnread = (r: Sent) => r.error === 'ECONNRESET' || r.error === 'UND_ERR_SOCKET'
    expect(after.filter((r) => r.error !== 'ECONNREFUSED' && !resetUnread(r) && abnormal(r))).toEqual([])
    expect(after.filter((r) => r.error === 'ECONNREFUSED')).toHaveLength(CLIENTS)

    // Nothing lost, nothing twice: the bookings made by the load are exactly those answered 201.
    const answered = sent.filter((r) => r.bookingId !== undefined).map((r) => r.bookingId!)
    expect(answered.length).toBeGreaterThan(0)
    const made = await sql<{ id: number }>(`SELECT id FROM bookings WHERE property_id = ANY($1) ORDER BY id`, [listings.map((l) => l.id)])
    expect(made.map((b) => b.id)).toEqual([...answered].sort((a, b) => a - b))
  })
})

// --- across the whole suite ---------------------------------------------------------------------------

describe('the whole suite', () => {
  it('over the whole suite, no job ran to completion twice and no hold expired twice, whichever worker ran it', async () => {
    await quiet()
    for (const worker of workers) expect(await worker.stop()).toBe(0)
    workers = []
    const done = new Map<string, number>()
    const expired = new Map<number, number>()
    for (const worker of allWorkers) {
      for (const line of worker.output().split('\n')) {
        if (!line.startsWith('{')) continue
        const entry = JSON.parse(line) as { msg?: string; jobId?: string; queue?: string; bookingId?: number }
        if (entry.msg === 'job done') done.set(`${entry.queue} ${entry.jobId}`, (done.get(`${entry.queue} ${entry.jobId}`) ?? 0) + 1)
        if (entry.msg === 'booking expired') expired.set(entry.bookingId!, (expired.get(entry.bookingId!) ?? 0) + 1)
      }
    }
    expect(done.size).toBeGreaterThan(50)
    expect(expired.size).toBeGreaterThanOrEqual(8)
    expect([...done].filter(([, n]) => n > 1)).toEqual([])
    expect([...expired].filter(([, n]) => n > 1)).toEqual([])
  })
})
