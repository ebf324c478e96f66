import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'

import { parse } from 'yaml'

import { addDays, utcDate } from '@/domain/stayDates'
import { type TestUser, gql, rest, signUp } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Exposition, hasSample, sampleValue, scrapeMetrics, seriesNames } from '../helpers/prometheus'
import { type Stack, type WorkerProcess, answeredBy, startStack, startWorker } from '../helpers/stack'
import { eventually } from '../helpers/wait'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * Monitoring (src/lib/metrics.ts): GET /metrics on the web server and on each worker, behind
 * METRICS_TOKEN; counters that count in whichever bundle the work runs (express's fast path, Payload
 * inside Next); the request id on Payload's own log lines; the job's ids on the worker's; and the
 * monitoring docs (docs/monitoring/) naming only metrics that exist.
 */
const TOKEN = randomBytes(24).toString('hex')
let stack: Stack
/** A second server on the same database and queues, without METRICS_TOKEN, whose bookings hold their dates for 3 s. */
let bare: Stack
let stripe: StripeStandIn
let admin: TestUser
let host: TestUser
let guest: TestUser
let listing: { id: number }
let worker: WorkerProcess | null = null

const today = utcDate(new Date())
let week = 0
const stay = () => {
  const checkIn = addDays(today, 21 + 7 * week++)
  return { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 }
}
const CREATE_BOOKING = 'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id } }'

const scrape = (url: string, token = TOKEN): Promise<Exposition> => scrapeMetrics(url, token)

/** The JSON log lines of a process whose fields include `fields`. */
const linesWith = (output: string, fields: Record<string, unknown>) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((line) => Object.entries(fields).every(([k, v]) => line[k] === v))

beforeAll(async () => {
  stripe = await startStripeStandIn()
  stack = await startStack({ env: { ...stripe.env, METRICS_TOKEN: TOKEN, LOG_LEVEL: 'info', LOG_FORMAT: 'json' } })
  bare = await startStack({
    mailWorker: false,
    env: {
      DATABASE_URL: stack.databaseUrl,
      SERVER_URL: stack.url,
      MEDIA_DIR: stack.mediaDir,
      REDIS_PREFIX: stack.env.REDIS_PREFIX!,
      BOOKING_HOLD_MINUTES: '0.05',
    },
  })
  admin = await signUp(stack, { label: 'admin' }) // the first account is the admin
  host = await signUp(stack, { label: 'host', roles: ['host'] })
  guest = await signUp(stack, { label: 'guest' })
  listing = await createListing(stack, host, { instantBook: true }, { publish: true })
})

afterAll(async () => {
  await worker?.stop()
  await bare?.stop()
  await stack?.stop()
  await stripe?.close()
}, 120_000)

describe('GET /metrics on the web server', () => {
  it('refuses without the token: 401 with WWW-Authenticate, in the API error shape; never logs the token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await fetch(`${stack.url}/metrics`, { headers: authorization ? { authorization } : {} })
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(await res.json()).toEqual({ errors: [{ message: expect.any(String), code: 'UNAUTHORIZED' }] })
    }
    const post = await fetch(`${stack.url}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(post.status).toBe(405)
    await scrape(stack.url)
    expect(stack.output()).not.toContain(TOKEN)
  })

  it('answers 404 when METRICS_TOKEN is unset, as if there were no such route (not handed to Next)', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const res = await fetch(`${bare.url}/metrics`, { headers })
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ errors: [{ message: expect.any(String), code: 'NOT_FOUND' }] })
    }
  })

  it('counts bookings made in either bundle — express’s fast path and Payload inside Next — and their conflicts', async () => {
    const before = await scrape(stack.url)
    const dates = stay()
    const fast = await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates })
    expect(fast.status).toBe(201)
    expect(await answeredBy(stack, fast.headers.get('x-request-id')!)).toBe('express')
    const viaNext = await gql(stack, CREATE_BOOKING, { data: stay() }, { token: guest.token })
    expect(viaNext.body.errors).toBeUndefined()
    expect(await answeredBy(stack, viaNext.headers.get('x-request-id')!)).toBeNull()
    // The same nights again, on both paths.
    expect((await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: dates })).status).toBe(409)
    const refused = await gql(stack, CREATE_BOOKING, { data: dates }, { token: guest.token })
    expect(refused.body.errors?.[0]?.extensions?.statusCode).toBe(409)

    const after = await scrape(stack.url)
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels)
    expect(delta('staybase_bookings_created_total')).toBe(2)
    expect(delta('staybase_booking_conflicts_total')).toBe(2)
    const bookings201 = { method: 'POST', route: '/api/bookings', status: '201' }
    expect(delta('staybase_http_request_duration_seconds_count', bookings201)).toBe(1)
    expect(delta('staybase_http_request_duration_seconds_count', { ...bookings201, status: '409' })).toBe(1)
    expect(delta('staybase_http_request_duration_seconds_count', { method: 'POST', route: '/api/graphql', status: '200' })).toBe(2)
    expect(sampleValue(after, 'staybase_http_request_duration_seconds_bucket', { ...bookings201, le: '+Inf' })).toBeGreaterThanOrEqual(1)
  })

  it('puts raw paths under templates: ids, slugs and garbage add no series', async () => {
    const paths = [
      '/api/bookings/999999/cancel',
      '/api/properties/no-such-slug-123',
      '/wp-login.php',
      `/api/${randomBytes(6).toString('hex')}`,
    ]
    for (const path of paths) await rest(stack, 'GET', path)
    const routes = new Set(
      (await scrape(stack.url)).samples.filter((s) => s.name === 'staybase_http_request_duration_seconds_count').map((s) => s.labels.route),
    )
    for (const route of ['/api/bookings/:id/cancel', '/api/properties/:id', 'other']) expect(routes.has(route)).toBe(true)
    for (const route of routes) expect(route).not.toMatch(/\d{3,}|no-such-slug|wp-login/)
    // Probes and scrapes are not counted.
    expect(routes.has('/metrics')).toBe(false)
    expect(routes.has('/healthz')).toBe(false)
  })

  it('reports the database pools (Payload’s inside Next, the fast reads’, readiness’) and every queue', async () => {
    const metrics = await scrape(stack.url)
    for (const pool of ['payload', 'fast_reads', 'readiness']) {
      for (const state of ['in_use', 'idle', 'waiting'])
        expect(hasSample(metrics, 'staybase_db_pool_connections', { pool, state })).toBe(true)
      expect(sampleValue(metrics, 'staybase_db_pool_max', { pool })).toBeGreaterThan(0)
    }
    expect(sampleValue(metrics, 'staybase_db_pool_max', { pool: 'payload' })).toBe(5)
    for (const queue of ['booking-lifecycle', 'payments', 'mail']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(hasSample(metrics, 'staybase_queue_jobs', { queue, state })).toBe(true)
    }
    // The holds of the bookings above wait for their expiry (no worker runs that queue yet).
    expect(sampleValue(metrics, 'staybase_queue_jobs', { queue: 'booking-lifecycle', state: 'delayed' })).toBeGreaterThanOrEqual(2)
    expect(hasSample(metrics, 'nodejs_eventloop_lag_seconds')).toBe(true)
    expect(hasSample(metrics, 'process_resident_memory_bytes')).toBe(true)
  })

  it('logs the request id on Payload’s own lines, through Next into the endpoint', async () => {
    const res = await gql(stack, CREATE_BOOKING, { data: stay() }, { token: guest.token })
    expect(res.body.errors).toBeUndefined()
    const reqId = res.headers.get('x-request-id')
    expect(reqId).toBeTruthy()
    // Written by Payload's logger inside Next, with no request id passed to it: the log context carries it.
    const line = await eventually(
      'the "booking created" line',
      async () => linesWith(stack.output(), { msg: 'booking created', name: 'payload', reqId })[0],
      {
        detail: () => stack.output().slice(-3000),
      },
    )
    expect(line.bookingId).toBe(Number(res.body.data.createBooking.id))
    // And a client error Payload's error hook logs.
    const refused = await gql(stack, CREATE_BOOKING, { data: { ...stay(), guests: 0 } }, { token: guest.token })
    expect(refused.body.errors?.length).toBeGreaterThan(0)
    const refusedId = refused.headers.get('x-request-id')
    const errorLine = await eventually(
      'the refusal’s line',
      async () => linesWith(stack.output(), { name: 'payload', reqId: refusedId, level: 30 }).find((l) => l.code),
      {
        detail: () => stack.output().slice(-3000),
      },
    )
    expect(errorLine.status).toBe(400)
  })
})

describe('payments, in the web process and the worker', () => {
  it('counts webhooks received (web), events processed, payments succeeded, refunds and reconciliation (worker)', async () => {
    const payments = await startWorker(stack, { WORKER_QUEUES: 'payments' })
    try {
      const webBefore = await scrape(stack.url)
      const webhookUrl = `${stack.url}/api/stripe/webhook`
      const booking = (await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay() })).body.doc
      const intent = await rest(stack, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: guest.token })
      expect(intent.status).toBe(200)
      const succeeded = stripe.succeed(intent.body.paymentIntentId)
      expect((await stripe.deliver(webhookUrl, succeeded)).status).toBe(200)
      expect((await stripe.deliver(webhookUrl, succeeded)).status).toBe(200)
      expect((await stripe.deliver(webhookUrl, succeeded, { secret: 'whsec_not_the_endpoints_secret_0000' })).status).toBe(400)
      await eventually('the booking to be confirmed', async () => {
        const { body } = await rest(stack, 'GET', `/api/bookings/${booking.id}`, { token: guest.token })
        return body.status === 'confirmed'
      })
      expect((await rest(stack, 'POST', `/api/bookings/${booking.id}/cancel`, { token: guest.token, body: {} })).status).toBe(200)
      const orphan = stripe.createIntentDirect({ amount: 4200, currency: 'eur', status: 'succeeded' })
      expect(orphan.id).toBeTruthy()

      const refunded = await eventually(
        'the refund',
        async () => {
          const m = await scrape(payments.metricsUrl)
          return sampleValue(m, 'staybase_refunds_total', { kind: 'cancellation' }) >= 1 ? m : null
        },
        { detail: () => payments.output().slice(-3000) },
      )
      expect(
        sampleValue(refunded, 'staybase_stripe_events_processed_total', { type: 'payment_intent.succeeded', outcome: 'processed' }),
      ).toBe(1)
      expect((await rest(stack, 'POST', '/api/reconciliation/run', { token: admin.token })).status).toBe(202)
      // The run staff started after the orphan was made at Stripe (a scheduled one may run before it).
      const reconciled = await eventually(
        'a reconciliation run to find the orphan intent',
        async () => {
          const m = await scrape(payments.metricsUrl)
          return sampleValue(m, 'staybase_reconciliation_discrepancies_total', { kind: 'orphan_intent' }) >= 1 ? m : null
        },
        { detail: () => payments.output().slice(-3000) },
      )
      expect(sampleValue(reconciled, 'staybase_reconciliation_runs_total', { result: 'completed' })).toBeGreaterThanOrEqual(1)

      const web = await scrape(stack.url)
      const webDelta = (name: string, labels: Record<string, string>) =>
        sampleValue(web, name, labels) - sampleValue(webBefore, name, labels)
      expect(webDelta('staybase_stripe_webhooks_received_total', { type: 'payment_intent.succeeded', outcome: 'stored' })).toBe(1)
      expect(webDelta('staybase_stripe_webhooks_received_total', { type: 'payment_intent.succeeded', outcome: 'duplicate' })).toBe(1)
      expect(webDelta('staybase_stripe_webhooks_received_total', { type: 'unverified', outcome: 'invalid_signature' })).toBe(1)
      // Taken once, wherever the sync ran (the worker here), however often it ran.
      const succeededCount =
        sampleValue(web, 'staybase_payments_succeeded_total') + sampleValue(reconciled, 'staybase_payments_succeeded_total')
      expect(succeededCount - sampleValue(webBefore, 'staybase_payments_succeeded_total')).toBe(1)
    } finally {
      await payments.stop()
    }
  })

  it('the worker’s /healthz answers 503 while it shuts down (a job still running), 200 before', async () => {
    const payments = await startWorker(stack, { WORKER_QUEUES: 'payments' })
    // The reconciliation job's first call to Stripe gets no answer until released: the job is running.
    const hold = stripe.holdAnswers((r) => r.method === 'GET' && r.path.startsWith('/v1/payment_intents'))
    let stopped: Promise<number | null> | null = null
    try {
      expect((await fetch(`${payments.metricsUrl}/healthz`)).status).toBe(200)
      expect((await rest(stack, 'POST', '/api/reconciliation/run', { token: admin.token })).status).toBe(202)
      await eventually('the reconciliation job to wait on Stripe', async () => hold.held.length > 0, {
        detail: () => payments.output().slice(-3000),
      })
      stopped = payments.stop()
      const health = await eventually('/healthz to say the worker is shutting down', async () => {
        const res = await fetch(`${payments.metricsUrl}/healthz`)
        return res.status === 503 ? res : null
      })
      expect(await health.json()).toEqual({ status: 'stopping' })
    } finally {
      hold.release()
      expect(await (stopped ?? payments.stop())).toBe(0)
    }
  })
})

describe('the worker', () => {
  it('serves /healthz and /metrics on its own port, and logs each job with its job id, queue and booking', async () => {
    // Two bookings whose holds (3 s on `bare`) wait in the booking-lifecycle queue for a worker.
    const ids: number[] = []
    for (let i = 0; i < 2; i++) {
      const res = await rest(bare, 'POST', '/api/bookings', { token: guest.token, body: stay() })
      expect(res.status).toBe(201)
      ids.push(res.body.doc.id)
    }
    worker = await startWorker(stack, { WORKER_QUEUES: 'booking-lifecycle' })
    const health = await fetch(`${worker.metricsUrl}/healthz`)
    expect(health.status).toBe(200)
    expect((await fetch(`${worker.metricsUrl}/metrics`)).status).toBe(401)
    expect((await fetch(`${worker.metricsUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401)
    // A second worker told to use the same port (two `npm run worker` on one host) runs without a
    // metrics server, and says so, rather than not at all.
    const taken = new URL(worker.metricsUrl).port
    const beside = await startWorker(stack, { WORKER_QUEUES: 'mail', WORKER_METRICS_PORT: taken })
    try {
      expect(linesWith(beside.output(), { level: 40, metricsPort: Number(taken) })).toHaveLength(1)
      expect(beside.output()).toContain('worker ready')
    } finally {
      expect(await beside.stop()).toBe(0)
    }
    expect((await fetch(`${worker.metricsUrl}/healthz`)).status).toBe(200)

    // Written by Payload's logger inside the job that expired each hold (its expiry job, or the sweep if
    // that came first): the job's id and queue come from the job's log context.
    for (const bookingId of ids) {
      const line = await eventually(
        `booking ${bookingId} to expire`,
        async () => linesWith(worker!.output(), { msg: 'booking expired', bookingId })[0],
        { timeoutMs: 60_000, detail: () => worker!.output().slice(-3000) },
      )
      expect(line.queue).toBe('booking-lifecycle')
      expect(line.jobId).toEqual(expect.any(String))
      // The expiry job's own line: the booking from its payload.
      const done = await eventually(
        `the expiry job of booking ${bookingId}`,
        async () => linesWith(worker!.output(), { msg: 'job done', job: 'expire-hold', bookingId })[0],
        { detail: () => worker!.output().slice(-3000) },
      )
      expect(done.queue).toBe('booking-lifecycle')
      expect(done.jobId).toMatch(new RegExp(`^booking-${bookingId}-expire-hold-\\d+$`))
    }
    const metrics = await eventually(
      'the worker to count the jobs',
      async () => {
        const m = await scrape(worker!.metricsUrl)
        return sampleValue(m, 'staybase_jobs_total', { queue: 'booking-lifecycle', result: 'completed' }) >= 2 ? m : null
      },
      { detail: () => worker!.output().slice(-3000) },
    )
    expect(hasSample(metrics, 'staybase_job_duration_seconds_count', { queue: 'booking-lifecycle' })).toBe(true)
    expect(hasSample(metrics, 'staybase_db_pool_connections', { pool: 'payload', state: 'in_use' })).toBe(true)
    expect(hasSample(metrics, 'staybase_queue_jobs', { queue: 'mail', state: 'waiting' })).toBe(true)
  })
})

describe('docs/monitoring', () => {
  /** Every metric name a PromQL expression mentions (ours, prom-client's defaults, and `up`). */
  const metricsIn = (expr: string) => new Set(expr.match(/\b(staybase|nodejs|process)_[a-zA-Z0-9_]+\b|\bup\b/g) ?? [])

  it('alerts.yml and grafana-dashboard.json name only metrics a real scrape of the server or the worker has', async () => {
    const names = new Set([...seriesNames(await scrape(stack.url)), ...seriesNames(await scrape(worker!.metricsUrl)), 'up'])
    const alerts = parse(readFileSync('docs/monitoring/alerts.yml', 'utf8')) as {
      groups: {
        name: string
        rules: { alert: string; expr: string; labels?: { severity?: string }; annotations: Record<string, string> }[]
      }[]
    }
    const rules = alerts.groups.flatMap((g) => g.rules)
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'StaybaseHigh5xxRate',
        'StaybaseQueueBacklog',
        'StaybaseFailedJobs',
        'StaybaseReconciliationDiscrepancies',
        'StaybaseWebhookNotQueued',
        'StaybaseWebhookSignaturesFailing',
        'StaybaseDatabasePoolExhausted',
        'StaybaseTargetDown',
      ]),
    )
    for (const rule of rules) {
      expect(rule.annotations.summary).toBeTruthy()
      expect(rule.annotations.runbook).toBeTruthy()
      expect(rule.labels?.severity).toMatch(/^(page|ticket)$/)
      const used = metricsIn(rule.expr)
      expect(used.size).toBeGreaterThan(0)
      for (const name of used)
        expect(`${rule.alert}: ${name} ${names.has(name) ? 'exists' : 'is not exposed'}`).toBe(`${rule.alert}: ${name} exists`)
    }

    const dashboard = JSON.parse(readFileSync('docs/monitoring/grafana-dashboard.json', 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[]
      templating: { list: { type: string }[] }
    }
    expect(dashboard.templating.list.some((v) => v.type === 'datasource')).toBe(true)
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })))
    expect(exprs.length).toBeGreaterThanOrEqual(12)
    for (const { panel, expr } of exprs) {
      for (const name of metricsIn(expr))
        expect(`${panel}: ${name} ${names.has(name) ? 'exists' : 'is not exposed'}`).toBe(`${panel}: ${name} exists`)
    }
  })
})
