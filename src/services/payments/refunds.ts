import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import { parseId } from '@/domain/ids'
import { fromStripeRefund, owedRefunds } from '@/domain/paymentSync'
import { type RefundKind, bookingRef, stripeKeys } from '@/domain/payments'
import { env } from '@/lib/env'
import { metrics } from '@/lib/metrics'
import { nextKey } from '@/lib/keyset'
import { sqlExecutor } from '@/services/sqlExecutor'
import { stripe } from '@/services/stripe'
import { afterCancellation, enqueueRefund } from './effects'
import { CAPTURED, capturedPaymentOf, owedTo } from './store'
import { refundsAtStripe, syncPayment } from './sync'

/**
 * Giving money back: the refund job, the record of one that failed for good, cancelling intents nobody
 * may pay any more, and reconciliation's backstops for refunds and cancellations whose jobs were lost.
 * What a booking is owed is always refundOwed's answer (src/domain/refunds.ts).
 */

/**
 * Give back what a booking is owed, once. What Stripe already refunded for this reason (found by the
 * refund's metadata) counts as done, so the job may run any number of times, even days later when
 * Stripe's idempotency key has expired.
 */
export async function refundBooking(
  payload: Payload,
  bookingId: number,
  kind: RefundKind,
  attempt = 0,
  replaces?: string,
): Promise<string> {
  const booking = await payload.findByID({ collection: 'bookings', id: bookingId, depth: 0, overrideAccess: true, disableErrors: true })
  if (!booking) return 'booking gone'
  const payment = await capturedPaymentOf(payload, bookingId)
  if (!payment) return 'nothing was paid'
  // Stripe's refunds of the intent, not our copy: one made a moment ago may not be recorded here yet.
  // What the booking is owed now, whoever queued the job (a retried job, staff in the queue dashboard).
  const atStripe = await refundsAtStripe(payment.stripePaymentIntentId)
  const owed = owedTo(booking, payment, owedRefunds(atStripe.map(fromStripeRefund)))
  if (!owed.owed) {
    // Made by an earlier run whose record did not get written: record it now.
    if (atStripe.some((r) => r.metadata?.kind === kind)) await syncPayment(payload, payment.stripePaymentIntentId)
    return owed.kind === kind ? owed.reason : `nothing is owed for ${kind}`
  }
  // The other kind has its own job (and id).
  if (owed.kind !== kind) return `owed a ${owed.kind} refund, not ${kind}`
  const after = owed.replaces ?? replaces
  await stripe().refunds.create(
    {
      payment_intent: payment.stripePaymentIntentId,
      amount: owed.amount,
      reason: 'requested_by_customer',
      metadata: { bookingId: String(bookingId), kind, ...(after ? { replaces: after } : {}) },
    },
    { idempotencyKey: stripeKeys.refund(bookingRef(booking), kind, attempt, after) },
  )
  metrics().refunds.inc({ kind })
  await syncPayment(payload, payment.stripePaymentIntentId)
  return 'refunded'
}

/** A refund that failed for good: staff see it on the payment. */
export async function flagRefundFailure(payload: Payload, bookingId: number, kind: RefundKind, error: unknown): Promise<void> {
  const payment = await capturedPaymentOf(payload, bookingId)
  if (!payment) return
  const note = `Refund (${kind}) for booking ${bookingId} failed after every retry: ${error instanceof Error ? error.message : String(error)}`
  if ((payment.attentionReason ?? '').includes(note)) return
  await payload.update({
    collection: 'payments',
    id: payment.id,
    data: { needsAttention: true, attentionReason: [payment.attentionReason, note].filter(Boolean).join('\n') },
    depth: 0,
    overrideAccess: true,
  })
}

/**
 * A cancellation's effects outside the database, after it committed: cancel open intents (unpaid), the
 * refund it is owed (refundOwed), the mails to guest and host — each a job with a deterministic id —
 * then stamp `cancellationQueuedAt`. Called by the cancel endpoint and, for cancellations never
/**
 * Reconciliation's backstop for refunds: every payment that took money for a booking cancelled (or
 * never confirmed) within REFUND_RECOVERY_DAYS, asked whether refundOwed still sees money owed — found
 * from the bookings, not from when the payment last changed, so a stay paid months before it was
 * cancelled is found too. Returns how many refunds were queued.
 */
export async function requeueMissingRefunds(payload: Payload, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - env.REFUND_RECOVERY_DAYS * 24 * 3600_000).toISOString()
  let queued = 0
  const seen = new Set<number>()
  for await (const candidates of refundCandidates(payload, since)) {
    const fresh = candidates.filter((id) => !seen.has(id))
    for (const id of fresh) seen.add(id)
    if (fresh.length > 0) queued += await requeueOwedRefunds(payload, fresh, now)
  }
  return queued
}

/** Pages of the refund backstop: bounded statements, each started from an index (worker_indexes migration). */
const REFUND_SCAN_PAGE = 1000
const MONEY_TAKEN = sql`('succeeded', 'partially_refunded', 'disputed')`

/**
 * The ids of payments that took money for a booking cancelled since `since`, or since then for a
 * booking never confirmed, a page at a time. One statement over the whole window joined every payment
 * of it to its booking (0.75 s and a scan of bookings at 2M bookings); keyset pages keep each statement
 * to one index range of REFUND_SCAN_PAGE rows and primary-key lookups.
 */
async function* refundCandidates(payload: Payload, since: string): AsyncGenerator<number[]> {
  const db = await sqlExecutor(payload)
  // Bookings cancelled since, in (cancelled_at, id) order, with their payments that took money.
  let after: { at: string; id: number } | null = null
  for (;;) {
    const { rows } = await db.execute(sql`
      WITH page AS (
        SELECT id, cancelled_at FROM bookings
        WHERE cancelled_at >= ${since}${after ? sql` AND (cancelled_at, id) > (${after.at}::timestamptz, ${after.id})` : sql``}
        ORDER BY cancelled_at, id LIMIT ${REFUND_SCAN_PAGE})
      SELECT page.id, page.cancelled_at::text AS at, p.id AS payment_id
      FROM page LEFT JOIN payments p ON p.booking_id = page.id AND p.status IN ${MONEY_TAKEN}
      ORDER BY page.cancelled_at, page.id`)
    if (rows.length === 0) break
    after = nextKey('refund backstop', after, rows[rows.length - 1]!)
    yield rows.filter((r) => r.payment_id !== null).map((r) => Number(r.payment_id))
  }
  // Payments that took money since, in (created_at, id) order, whose booking was never confirmed.
  after = null
  for (;;) {
    const { rows } = await db.execute(sql`
      WITH page AS (
        SELECT id, booking_id, created_at FROM payments
        WHERE status IN ${MONEY_TAKEN} AND created_at >= ${since}${after ? sql` AND (created_at, id) > (${after.at}::timestamptz, ${after.id})` : sql``}
        ORDER BY created_at, id LIMIT ${REFUND_SCAN_PAGE})
      SELECT page.id, page.created_at::text AS at, b.confirmed_at IS NULL AS unconfirmed
      FROM page JOIN bookings b ON b.id = page.booking_id
      ORDER BY page.created_at, page.id`)
    if (rows.length === 0) break
    after = nextKey('refund backstop', after, rows[rows.length - 1]!)
    yield rows.filter((r) => r.unconfirmed === true).map((r) => Number(r.id))
  }
}

/** Queues the refunds refundOwed still sees owed for these payments. Returns how many. */
async function requeueOwedRefunds(payload: Payload, paymentIds: number[], now: Date): Promise<number> {
  const { docs: payments } = await payload.find({
    collection: 'payments',
    where: { id: { in: paymentIds } },
    depth: 0,
    pagination: false,
    sort: '-createdAt',
    overrideAccess: true,
  })
  const { docs: bookings } = await payload.find({
    collection: 'bookings',
    where: { id: { in: [...new Set(payments.map((p) => parseId(p.booking)))] } },
    depth: 0,
    pagination: false,
    overrideAccess: true,
  })
  const byId = new Map(bookings.map((b) => [b.id, b]))
  // The payment that took each booking's money, as refundBooking will find it (capturedPaymentOf, for all at once).
  const { docs: captured } = await payload.find({
    collection: 'payments',
    where: { and: [{ booking: { in: [...byId.keys()] } }, { status: { in: CAPTURED } }] },
    depth: 0,
    pagination: false,
    sort: 'createdAt',
    overrideAccess: true,
  })
  const takenBy = new Map<number, number>()
  for (const payment of captured) if (!takenBy.has(parseId(payment.booking)!)) takenBy.set(parseId(payment.booking)!, payment.id)
  let queued = 0
  for (const payment of payments) {
    const booking = byId.get(parseId(payment.booking)!)
    if (!booking || takenBy.get(booking.id) !== payment.id) continue
    const owed = owedTo(booking, payment, owedRefunds(payment.refunds), now)
    if (!owed.owed) continue
    await enqueueRefund(booking, owed)
    queued++
  }
  return queued
}

/** Reconciliation's backstop for cancellations whose effects were never queued. Returns how many. */
export async function handOverCancellations(payload: Payload, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - env.REFUND_RECOVERY_DAYS * 24 * 3600_000).toISOString()
  const { docs } = await payload.find({
    collection: 'bookings',
    where: {
      and: [
        { status: { equals: 'cancelled' } },
        { cancelledAt: { greater_than_equal: since } },
        { cancellationQueuedAt: { exists: false } },
      ],
    },
    depth: 0,
    pagination: false,
    overrideAccess: true,
  })
  for (const booking of docs) await afterCancellation(payload, booking)
  return docs.length
}

/**
 * A hold ran out: cancel the intents still waiting for the guest, so nobody can pay for dates that are
 * no longer held. Best effort: if one succeeded meanwhile, its webhook refunds it (booking_unavailable).
 */
export async function cancelOpenIntents(payload: Payload, bookingId: number): Promise<number> {
  const { docs } = await payload.find({
    collection: 'payments',
    where: { and: [{ booking: { equals: bookingId } }, { status: { in: ['requires_payment', 'failed'] } }] },
    depth: 0,
    limit: 10,
    overrideAccess: true,
  })
  let cancelled = 0
  for (const payment of docs) {
    try {
      await stripe().paymentIntents.cancel(payment.stripePaymentIntentId, { cancellation_reason: 'abandoned' })
      cancelled++
    } catch (error) {
      payload.logger.warn({ err: error, paymentId: payment.id, msg: 'could not cancel the PaymentIntent of an expired hold' })
    }
    // Whatever Stripe now says (canceled, or succeeded after all → refunded in full); a failure here
    // fails the job, which is retried.
    await syncPayment(payload, payment.stripePaymentIntentId)
  }
  return cancelled
}
