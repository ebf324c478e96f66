import type { Payload } from 'payload'

import type { BookingMail, PaymentSyncPlan } from '@/domain/paymentSync'
import { owedRefunds } from '@/domain/paymentSync'
import { bookingRef } from '@/domain/payments'
import type { RefundOwed } from '@/domain/refunds'
import { MAIL_QUEUE, PAYMENTS_QUEUE, mailJobId, paymentJobIds } from '@/jobs/registry'
import type { Booking } from '@/payload-types'
import { enqueue } from '@/services/queue'
import { paymentsConfigured } from '@/services/stripe'
import { capturedPaymentOf, owedTo } from './store'

/**
 * The effects of payment changes that live outside the database: mails and refunds, each a job with a
 * deterministic id (src/jobs/registry.ts), queued after the change committed. A second run (a duplicate
 * event, reconciliation after a crash) queues nothing new.
 */

type BookingRef = { id: number; createdAt: string }

async function queueMail(booking: BookingRef, mail: BookingMail): Promise<void> {
  const discriminator = mail.kind === 'payment-failed' ? mail.attempt : undefined
  await enqueue(
    MAIL_QUEUE,
    'send',
    {
      kind: mail.kind,
      bookingId: booking.id,
      recipient: mail.recipient,
      ...(mail.kind === 'payment-failed' && mail.failureMessage ? { failureMessage: mail.failureMessage } : {}),
    },
    { jobId: mailJobId(mail.kind, bookingRef(booking), mail.recipient, discriminator) },
  )
}

/** What a payment sync planned beyond the database. Returns what was queued, as the sync reports it. */
export async function queueSyncEffects(booking: BookingRef, plan: PaymentSyncPlan): Promise<string[]> {
  const queued: string[] = []
  for (const mail of plan.mails) await queueMail(booking, mail)
  if (plan.refund) {
    await enqueue(
      PAYMENTS_QUEUE,
      'refund',
      { bookingId: booking.id, kind: plan.refund },
      { jobId: paymentJobIds.refund(bookingRef(booking), plan.refund), revive: true },
    )
    queued.push('full refund requested')
  }
  for (const retry of plan.retryRefunds) {
    await enqueue(
      PAYMENTS_QUEUE,
      'refund',
      { bookingId: booking.id, ...retry },
      { jobId: paymentJobIds.refund(bookingRef(booking), retry.kind, retry.replaces) },
    )
    queued.push(`refund ${retry.replaces} asked again`)
  }
  return queued
}

/** Queue the refund a booking is owed (see refundOwed); a job that gave up is retried. */
export async function enqueueRefund(booking: Booking, owed: Extract<RefundOwed, { owed: true }>): Promise<void> {
  await enqueue(
    PAYMENTS_QUEUE,
    'refund',
    { bookingId: booking.id, kind: owed.kind, ...(owed.replaces ? { replaces: owed.replaces } : {}) },
    { jobId: paymentJobIds.refund(bookingRef(booking), owed.kind, owed.replaces), revive: true },
  )
}

/**
 * A cancellation's effects outside the database, after it committed: cancel open intents (unpaid), the
 * refund it is owed (refundOwed), the mails to guest and host — each a job with a deterministic id —
 * then stamp `cancellationQueuedAt`. Called by the cancel endpoint and, for cancellations never
 * stamped (Redis was down), by reconciliation: a job enqueued twice runs once, and once stamped a
 * cancellation is never handed over again, even after the queue has forgotten its jobs.
 */
export async function afterCancellation(payload: Payload, booking: Booking): Promise<void> {
  if (!booking.confirmedAt && paymentsConfigured()) {
    // Cancelled before it was paid: nobody may pay for it now. If a payment got through meanwhile,
    // its webhook refunds it in full.
    await enqueue(PAYMENTS_QUEUE, 'cancel-intents', { bookingId: booking.id }, { jobId: paymentJobIds.cancelIntents(bookingRef(booking)) })
  }
  const payment = await capturedPaymentOf(payload, booking.id)
  const owed = owedTo(booking, payment, owedRefunds(payment?.refunds))
  if (owed.owed) await enqueueRefund(booking, owed)
  for (const recipient of ['guest', 'host'] as const) {
    await enqueue(
      MAIL_QUEUE,
      'send',
      { kind: 'booking-cancelled', bookingId: booking.id, recipient },
      { jobId: mailJobId('booking-cancelled', bookingRef(booking), recipient) },
    )
  }
  await payload.update({
    collection: 'bookings',
    id: booking.id,
    data: { cancellationQueuedAt: new Date().toISOString() },
    depth: 0,
    overrideAccess: true,
  })
}
