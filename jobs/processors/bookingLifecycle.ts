import type { Job } from 'bullmq'
import { type Payload, createLocalReq } from 'payload'

import { bookingRef } from '../../src/domain/payments'
import { utcDate } from '../../src/domain/stayDates'
import { applyTransition } from '../../src/services/bookingLifecycle'
import { enqueue } from '../../src/services/queue'
import { paymentsConfigured } from '../../src/services/stripe'
import { type BookingLifecycleJobName, type BookingLifecycleJobs, PAYMENTS_QUEUE, paymentJobIds } from '../queues'

/**
 * Processors of the booking-lifecycle queue. Each re-reads the booking and acts only if its state still
 * calls for it, so running a job twice, late, or after a crash halfway is harmless.
 */
class NotDueYet extends Error {}

async function expire(
  payload: Payload,
  bookingId: number,
  waiting: 'awaiting_payment' | 'requested',
  holdExpiresAt?: string,
): Promise<string> {
  const req = await createLocalReq({}, payload)
  let early = false
  const doc = await applyTransition(req, bookingId, (booking) => {
    if (booking.status !== waiting || !booking.holdExpiresAt) return null
    // The job is for one particular hold; a newer hold has its own job.
    if (holdExpiresAt && Date.parse(booking.holdExpiresAt) !== Date.parse(holdExpiresAt)) return null
    if (Date.parse(booking.holdExpiresAt) > Date.now()) {
      early = true
      return null
    }
    return { to: 'expired' }
  })
  // A clock a little behind Redis's: let BullMQ retry shortly rather than leave the hold open.
  if (early) throw new NotDueYet(`booking ${bookingId}: hold not over yet`)
  if (!doc) return 'nothing to do'
  payload.logger.info({ bookingId, from: waiting, to: 'expired', msg: 'booking expired' })
  if (waiting === 'awaiting_payment' && paymentsConfigured()) {
    await enqueue(PAYMENTS_QUEUE, 'cancel-intents', { bookingId }, { jobId: paymentJobIds.cancelIntents(bookingRef(doc)) })
  }
  return 'expired'
}

async function sweep(payload: Payload): Promise<string> {
  const now = new Date()
  const overdue = await payload.find({
    collection: 'bookings',
    where: { and: [{ status: { in: ['awaiting_payment', 'requested'] } }, { holdExpiresAt: { less_than_equal: now.toISOString() } }] },
    depth: 0,
    limit: 1000,
    select: { status: true },
  })
  let expired = 0
  for (const booking of overdue.docs) {
    const result = await expire(payload, booking.id, booking.status as 'awaiting_payment' | 'requested').catch(() => 'skipped')
    if (result === 'expired') expired++
  }
  // "The day after checkOut": the stay's last morning has passed.
  const finished = await payload.find({
    collection: 'bookings',
    where: { and: [{ status: { equals: 'confirmed' } }, { checkOut: { less_than: `${utcDate(now)}T00:00:00.000Z` } }] },
    depth: 0,
    limit: 1000,
    select: { status: true },
  })
  let completed = 0
  for (const booking of finished.docs) {
    const req = await createLocalReq({}, payload)
    const doc = await applyTransition(req, booking.id, (b) => (b.status === 'confirmed' ? { to: 'completed' } : null))
    if (doc) {
      completed++
      payload.logger.info({ bookingId: booking.id, from: 'confirmed', to: 'completed', msg: 'stay completed' })
    }
  }
  return `expired ${expired}, completed ${completed}`
}

export async function processBookingJob(payload: Payload, job: Job): Promise<string> {
  switch (job.name as BookingLifecycleJobName) {
    case 'expire-hold':
    case 'expire-request': {
      const data = job.data as BookingLifecycleJobs['expire-hold']
      return expire(payload, data.bookingId, job.name === 'expire-hold' ? 'awaiting_payment' : 'requested', data.holdExpiresAt)
    }
    case 'sweep':
      return sweep(payload)
    default:
      throw new Error(`unknown job ${String(job.name)}`)
  }
}
