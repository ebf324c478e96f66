import { createHash, timingSafeEqual } from 'node:crypto'

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

import { DISCREPANCY_KINDS } from '@/domain/reconciliation'

/**
 * Every metric Staybase exposes, defined once, in the Prometheus text format of prom-client: the web
 * server answers them at `GET /metrics` (src/server.ts), each worker at its own `/metrics`
 * (WORKER_METRICS_PORT, jobs/worker.ts). Both need `Authorization: Bearer <METRICS_TOKEN>`.
 *
 * One registry per process, kept on globalThis. Payload's hooks and endpoints run inside Next's server
 * bundle while the express server (dist/server.js) is a separate esbuild bundle in the same process:
 * each bundle has its own copy of this module, and counters created twice would be counted in one copy
 * and exposed from the other. Whichever bundle loads first creates them; the other reuses them.
 *
 * Counters count where the thing happens, in the process where it happens: a booking in the web
 * process, a refund in the worker. So a dashboard sums a counter over every target (web and workers);
 * the queue gauges, which every process reads from the same Redis, are taken with `max`.
 *
 * Beside these, prom-client's default process metrics under their usual names: among them
 * `process_resident_memory_bytes`, `process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`,
 * `nodejs_eventloop_lag_seconds` (the lag measured at the scrape) and `nodejs_eventloop_lag_p99_seconds`
 * (from the event loop's delay histogram since the process started).
 */

/** Latency buckets (seconds) of the HTTP histogram: from a cached read (~2 ms) to a request near its timeout. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** Job durations: a mail (~50 ms) to a reconciliation run over a busy window (minutes). */
const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]
/** How long a scrape waits for Redis's queue counts before it answers without them. */
const QUEUE_COUNTS_TIMEOUT_MS = 1_000
/** The job states a queue's gauge reports (BullMQ's names). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const

/** What a pool gauge reads: pg's Pool. */
type PoolLike = { totalCount: number; idleCount: number; waitingCount: number; options?: { max?: number } }
type QueueLike = { getJobCounts: (...states: (typeof QUEUE_STATES)[number][]) => Promise<Record<string, number>> }

function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const pools = new Map<string, () => PoolLike | null | undefined>()
  let queues: () => Record<string, QueueLike> = () => ({})

  // Payload's pool: the one of the Payload instance this process cached on globalThis (getPayload's
  // cache; in the web process, the instance inside Next), absent until Payload has started.
  pools.set('payload', () => {
    const cache = (globalThis as { _payload?: Map<string, { payload?: { db?: { pool?: PoolLike } } | null }> })._payload
    return cache?.get('default')?.payload?.db?.pool
  })

  const queueScrapeErrors = new Counter({
    name: 'staybase_queue_scrape_errors_total',
    help: 'Scrapes that answered without a queue’s job counts because Redis did not give them in time (1 s).',
    labelNames: ['queue'],
    registers: [registry],
  })

  const made = {
    registry,
    pools,
    setQueues: (source: () => Record<string, QueueLike>) => {
      queues = source
    },

    /** Every answered HTTP request of the web server, except the probes (/healthz, /readyz) and /metrics itself. */
    httpDuration: new Histogram({
      name: 'staybase_http_request_duration_seconds',
      help: 'Time from a request’s arrival to the end of its answer, by method, route template (src/lib/routeTemplate.ts) and status. A client that hung up first is status 499.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers: [registry],
    }),

    dbPool: new Gauge({
      name: 'staybase_db_pool_connections',
      help: 'Connections of a PostgreSQL pool: in_use (checked out), idle, and waiting (callers queued for a connection: the pool is exhausted).',
      labelNames: ['pool', 'state'],
      registers: [registry],
      collect() {
        this.reset()
        for (const [name, read] of pools) {
          const pool = read()
          if (!pool) continue
          this.set({ pool: name, state: 'in_use' }, pool.totalCount - pool.idleCount)
          this.set({ pool: name, state: 'idle' }, pool.idleCount)
          this.set({ pool: name, state: 'waiting' }, pool.waitingCount)
        }
      },
    }),
    dbPoolMax: new Gauge({
      name: 'staybase_db_pool_max',
      help: 'The most connections a PostgreSQL pool opens (its `max`).',
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        this.reset()
        for (const [name, read] of pools) {
          const max = read()?.options?.max
          if (typeof max === 'number') this.set({ pool: name }, max)
        }
      },
    }),

    queueJobs: new Gauge({
      name: 'staybase_queue_jobs',
      help: 'Jobs of a BullMQ queue by state (waiting, active, delayed — including retries waiting for their backoff —, failed: gave up). Read from Redis at each scrape; a queue Redis does not answer for within 1 s is left out (staybase_queue_scrape_errors_total).',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        // Read first, then reset and set in one synchronous step: two scrapes at once (two Prometheus
        // servers) would otherwise reset each other's half-set gauge and answer without some queues.
        const read: [string, Record<string, number>][] = []
        await Promise.all(
          Object.entries(queues()).map(async ([name, queue]) => {
            let timer: NodeJS.Timeout | undefined
            try {
              const counts = await Promise.race([
                queue.getJobCounts(...QUEUE_STATES),
                new Promise<never>((_, reject) => {
                  timer = setTimeout(() => reject(new Error('timeout')), QUEUE_COUNTS_TIMEOUT_MS)
                }),
              ])
              read.push([name, counts])
            } catch {
              queueScrapeErrors.inc({ queue: name })
            } finally {
              clearTimeout(timer)
            }
          }),
        )
        this.reset()
        for (const [name, counts] of read) for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0)
      },
    }),
    queueScrapeErrors,

    /** src/services/cache.ts: hit (served from Redis), miss (loaded and stored), bypass (Redis unusable or off). */
    cacheLookups: new Counter({
      name: 'staybase_cache_lookups_total',
      help: 'Reads of the Redis cache of public listings and search pages, by outcome: hit, miss, bypass (Redis failing or distrusted: read from the database).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    cacheRedisErrors: new Counter({
      name: 'staybase_cache_redis_errors_total',
      help: 'Redis failures of the cache (read, lock, write, invalidation); each makes that read use the database.',
      registers: [registry],
    }),

    bookingsCreated: new Counter({
      name: 'staybase_bookings_created_total',
      help: 'Bookings created by POST /api/bookings and GraphQL createBooking (src/endpoints/createBooking.ts), replays of an Idempotency-Key excluded.',
      registers: [registry],
    }),
    bookingConflicts: new Counter({
      name: 'staybase_booking_conflicts_total',
      help: 'Booking attempts refused with 409 DATES_UNAVAILABLE because another booking or a block took those nights first.',
      registers: [registry],
    }),

    webhooksReceived: new Counter({
      name: 'staybase_stripe_webhooks_received_total',
      help: 'Stripe webhook deliveries at POST /api/stripe/webhook (web process), by event type and outcome: stored (new, queued), duplicate (already stored), not_queued (stored, queue unreachable: answered 503), invalid_signature (type "unverified").',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    stripeEventsProcessed: new Counter({
      name: 'staybase_stripe_events_processed_total',
      help: 'Attempts of the worker to process a stored Stripe event, by event type and outcome: processed, ignored (nothing to do for that type), failed (retried with backoff; gives up after 8 attempts).',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    paymentsSucceeded: new Counter({
      name: 'staybase_payments_succeeded_total',
      help: 'Payments whose money was taken, counted once, when our record first learns it (webhook, refund job or reconciliation).',
      registers: [registry],
    }),
    refunds: new Counter({
      name: 'staybase_refunds_total',
      help: 'Refunds made at Stripe by the refund job, by kind: cancellation (the policy’s share), booking_unavailable (paid for a booking that was gone: all of it).',
      labelNames: ['kind'],
      registers: [registry],
    }),
    reconciliationRuns: new Counter({
      name: 'staybase_reconciliation_runs_total',
      help: 'Reconciliation runs (scheduled and manual) by result: completed, failed.',
      labelNames: ['result'],
      registers: [registry],
    }),
    reconciliationDiscrepancies: new Counter({
      name: 'staybase_reconciliation_discrepancies_total',
      help: 'Discrepancies found by reconciliation runs, by kind (src/domain/reconciliation.ts). Each run looks back RECONCILE_LOOKBACK_HOURS, so a discrepancy nobody resolves is counted again by every run until it leaves the window.',
      labelNames: ['kind'],
      registers: [registry],
    }),

    jobs: new Counter({
      name: 'staybase_jobs_total',
      help: 'Job attempts a worker finished, by queue and result: completed, failed (retried while attempts remain).',
      labelNames: ['queue', 'result'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'staybase_job_duration_seconds',
      help: 'How long a worker took for one attempt of a job, by queue.',
      labelNames: ['queue'],
      buckets: JOB_BUCKETS,
      registers: [registry],
    }),
  }
  // Series that exist at 0 from the start, so rate() and increase() see their first increment.
  for (const kind of DISCREPANCY_KINDS) made.reconciliationDiscrepancies.inc({ kind }, 0)
  for (const result of ['completed', 'failed']) made.reconciliationRuns.inc({ result }, 0)
  for (const kind of ['cancellation', 'booking_unavailable']) made.refunds.inc({ kind }, 0)
  for (const outcome of ['hit', 'miss', 'bypass']) made.cacheLookups.inc({ outcome }, 0)
  made.bookingsCreated.inc(0)
  made.bookingConflicts.inc(0)
  made.paymentsSucceeded.inc(0)
  return made
}

export type Metrics = ReturnType<typeof createMetrics>

const KEY = Symbol.for('staybase.metrics')
type Holder = { [KEY]?: Metrics }

/** This process's metrics (created by whichever bundle asks first). */
export function metrics(): Metrics {
  const holder = globalThis as Holder
  holder[KEY] ??= createMetrics()
  return holder[KEY]
}

/** Report a PostgreSQL pool as `pool="<name>"` (read at each scrape). */
export function watchPool(name: string, pool: PoolLike): void {
  metrics().pools.set(name, () => pool)
}

/** Where the queue gauges read their counts: this process's BullMQ queues by name. */
export function watchQueues(source: () => Record<string, QueueLike>): void {
  metrics().setQueues(source)
}

/**
 * Who may read /metrics: `disabled` when METRICS_TOKEN is unset (the route does not exist),
 * `unauthorized` without `Authorization: Bearer <METRICS_TOKEN>`. Compared in constant time (digests of
 * equal length), so the answer's timing does not tell how much of a guess was right.
 */
export function metricsAccess(authorization: string | undefined, token: string): 'ok' | 'unauthorized' | 'disabled' {
  if (!token) return 'disabled'
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')
  if (!match) return 'unauthorized'
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(match[1]!), digest(token)) ? 'ok' : 'unauthorized'
}

/**
 * Why a /metrics request is refused, if it is: the one decision of the web server's route (which answers
 * it through the API's error handling) and the worker's (metricsResponse).
 */
export function metricsRefusal(
  method: string | undefined,
  authorization: string | undefined,
  token: string,
): { status: number; code: 'NOT_FOUND' | 'UNAUTHORIZED' | 'METHOD_NOT_ALLOWED'; message: string; headers: Record<string, string> } | null {
  const access = metricsAccess(authorization, token)
  if (access === 'disabled') return { status: 404, code: 'NOT_FOUND', message: 'There is no route /metrics.', headers: {} }
  if (access === 'unauthorized') {
    return {
      status: 401,
      code: 'UNAUTHORIZED',
      message: 'Send Authorization: Bearer <METRICS_TOKEN>.',
      headers: { 'www-authenticate': 'Bearer realm="metrics"' },
    }
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Metrics are read with GET.', headers: { allow: 'GET, HEAD' } }
  }
  return null
}

/** The answer of the worker's /metrics route, in the API's error shape when refused. */
export async function metricsResponse(
  method: string | undefined,
  authorization: string | undefined,
  token: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const refusal = metricsRefusal(method, authorization, token)
  if (refusal) {
    return {
      status: refusal.status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...refusal.headers },
      body: JSON.stringify({ errors: [{ message: refusal.message, code: refusal.code }] }),
    }
  }
  const registry = metrics().registry
  return { status: 200, headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }, body: await registry.metrics() }
}
