import { type Job, Queue } from 'bullmq'
import { Redis } from 'ioredis'

import { BOOKING_LIFECYCLE_QUEUE, CALENDAR_SYNC_QUEUE, MAIL_QUEUE, PAYMENTS_QUEUE, bullPrefix } from '@/jobs/registry'
import type { Stack } from './stack'
import { eventually } from './wait'

/**
 * The stack's BullMQ queues, seen from the test (same Redis, same REDIS_PREFIX), to wait on jobs
 * instead of on the clock: a job's state, or the whole system being quiet.
 *
 * The queues are listed upstream first: a calendar sync may enqueue mail jobs, a booking-lifecycle job may enqueue payments jobs, a payments
 * job payments and mail jobs, and a mail job nothing. A job enqueues its follow-ups before it completes,
 * so reading the queues in this order never misses work that moves downstream while it reads.
 */
const FLOW_ORDER = [CALENDAR_SYNC_QUEUE, BOOKING_LIFECYCLE_QUEUE, PAYMENTS_QUEUE, MAIL_QUEUE] as const
export type QueueName = (typeof FLOW_ORDER)[number]

export type StackQueues = {
  queue: (name: QueueName) => Queue
  /** A job by id (undefined when there is none). */
  job: (name: QueueName, id: string) => Promise<Job | undefined>
  /** Waits until the job has the state (e.g. 'completed'); fails at the deadline naming the last state. */
  waitForJobState: (name: QueueName, id: string, state: string, timeoutMs?: number) => Promise<Job>
  /** What is still to do now: jobs waiting, active, or delayed but due within `horizonMs`. Empty when quiet. */
  pending: (horizonMs?: number) => Promise<string[]>
  /**
   * Waits until no job is waiting, running, or due within `horizonMs` (retries with backoff are
   * delayed jobs), seen twice in a row. After that, every effect of the work so far (rows, Stripe
   * calls, mail in the SMTP sink) has happened, and "exactly once" can be counted.
   */
  quiescent: (options?: { timeoutMs?: number; horizonMs?: number; detail?: () => string }) => Promise<void>
  close: () => Promise<void>
}

export function stackQueues(stack: Stack): StackQueues {
  const connection = new Redis(stack.env.REDIS_URL!, { maxRetriesPerRequest: null })
  const prefix = bullPrefix(stack.env.REDIS_PREFIX ?? '')
  const queues = new Map(FLOW_ORDER.map((name) => [name, new Queue(name, { connection, prefix })]))
  const queue = (name: QueueName) => queues.get(name)!

  async function pending(horizonMs = 10_000): Promise<string[]> {
    const found: string[] = []
    for (const name of FLOW_ORDER) {
      const q = queue(name)
      const counts = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'delayed')
      for (const state of ['waiting', 'active', 'prioritized', 'waiting-children'] as const) {
        const count = counts[state] ?? 0
        if (count > 0)
          found.push(`${name}: ${count} ${state} (${(await q.getJobs([state], 0, 4)).map((job) => `${job.name} ${job.id}`).join(', ')})`)
      }
      if ((counts.delayed ?? 0) > 0) {
        // A delayed job's due time is its score in the delayed set (due ms × 0x1000 + an order within
        // the ms), which getDelayedCount(cutoff) reads. Not job.timestamp + job.delay: a retry after a
        // failed attempt is due at (time of failure) + backoff, yet keeps the job's creation timestamp.
        const soon = await q.getDelayedCount(Date.now() + horizonMs + 1)
        // The delayed set is in due order, so its first jobs are the ones due soon. A job scheduler's next
        // run (a repeatable job not yet tried) is always due within one period: it is the schedule, not
        // work left over, and with a period shorter than the horizon the queues would never be quiet.
        const due = soon > 0 ? (await q.getDelayed(0, soon - 1)).filter((job) => !(job.repeatJobKey && job.attemptsMade === 0)) : []
        if (due.length > 0)
          found.push(
            `${name}: ${due.length} delayed and due soon (${due
              .slice(0, 5)
              .map((job) => `${job.name} ${job.id}`)
              .join(', ')})`,
          )
      }
    }
    return found
  }

  async function waitForJobState(name: QueueName, id: string, state: string, timeoutMs = 30_000): Promise<Job> {
    let last = 'no such job'
    return eventually(
      `job ${id} in ${name} to be ${state}`,
      async () => {
        // The state first, then the job as it is now: a job read before its state could still be the
        // attempt that was running (attemptsMade not yet counted) when the state already says delayed.
        last = await queue(name).getJobState(id)
        if (last !== state) return null
        return (await queue(name).getJob(id)) ?? null
      },
      { timeoutMs, intervalMs: 100, detail: () => `last state: ${last}` },
    )
  }

  async function quiescent(options: { timeoutMs?: number; horizonMs?: number; detail?: () => string } = {}): Promise<void> {
    let quietBefore = false
    let last: string[] = []
    await eventually(
      'the queues to be quiet',
      async () => {
        last = await pending(options.horizonMs)
        const quiet = last.length === 0
        const twice = quiet && quietBefore
        quietBefore = quiet
        return twice
      },
      {
        timeoutMs: options.timeoutMs ?? 60_000,
        intervalMs: 100,
        detail: () => `still pending: ${last.join('; ')}${options.detail ? `\n${options.detail()}` : ''}`,
      },
    )
  }

  return {
    queue,
    job: async (name, id) => (await queue(name).getJob(id)) ?? undefined,
    waitForJobState,
    pending,
    quiescent,
    close: async () => {
      await Promise.all([...queues.values()].map((q) => q.close()))
      await connection.quit().catch(() => connection.disconnect())
    },
  }
}
