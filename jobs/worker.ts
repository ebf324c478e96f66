import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { getPayload } from 'payload'

import { env } from '../src/lib/env'
import { createLogger } from '../src/lib/logger'
import config from '../src/payload.config'
import { processBookingJob } from './processors/bookingLifecycle'
import { BOOKING_LIFECYCLE_QUEUE, bullPrefix } from './queues'

/**
 * The background worker: `npm run worker`. Processes the booking-lifecycle queue (hold and request
 * expiry, completing stays) and keeps the periodic sweep scheduled. Any number of workers may run;
 * BullMQ hands each job to one of them. SIGTERM/SIGINT: finish running jobs, then exit 0.
 */
const logger = createLogger('worker', env.LOG_LEVEL, env.LOG_FORMAT)

async function main(): Promise<void> {
  const payload = await getPayload({ config })
  // Workers block on Redis; BullMQ requires maxRetriesPerRequest: null on their connection.
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null })
  connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'))
  const prefix = bullPrefix(env.REDIS_PREFIX)

  const queue = new Queue(BOOKING_LIFECYCLE_QUEUE, { connection, prefix })
  await queue.upsertJobScheduler('booking-sweep', { every: Math.round(env.BOOKING_SWEEP_MINUTES * 60_000) }, { name: 'sweep', data: {} })

  const worker = new Worker(BOOKING_LIFECYCLE_QUEUE, (job) => processBookingJob(payload, job), { connection, prefix, concurrency: 4 })
  worker.on('completed', (job, result) => logger.info({ job: job.name, jobId: job.id, result }, 'job done'))
  worker.on('failed', (job, error) => logger.warn({ job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'job failed'))
  await worker.waitUntilReady()
  logger.info({ queues: [BOOKING_LIFECYCLE_QUEUE] }, 'worker ready')

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'worker shutting down')
    await worker.close()
    await queue.close()
    await connection.quit().catch(() => connection.disconnect())
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker failed to start')
  process.exit(1)
})
