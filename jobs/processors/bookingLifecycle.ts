import { type Payload, createLocalReq } from 'payload'

import { decideExpire } from '@/domain/bookingActions'
import { bookingRef } from '@/domain/payments'
import { reviewWindowClosesAt } from '@/domain/reviews'
import { utcDate } from '@/domain/stayDates'
import { env } from '@/lib/env'
import { toStayDate } from '@/lib/stayDateField'
import type { Booking } from '@/payload-types'
import { lockBookingReviews, publishPendingReviews } from '@/services/reviews'
import { inTransaction } from '@/services/transaction'
import { applyTransition, overdueHolds, staysToComplete } from '@/services/bookingLifecycle'
import { enqueue } from '@/services/queue'
import { paymentsConfigured } from '@/services/stripe'
import { BOOKING_LIFECYCLE_QUEUE, PAYMENTS_QUEUE, paymentJobIds, processorOf } from '@/jobs/registry'

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
    const decision = decideExpire({ booking, waiting, holdExpiresAt, now: new Date() })
    early = decision === 'not-due'
    return decision === 'not-due' ? null : decision
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

/**
 * One booking the sweep could not act on (a lock timeout, a hold not quite over by this clock): the
 * sweep goes on with the others and the next sweep tries it again; the reason is logged.
 */
function skipped(payload: Payload, bookingId: number, what: string, error: unknown): 'skipped' {
  const notDue = error instanceof NotDueYet
  payload.logger[notDue ? 'debug' : 'warn']({ err: error, bookingId, msg: `sweep: could not ${what}; the next sweep tries again` })
  return 'skipped'
}

/** Bookings per sweep and kind; a longer backlog is taken by the next sweep. */
const SWEEP_BATCH = 1000

async function sweep(payload: Payload): Promise<string> {
  const now = new Date()
  let expired = 0
  for (const booking of await overdueHolds(payload, now, SWEEP_BATCH)) {
    const result = await expire(payload, booking.id, booking.status).catch((error: unknown) =>
      skipped(payload, booking.id, 'expire its hold', error),
    )
    if (result === 'expired') expired++
  }
  // "The day after checkOut": the stay's last morning has passed.
  let completed = 0
  for (const booking of await staysToComplete(payload, utcDate(now), SWEEP_BATCH)) {
    const req = await createLocalReq({}, payload)
    const doc = await applyTransition(req, booking.id, (b) => (b.status === 'confirmed' ? { to: 'completed' } : null))
    if (doc) {
      completed++
      payload.logger.info({ bookingId: booking.id, from: 'confirmed', to: 'completed', msg: 'stay completed' })
    }
  }
  return `expired ${expired}, completed ${completed}`
}

/** Publish a stay's pending reviews once its review window has closed (the job runs at that moment). */
async function revealReviews(payload: Payload, bookingId: number): Promise<string> {
  const req = await createLocalReq({}, payload)
  const result = await inTransaction(req, async () => {
    const booking = await payload.findByID({
      collection: 'bookings',
      id: bookingId,
      depth: 0,
      overrideAccess: true,
      disableErrors: true,
      req,
    })
    if (!booking) return 'booking gone'
    await lockBookingReviews(req, bookingId)
    if (Date.now() < reviewWindowClosesAt(toStayDate(booking.checkOut)!, env.REVIEW_WINDOW_DAYS).getTime()) return 'window still open'
    return `published ${await publishPendingReviews(req, bookingId)}`
  })
  if (result === 'window still open') throw new NotDueYet(`booking ${bookingId}: review window still open`)
  return result
}

/** Pending reviews whose window closed but whose reveal job was lost: the sweep reveals them. */
async function revealOverdueReviews(payload: Payload): Promise<number> {
  // Oldest first, from the partial index of pending reviews; no count (pagination: false).
  const { docs } = await payload.find({
    collection: 'reviews',
    where: { status: { equals: 'pending' } },
    depth: 1,
    limit: 500,
    pagination: false,
    sort: 'createdAt',
    overrideAccess: true,
    select: { booking: true },
  })
  let revealed = 0
  const seen = new Set<number>()
  for (const review of docs) {
    const booking = review.booking as Booking | number
    if (typeof booking !== 'object' || seen.has(booking.id)) continue
    seen.add(booking.id)
    if (Date.now() < reviewWindowClosesAt(toStayDate(booking.checkOut)!, env.REVIEW_WINDOW_DAYS).getTime()) continue
    const result = await revealReviews(payload, booking.id).catch((error: unknown) =>
      skipped(payload, booking.id, 'reveal its reviews', error),
    )
    if (result.startsWith('published')) revealed++
  }
  return revealed
}

export const processBookingJob = processorOf(BOOKING_LIFECYCLE_QUEUE, {
  'expire-hold': (payload, job) => expire(payload, job.data.bookingId, 'awaiting_payment', job.data.holdExpiresAt),
  'expire-request': (payload, job) => expire(payload, job.data.bookingId, 'requested', job.data.holdExpiresAt),
  sweep: async (payload) => `${await sweep(payload)}, revealed reviews of ${await revealOverdueReviews(payload)} stays`,
  'reveal-reviews': (payload, job) => revealReviews(payload, job.data.bookingId),
})
