import { Queue } from 'bullmq'
import { Redis } from 'ioredis'

import { BOOKING_LIFECYCLE_QUEUE, type BookingLifecycleJobName, type BookingLifecycleJobs, bullPrefix } from '../../jobs/queues'
import { env } from '../lib/env'

const KEY = Symbol.for('staybase.bookingQueue')
type Holder = { [KEY]?: { queue: Queue; connection: Redis } }

/**
 * The web process's producer. Its connection fails fast while Redis is down (enableOfflineQueue:
 * false) instead of holding requests; callers decide whether a failed enqueue matters.
 */
export function bookingQueue(): Queue {
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    // Enqueuing happens inside a booking's transaction: a Redis that hangs must not hold it open.
    const connection = new Redis(env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 2_000 })
    connection.on('error', () => {})
    holder[KEY] = { queue: new Queue(BOOKING_LIFECYCLE_QUEUE, { connection, prefix: bullPrefix(env.REDIS_PREFIX) }), connection }
  }
  return holder[KEY].queue
}

export async function enqueueBookingJob<N extends BookingLifecycleJobName>(
  name: N,
  data: BookingLifecycleJobs[N],
  options: { jobId: string; runAt: Date },
): Promise<void> {
  await bookingQueue().add(name, data, {
    jobId: options.jobId,
    delay: Math.max(0, options.runAt.getTime() - Date.now()),
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  })
}

export async function closeBookingQueue(): Promise<void> {
  const holder = globalThis as Holder
  const held = holder[KEY]
  if (!held) return
  delete holder[KEY]
  await held.queue.close()
  await held.connection.quit().catch(() => held.connection.disconnect())
}
