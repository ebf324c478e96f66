import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'

import { parse } from 'yaml'

import { addDays, utcDate } from '@/domain/stayDates'
import { type TestUser, gql, rest, signUp } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Exposition, hasSample, parseExposition, sampleValue, seriesNames } from '../helpers/prometheus'
import { type Stack, type WorkerProcess, answeredBy, startStack, startWorker } from '../helpers/stack'
import { eventually } from '../helpers/wait'

/**
 * Monitoring (src/lib/metrics.ts): GET /metrics on the web server and on each worker, behind
 * METRICS_TOKEN; counters that count in whichever bundle the work runs (express's fast path, Payload
 * inside Next); the request id on Payload's own log lines; the job's ids on the worker's; and the
 * monitoring docs (docs/monitoring/) naming only metrics that exist.
 */
const TOKEN = randomBytes(24).toString('hex')
let stack: Stack
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

async function scrape(url: string, token = TOKEN): Promise<Exposition> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text}`)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parseExposition(text)
}

/** The JSON log lines of a process whose fields include `fields`. */
const linesWith = (output: string, fields: Record<string, unknown>) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((line) => Object.entries(fields).every(([k, v]) => line[k] === v))

beforeAll(async () => {
  stack = await startStack({
    env: { METRICS_TOKEN: TOKEN, LOG_LEVEL: 'info', LOG_FORMAT: 'json', BOOKING_HOLD_MINUTES: '0.05' },
  })
  await signUp(stack, { label: 'admin' }) // the first account is the admin
  host = await signUp(stack, { label: 'host', roles: ['host'] })
  guest = await signUp(stack, { label: 'guest' })
  listing = await createListing(stack, host, { instantBook: true }, { publish: true })
})

afterAll(async () => {
  await worker?.stop()
  await stack?.stop()
})

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
    const bare = await startStack({ mailWorker: false })
    try {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
        const res = await fetch(`${bare.url}/metrics`, { headers })
        expect(res.status).toBe(404)
        expect(await res.json()).toEqual({ errors: [{ message: expect.any(String), code: 'NOT_FOUND' }] })
      }
    } finally {
      await bare.stop()
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

describe('the worker', () => {
  it('serves /healthz and /metrics on its own port, and logs each job with its job id, queue and booking', async () => {
    const before = await scrape(stack.url)
    worker = await startWorker(stack, { WORKER_QUEUES: 'booking-lifecycle' })
    const health = await fetch(`${worker.metricsUrl}/healthz`)
    expect(health.status).toBe(200)
    expect((await fetch(`${worker.metricsUrl}/metrics`)).status).toBe(401)
    expect((await fetch(`${worker.metricsUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401)

    // The delayed holds (BOOKING_HOLD_MINUTES=0.05) expire now that a worker runs their queue.
    const expiring = sampleValue(before, 'staybase_queue_jobs', { queue: 'booking-lifecycle', state: 'delayed' })
    const expired = await eventually(
      'the holds to expire',
      async () => {
        const lines = linesWith(worker!.output(), { msg: 'booking expired', queue: 'booking-lifecycle' })
        return lines.length >= expiring ? lines : null
      },
      { timeoutMs: 60_000, detail: () => worker!.output().slice(-3000) },
    )
    // Written by Payload's logger inside the job (an expiry job, or the sweep if it came first): the job's ids come from its log context.
    for (const line of expired) expect(line.jobId).toEqual(expect.any(String))
    const done = await eventually(
      'the expiry jobs to finish',
      async () => {
        const lines = linesWith(worker!.output(), { msg: 'job done', job: 'expire-hold', queue: 'booking-lifecycle' })
        return lines.length >= expiring ? lines : null
      },
      { detail: () => worker!.output().slice(-3000) },
    )
    for (const line of done) expect(line.jobId).toBe(`booking-${line.bookingId}-expire-hold-${String(line.jobId).split('-').pop()}`)
    const metrics = await eventually(
      'the worker to count the jobs',
      async () => {
        const m = await scrape(worker!.metricsUrl)
        return sampleValue(m, 'staybase_jobs_total', { queue: 'booking-lifecycle', result: 'completed' }) >= expiring ? m : null
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
        'StaybaseWebhookFailures',
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
