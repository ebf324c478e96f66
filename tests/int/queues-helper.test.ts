import { randomBytes } from 'node:crypto'

import { type Job, Worker } from 'bullmq'
import { Redis } from 'ioredis'

import { BOOKING_LIFECYCLE_QUEUE, bullPrefix } from '@/jobs/registry'
import { type StackQueues, stackQueues } from '../helpers/queues'
import type { Stack } from '../helpers/stack'

/**
 * tests/helpers/queues.ts, against real Redis and BullMQ: what pending() and quiescent() count as still
 * to do. Suites rely on them before counting effects "exactly once", so their notion of "due" must be
 * BullMQ's own. No server: a stand-in stack with the Redis settings alone, and a worker in this process.
 */
const HOUR = 3_600_000
const env = {
  REDIS_URL: process.env.STAYBASE_TEST_REDIS_URL!,
  REDIS_PREFIX: `${process.env.STAYBASE_TEST_REDIS_PREFIX ?? ''}queues-helper-${randomBytes(4).toString('hex')}:`,
}
const stack = { env } as unknown as Stack
let queues: StackQueues
let connection: Redis

beforeAll(() => {
  queues = stackQueues(stack)
  connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null })
})
afterAll(async () => {
  await queues?.queue(BOOKING_LIFECYCLE_QUEUE).obliterate({ force: true })
  await queues?.close()
  await connection?.quit()
})

it('a retry after a failed attempt counts as due at failure + backoff, not at creation + backoff', async () => {
  const queue = queues.queue(BOOKING_LIFECYCLE_QUEUE)
  // A job created two hours ago (it waited that long, e.g. for a worker) whose attempt now fails: its
  // retry, with a backoff of one hour, is due an hour from now. Its creation timestamp + delay (the
  // backoff) would say an hour ago.
  const job = await queue.add(
    'sweep',
    {},
    { jobId: 'old-then-failed', timestamp: Date.now() - 2 * HOUR, attempts: 2, backoff: { type: 'fixed', delay: HOUR } },
  )
  const worker = new Worker(
    BOOKING_LIFECYCLE_QUEUE,
    async () => {
      throw new Error('fails once')
    },
    { connection, prefix: bullPrefix(env.REDIS_PREFIX) },
  )
  try {
    const retried = await queues.waitForJobState(BOOKING_LIFECYCLE_QUEUE, job.id!, 'delayed')
    expect(retried.attemptsMade).toBe(1)
    expect(retried.timestamp + retried.delay).toBeLessThan(Date.now())
  } finally {
    await worker.close()
  }
  expect(await queues.pending()).toEqual([])
  await queues.quiescent({ timeoutMs: 5_000 })
  // Within a horizon past its real due time, it is pending.
  expect(await queues.pending(2 * HOUR)).toEqual([expect.stringMatching(/1 delayed and due soon \(sweep old-then-failed\)/)])
})

it('a delayed job counts from when it is due: within the horizon, pending; beyond it, not', async () => {
  const queue = queues.queue(BOOKING_LIFECYCLE_QUEUE)
  await queue.obliterate({ force: true })
  await queue.add('sweep', {}, { jobId: 'later', delay: HOUR })
  expect(await queues.pending()).toEqual([])
  const soon: Job = await queue.add('sweep', {}, { jobId: 'soon', delay: 5 * 60_000 })
  expect(await queues.pending()).toEqual([])
  expect(await queues.pending(10 * 60_000)).toEqual([expect.stringMatching(/1 delayed and due soon \(sweep soon\)/)])
  expect(await queues.pending(2 * HOUR)).toEqual([expect.stringMatching(/2 delayed and due soon \(sweep soon, sweep later\)/)])
  await soon.remove()
})
