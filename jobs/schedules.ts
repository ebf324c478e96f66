import type { Queue } from 'bullmq'
import type { Logger } from 'pino'

import { env } from '@/lib/env'
import { paymentsConfigured } from '@/services/stripe'
import { BOOKING_LIFECYCLE_QUEUE, CALENDAR_SYNC_QUEUE, PAYMENTS_QUEUE } from '@/jobs/registry'

/**
 * The repeatable jobs, kept scheduled by every worker that runs their queue. A job scheduler is one
 * record per id in Redis, so however many workers upsert it, each schedule fires once per period:
 * - `booking-sweep` (booking lifecycle queue) every BOOKING_SWEEP_MINUTES: expire holds and requests,
 *   complete stays, reveal reviews;
 * - `reconcile` (payments queue) every RECONCILE_EVERY_MINUTES when Stripe is configured; without
 *   Stripe keys it is removed, so a worker started without them stops an earlier schedule;
 * - `calendar-sync-all` (calendar sync queue) every CALENDAR_SYNC_MINUTES: one `sync-feed` per imported feed.
 */
/**
 * What Redis keeps of the scheduled runs: a day of completed ones (bull-board shows recent sweeps and
 * reconciliations), a month of failed ones. Each run is a new job, so without a bound every run of every
 * schedule would stay in Redis for good (35,000 reconciliations a year at the default period).
 */
const KEEP_RUNS = { removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } }

export async function keepSchedules(
  queues: { [BOOKING_LIFECYCLE_QUEUE]?: Queue; [PAYMENTS_QUEUE]?: Queue; [CALENDAR_SYNC_QUEUE]?: Queue },
  logger: Logger,
): Promise<void> {
  const calendar = queues[CALENDAR_SYNC_QUEUE]
  if (calendar)
    await calendar.upsertJobScheduler(
      'calendar-sync-all',
      { every: Math.round(env.CALENDAR_SYNC_MINUTES * 60_000) },
      { name: 'sync-all', data: {}, opts: { attempts: 1, ...KEEP_RUNS } },
    )
  const booking = queues[BOOKING_LIFECYCLE_QUEUE]
  if (booking)
    await booking.upsertJobScheduler(
      'booking-sweep',
      { every: Math.round(env.BOOKING_SWEEP_MINUTES * 60_000) },
      { name: 'sweep', data: {}, opts: KEEP_RUNS },
    )
  const payments = queues[PAYMENTS_QUEUE]
  if (!payments) return
  if (paymentsConfigured()) {
    await payments.upsertJobScheduler(
      'reconcile',
      { every: Math.round(env.RECONCILE_EVERY_MINUTES * 60_000) },
      { name: 'reconcile', data: { trigger: 'scheduled' }, opts: { attempts: 1, ...KEEP_RUNS } },
    )
  } else {
    await payments.removeJobScheduler('reconcile')
    logger.warn('STRIPE_SECRET_KEY is not set: payments reconciliation is not scheduled')
  }
}
