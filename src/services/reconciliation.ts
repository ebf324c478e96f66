import type { Payload } from 'payload'
import type Stripe from 'stripe'

import { PAYMENTS_QUEUE, paymentJobIds } from '../../jobs/queues'
import type { Payment } from '../payload-types'
import { type PaymentStatus, type RefundKind, bookingRef, isDeadRefund } from '../domain/payments'
import { type LocalPayment, type StripeIntent, planReconciliation } from '../domain/reconciliation'
import { env } from '../lib/env'
import { parseId } from '../lib/ids'
import { isUnavailable, syncPayment } from './payments'
import { enqueue } from './queue'
import { listAll, stripe, stripeId } from './stripe'

/**
 * One reconciliation run (the repeatable `reconcile` job, or staff's "Run now"): fetch Stripe's
 * PaymentIntents and refunds created in the window and our payments of the same window, let
 * planReconciliation compare them, re-apply the webhook handling where a webhook was missed (the same
 * idempotent syncPayment, so a confirmation happens once), and write a reconciliation-reports document.
 * It also re-enqueues the work a lost or failed job would have done: stored events still pending, and
 * refunds owed that Stripe never got.
 */
const toLocal = (p: Payment): LocalPayment => ({
  id: p.id,
  stripePaymentIntentId: p.stripePaymentIntentId,
  amount: p.amount,
  currency: p.currency,
  status: p.status as PaymentStatus,
  amountRefunded: p.amountRefunded ?? 0,
  refundIds: (p.refunds ?? []).map((r) => r.stripeRefundId),
})

const isMissing = (error: unknown) => (error as { code?: string })?.code === 'resource_missing'

/** Events that were stored but whose job is gone (Redis lost it, or enqueuing failed): queue them again. */
async function requeueStaleEvents(payload: Payload): Promise<number> {
  const before = new Date(Date.now() - 2 * 60_000).toISOString()
  const { docs } = await payload.find({
    collection: 'stripe-events',
    where: { and: [{ status: { equals: 'pending' } }, { receivedAt: { less_than: before } }] },
    depth: 0,
    limit: 500,
    select: { eventId: true },
    overrideAccess: true,
  })
  for (const event of docs) {
    await enqueue(PAYMENTS_QUEUE, 'stripe-event', { eventId: event.eventId }, { jobId: paymentJobIds.stripeEvent(event.eventId), attempts: 8, revive: true })
  }
  return docs.length
}

/**
 * Refunds owed that Stripe never got (the job was lost with Redis, or gave up): cancelled bookings owed
 * money whose payment has no live cancellation refund, and payments that took money for a booking that
 * was never confirmed (paid after it expired or was cancelled) with no live full refund. Queued again;
 * a job that gave up is retried.
 */
async function requeueMissingRefunds(payload: Payload, since: Date): Promise<number> {
  const { docs: payments } = await payload.find({
    collection: 'payments',
    where: { and: [{ status: { in: ['succeeded', 'partially_refunded', 'disputed'] } }, { updatedAt: { greater_than_equal: since.toISOString() } }] },
    depth: 0,
    pagination: false,
    overrideAccess: true,
  })
  if (payments.length === 0) return 0
  const { docs: bookings } = await payload.find({
    collection: 'bookings',
    where: { id: { in: payments.map((p) => parseId(p.booking)) } },
    depth: 0,
    pagination: false,
    select: { status: true, confirmedAt: true, refundAmount: true, createdAt: true },
    overrideAccess: true,
  })
  const byId = new Map(bookings.map((b) => [b.id, b]))
  let queued = 0
  for (const payment of payments) {
    const booking = byId.get(parseId(payment.booking)!)
    if (!booking) continue
    const kind: RefundKind | null =
      booking.status === 'cancelled' && (booking.refundAmount ?? 0) > 0 && booking.confirmedAt ? 'cancellation' : isUnavailable(booking) ? 'booking_unavailable' : null
    const ofKind = (payment.refunds ?? []).filter((r) => r.reason === kind)
    if (!kind || ofKind.some((r) => !isDeadRefund(r.status))) continue
    // After a refund that failed at Stripe, the new one is named after it (as syncPayment names it).
    const replaces = ofKind.at(-1)?.stripeRefundId
    await enqueue(PAYMENTS_QUEUE, 'refund', { bookingId: booking.id, kind, ...(replaces ? { replaces } : {}) }, { jobId: paymentJobIds.refund(bookingRef(booking), kind, replaces), revive: true })
    queued++
  }
  return queued
}

/** A run whose worker died leaves its report "running": after an hour it is marked failed. */
async function closeInterruptedReports(payload: Payload): Promise<void> {
  await payload.update({
    collection: 'reconciliation-reports',
    where: { and: [{ status: { equals: 'running' } }, { startedAt: { less_than: new Date(Date.now() - 3600_000).toISOString() } }] },
    data: { status: 'failed', error: 'Interrupted: the worker running it stopped.' },
    depth: 0,
    overrideAccess: true,
  })
}

export async function reconcile(payload: Payload, options: { trigger: 'scheduled' | 'manual'; requestedBy?: number; now?: Date }): Promise<string> {
  await closeInterruptedReports(payload)
  const windowEnd = options.now ?? new Date()
  const windowStart = new Date(windowEnd.getTime() - env.RECONCILE_LOOKBACK_HOURS * 3600_000)
  const report = await payload.create({
    collection: 'reconciliation-reports',
    data: {
      title: `${options.trigger === 'manual' ? 'Manual run' : 'Scheduled run'}, ${windowEnd.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      trigger: options.trigger,
      requestedBy: options.requestedBy ?? null,
      status: 'running',
      windowStart: windowStart.toISOString(),
      windowEnd: windowEnd.toISOString(),
      startedAt: new Date().toISOString(),
    },
    overrideAccess: true,
  })
  try {
    const created = { gte: Math.floor(windowStart.getTime() / 1000), lte: Math.ceil(windowEnd.getTime() / 1000) }
    const [intents, refunds] = await Promise.all([
      listAll<Stripe.PaymentIntent>(stripe().paymentIntents.list({ created, limit: 100 })),
      listAll<Stripe.Refund>(stripe().refunds.list({ created, limit: 100 })),
    ])
    const stripeIds = [...new Set([...intents.map((i) => i.id), ...refunds.map((r) => stripeId(r.payment_intent)).filter((id) => id !== null)])] as string[]
    const { docs: local } = await payload.find({
      collection: 'payments',
      where: { or: [{ createdAt: { greater_than_equal: windowStart.toISOString() } }, { stripePaymentIntentId: { in: stripeIds } }] },
      depth: 0,
      pagination: false,
      overrideAccess: true,
    })
    // Our payments of the window whose intent Stripe did not list: ask for each one.
    const listed = new Set(intents.map((i) => i.id))
    const extra: Stripe.PaymentIntent[] = []
    for (const payment of local) {
      if (listed.has(payment.stripePaymentIntentId)) continue
      try {
        extra.push(await stripe().paymentIntents.retrieve(payment.stripePaymentIntentId))
      } catch (error) {
        if (!isMissing(error)) throw error
      }
    }
    const plan = planReconciliation({
      intents: [...intents, ...extra] as StripeIntent[],
      refunds: refunds.map((r) => ({ id: r.id, amount: r.amount, status: r.status, payment_intent: stripeId(r.payment_intent) })),
      payments: local.map(toLocal),
    })

    let fixed = 0
    for (const item of plan.sync) {
      const result = await syncPayment(payload, item.intentId)
      if (result?.changed) {
        fixed++
        payload.logger.info({ msg: 'reconciliation fixed a payment', paymentId: item.paymentId, reason: item.reason, effects: result.effects })
      }
    }
    const requeuedEvents = await requeueStaleEvents(payload)
    const requeuedRefunds = await requeueMissingRefunds(payload, windowStart)

    await payload.update({
      collection: 'reconciliation-reports',
      id: report.id,
      data: {
        status: 'completed',
        finishedAt: new Date().toISOString(),
        checked: plan.checked,
        fixed,
        discrepancyCount: plan.discrepancies.length,
        discrepancies: plan.discrepancies.map((d) => ({ kind: d.kind, stripeObjectId: d.stripeObjectId, payment: d.paymentId ?? null, details: d.details })),
      },
      depth: 0,
      overrideAccess: true,
    })
    return `report ${report.id}: checked ${plan.checked}, fixed ${fixed}, ${plan.discrepancies.length} discrepancies, requeued ${requeuedEvents} events and ${requeuedRefunds} refunds`
  } catch (error) {
    await payload.update({
      collection: 'reconciliation-reports',
      id: report.id,
      data: { status: 'failed', finishedAt: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) },
      depth: 0,
      overrideAccess: true,
    })
    throw error
  }
}
