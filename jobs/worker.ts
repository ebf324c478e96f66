import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { type Job, Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { getPayload } from 'payload'

import { env } from '@/lib/env'
import { atMostEvery, createLogger } from '@/lib/logger'
import { withLogContext } from '@/lib/logContext'
import { metrics, metricsResponse, watchQueues } from '@/lib/metrics'
import config from '@/payload.config'
import { closeQueues, queue } from '@/services/queue'
import { processBookingJob } from './processors/bookingLifecycle'
import { processCalendarSyncJob } from './processors/calendarSync'
import { processMailJob } from './processors/mail'
import { onPaymentsJobGaveUp, processPaymentsJob } from './processors/payments'
import {
  BOOKING_LIFECYCLE_QUEUE,
  CALENDAR_SYNC_QUEUE,
  MAIL_QUEUE,
  PAYMENTS_QUEUE,
  type Processor,
  QUEUE_NAMES,
  type QueueName,
  bullPrefix,
} from '@/jobs/registry'
import { keepSchedules } from './schedules'

/**
 * The background worker: `npm run worker`. Processes every queue (booking lifecycle, payments, mail,
 * calendar sync)
 * and keeps the repeatable jobs scheduled (jobs/schedules.ts). Errors BullMQ reports (a lost Redis
 * connection, a failed lock renewal) are logged through pino like everything else. Any number of
 * workers may run; BullMQ hands each job to one of them, and every processor is safe to run twice.
 * SIGTERM/SIGINT: finish running jobs (for at most SHUTDOWN_TIMEOUT_MS), then exit.
 *
 * Its own HTTP server on WORKER_METRICS_PORT: `GET /metrics` (src/lib/metrics.ts; the web server's
 * METRICS_TOKEN rules) and `GET /healthz` (no token: 200 while its queues run, 503 while starting or
 * shutting down — the container's healthcheck).
 */
const logger = createLogger('worker', env.LOG_LEVEL, env.LOG_FORMAT)

const PROCESSORS: Record<QueueName, { run: Processor; concurrency: number }> = {
  [BOOKING_LIFECYCLE_QUEUE]: { run: processBookingJob, concurrency: 4 },
  [PAYMENTS_QUEUE]: { run: processPaymentsJob, concurrency: 4 },
  [MAIL_QUEUE]: { run: processMailJob, concurrency: 2 },
  // Feeds are fetched from other sites: a few at a time, so one slow feed cannot hold the others.
  [CALENDAR_SYNC_QUEUE]: { run: processCalendarSyncJob, concurrency: 4 },
}

/** WORKER_QUEUES picks some queues (e.g. a mail-only worker); empty means all of them. */
const wanted = env.WORKER_QUEUES.split(',')
  .map((q) => q.trim())
  .filter(Boolean)
const unknown = wanted.filter((q) => !(q in PROCESSORS))
if (unknown.length > 0) throw new Error(`WORKER_QUEUES names unknown queues: ${unknown.join(', ')}`)
const ACTIVE = Object.fromEntries(Object.entries(PROCESSORS).filter(([name]) => wanted.length === 0 || wanted.includes(name)))

type Health = 'starting' | 'running' | 'stopping'
let health: Health = 'starting'

/** /metrics and /healthz of this worker. Started first, so a healthcheck sees "starting" rather than nothing. */
async function startMetricsServer(): Promise<Server | null> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const status = health === 'running' ? 200 : 503
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      res.end(JSON.stringify({ status: health === 'running' ? 'ok' : health }))
      return
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ errors: [{ message: 'The worker serves /metrics and /healthz only.', code: 'NOT_FOUND' }] }))
      return
    }
    metricsResponse(req.method, req.headers.authorization, env.METRICS_TOKEN)
      .then(({ status, headers, body }) => {
        res.writeHead(status, headers)
        res.end(req.method === 'HEAD' ? undefined : body)
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'metrics scrape failed')
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
        res.end(JSON.stringify({ errors: [{ message: 'Something went wrong.', code: 'INTERNAL_ERROR' }] }))
      })
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(env.WORKER_METRICS_PORT, env.HOST, () => resolve())
    })
  } catch (error) {
    // A second worker on one host (two `npm run worker`) finds the port taken: it works on without a
    // metrics server rather than not at all. Give each its own WORKER_METRICS_PORT to scrape them all.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    logger.warn(
      { metricsPort: env.WORKER_METRICS_PORT },
      `WORKER_METRICS_PORT ${env.WORKER_METRICS_PORT} is taken (another worker on this host?): this worker runs without /metrics and /healthz; give each worker its own port`,
    )
    return null
  }
  const { port } = server.address() as AddressInfo
  logger.info({ metricsPort: port }, `worker metrics listening on ${env.HOST}:${port}`)
  return server
}

/** The ids a job's log lines carry: its own, its queue, and the booking it is about (when its payload names one). */
function jobContext(queueName: string, job: Job) {
  const bookingId = (job.data as { bookingId?: unknown } | undefined)?.bookingId
  return { jobId: job.id, queue: queueName, ...(typeof bookingId === 'number' ? { bookingId } : {}) }
}

/** One attempt of a job, in its log context, timed and counted. */
async function runJob(queueName: string, run: Processor, payload: Awaited<ReturnType<typeof getPayload>>, job: Job): Promise<string> {
  const { jobs, jobDuration } = metrics()
  const stop = jobDuration.startTimer({ queue: queueName })
  try {
    const result = await withLogContext(jobContext(queueName, job), () => run(payload, job))
    jobs.inc({ queue: queueName, result: 'completed' })
    return result
  } catch (error) {
    jobs.inc({ queue: queueName, result: 'failed' })
    throw error
  } finally {
    stop()
  }
}

async function main(): Promise<void> {
  const metricsServer = await startMetricsServer()
  // Every process reads the same counts; through the producers' fail-fast connection, so a scrape
  // during a Redis outage is answered without them instead of waiting for a reconnect.
  watchQueues(() => Object.fromEntries(QUEUE_NAMES.map((name) => [name, queue(name)])))
  const payload = await getPayload({ config })
  // Workers block on Redis; BullMQ requires maxRetriesPerRequest: null on their connection.
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null })
  connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'))
  const prefix = bullPrefix(env.REDIS_PREFIX)

  // Without an `error` listener BullMQ writes its errors with console.error, outside the JSON log.
  // It repeats at every reconnect attempt while Redis is down: once a minute per queue is enough.
  const logError = (queue: string) => {
    const warnNow = atMostEvery(60_000)
    return (error: Error) => {
      if (warnNow()) logger.warn({ queue, err: error }, 'queue error (BullMQ retries on its own; logged at most once a minute per queue)')
    }
  }
  const bookingQueue = new Queue(BOOKING_LIFECYCLE_QUEUE, { connection, prefix })
  const paymentsQueue = new Queue(PAYMENTS_QUEUE, { connection, prefix })
  const calendarQueue = new Queue(CALENDAR_SYNC_QUEUE, { connection, prefix })
  bookingQueue.on('error', logError(BOOKING_LIFECYCLE_QUEUE))
  paymentsQueue.on('error', logError(PAYMENTS_QUEUE))
  calendarQueue.on('error', logError(CALENDAR_SYNC_QUEUE))
  // Each worker schedules the repeatable jobs of the queues it runs.
  await keepSchedules(
    {
      ...(BOOKING_LIFECYCLE_QUEUE in ACTIVE && { [BOOKING_LIFECYCLE_QUEUE]: bookingQueue }),
      ...(PAYMENTS_QUEUE in ACTIVE && { [PAYMENTS_QUEUE]: paymentsQueue }),
      ...(CALENDAR_SYNC_QUEUE in ACTIVE && { [CALENDAR_SYNC_QUEUE]: calendarQueue }),
    },
    logger,
  )

  // The jobs this process is running, with the token of their lock, to hand back at the shutdown deadline.
  const running = new Map<Job, string>()
  const workers = Object.entries(ACTIVE).map(([name, { run, concurrency }]) => {
    // A crashed worker's jobs are taken over once their lock (renewed every half period) runs out.
    const lock = env.JOB_LOCK_SECONDS * 1000
    const processor = async (job: Job, token?: string) => {
      running.set(job, token ?? '')
      try {
        return await runJob(name, run, payload, job)
      } finally {
        running.delete(job)
      }
    }
    const worker = new Worker(name, processor, {
      connection,
      prefix,
      concurrency,
      lockDuration: lock,
      stalledInterval: lock,
    })
    worker.on('error', logError(name))
    worker.on('completed', (job, result) => withLogContext(jobContext(name, job), () => logger.info({ job: job.name, result }, 'job done')))
    worker.on('failed', (job, error) => {
      withLogContext(job ? jobContext(name, job) : { queue: name }, () =>
        logger.warn({ job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'job failed'),
      )
      // Gave up: every attempt used, or BullMQ failed it for stalling too often (its workers died).
      const gaveUp = job && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than allowable limit/.test(error.message))
      if (gaveUp && name === PAYMENTS_QUEUE) {
        onPaymentsJobGaveUp(payload, job, error).catch((e: unknown) =>
          logger.error({ err: e, jobId: job.id }, 'could not record a failed payments job'),
        )
      }
    })
    return worker
  })
  await Promise.all(workers.map((w) => w.waitUntilReady()))
  health = 'running'
  logger.info({ queues: Object.keys(ACTIVE) }, 'worker ready')

  const shutdown = async (signal: string) => {
    health = 'stopping'
    logger.info({ signal }, 'worker shutting down')
    // Whatever hangs (Redis unreachable while closing) does not keep the process alive.
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting')
      process.exit(1)
    }, env.SHUTDOWN_TIMEOUT_MS + 5_000).unref()
    const closing = Promise.all(workers.map((w) => w.close()))
    const finished = await Promise.race([closing.then(() => true), delay(env.SHUTDOWN_TIMEOUT_MS).then(() => false)])
    if (!finished) process.exit((await handBack(running)) ? 0 : 1)
    await Promise.all([bookingQueue.close(), paymentsQueue.close(), calendarQueue.close(), closeQueues()])
    await connection.quit().catch(() => connection.disconnect())
    if (metricsServer) {
      metricsServer.closeAllConnections()
      await new Promise((resolve) => metricsServer.close(resolve))
    }
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref())

/**
 * The jobs still running at the shutdown deadline go back to the queue (BullMQ's moveToWait, under each
 * job's lock token, so a job this worker no longer holds is left to whoever does) and another worker
 * starts them at once, without an attempt counted. Left locked, they would wait JOB_LOCK_SECONDS for the
 * lock to run out and then count as stalled, and BullMQ fails a job for good the second time it stalls.
 * The caller exits right after: what this process was doing stops, and a step it was about to finish
 * runs again elsewhere, which is safe because every processor may run twice. True when every job was
 * handed back; one that was not (Redis gone) is taken over as stalled once its lock runs out.
 */
async function handBack(running: Map<Job, string>): Promise<boolean> {
  const jobs = [...running]
  if (jobs.length === 0) {
    logger.error(
      { timeoutMs: env.SHUTDOWN_TIMEOUT_MS },
      'no job was running, yet the workers did not close in time (is Redis reachable?); exiting',
    )
    return false
  }
  const results = await Promise.allSettled(
    jobs.map(([job, token]) =>
      Promise.race([job.moveToWait(token), delay(2_000).then(() => Promise.reject(new Error('no answer from Redis')))]),
    ),
  )
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ jobId: jobs[i]![0].id, err: r.reason as Error }] : []))
  logger.warn(
    {
      timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      handedBack: jobs.filter((_, i) => results[i]!.status === 'fulfilled').map(([job]) => job.id),
      failed,
    },
    'jobs still running at the shutdown deadline; handed back to the queue, exiting',
  )
  return failed.length === 0
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker failed to start')
  process.exit(1)
})
