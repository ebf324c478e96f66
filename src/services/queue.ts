import { Job, type JobsOptions, Queue } from 'bullmq'
import { Redis } from 'ioredis'

import { type JobName, type QueueName, type Registry, bullPrefix } from '@/jobs/registry'
import { env } from '@/lib/env'
import { withoutLogContext } from '@/lib/logContext'
import { atMostEvery, createLogger } from '@/lib/logger'

const logger = createLogger('queue', env.LOG_LEVEL, env.LOG_FORMAT)
const warnNow = atMostEvery(60_000)

const KEY = Symbol.for('staybase.queues')
type Holder = { [KEY]?: { queues: Map<string, Queue>; connection: Redis } }

/**
 * The producers of a process that does not run jobs (the web server, the worker when it enqueues
 * follow-ups). One Redis connection for all queues; it fails fast while Redis is down
 * (enableOfflineQueue: false, 2 s timeouts) instead of holding a request or a transaction open, and
 * callers decide whether a failed enqueue matters. The queues' own errors (the connection's, re-emitted)
 * are logged at most once a minute; without a listener BullMQ would print each with console.error.
 */
export function queue(name: QueueName): Queue {
  const holder = globalThis as Holder
  // Outside the log context of the request or job that enqueues first: the connection lives on.
  holder[KEY] ??= withoutLogContext(() => {
    const connection = new Redis(env.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 2_000,
    })
    connection.on('error', () => {})
    return { queues: new Map(), connection }
  })
  const held = holder[KEY]
  let q = held.queues.get(name)
  if (!q) {
    q = withoutLogContext(() => new Queue(name, { connection: held.connection, prefix: bullPrefix(env.REDIS_PREFIX) }))
    q.on('error', (error: Error) => {
      if (warnNow())
        logger.warn(
          { queue: name, err: error },
          'queue producer: Redis error; enqueues fail until it is back (logged at most once a minute)',
        )
    })
    held.queues.set(name, q)
  }
  return q
}

/** Completed jobs stay a week so a re-enqueue with the same id is still a no-op; failed ones a month. */
const KEEP = { removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } }

export async function enqueue<Q extends QueueName, N extends JobName<Q>>(
  queueName: Q,
  name: N,
  data: Registry[Q][N],
  options: { jobId: string; runAt?: Date; revive?: boolean } & Pick<JobsOptions, 'attempts' | 'backoff'>,
): Promise<void> {
  const q = queue(queueName)
  if (options.revive) {
    // The same id is a no-op while the job is kept, failed ones included (30 days). Recovery paths
    // (reconciliation) mean "make sure this runs": a job that gave up is retried instead.
    const existing = await Job.fromId(q, options.jobId)
    if (existing && (await existing.isFailed())) {
      await existing.retry('failed')
      return
    }
  }
  await q.add(name, data, {
    jobId: options.jobId,
    delay: options.runAt ? Math.max(0, options.runAt.getTime() - Date.now()) : undefined,
    attempts: options.attempts ?? 5,
    backoff: options.backoff ?? { type: 'exponential', delay: env.JOB_RETRY_DELAY_MS },
    ...KEEP,
  })
}

export async function closeQueues(): Promise<void> {
  const holder = globalThis as Holder
  const held = holder[KEY]
  if (!held) return
  delete holder[KEY]
  await Promise.all([...held.queues.values()].map((q) => q.close()))
  await held.connection.quit().catch(() => held.connection.disconnect())
}
