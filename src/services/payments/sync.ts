import { type Payload, createLocalReq } from 'payload'
import type Stripe from 'stripe'

import { describeMoney } from '@/domain/money'
import { planPaymentSync } from '@/domain/paymentSync'
import type { PaymentStatus } from '@/domain/payments'
import { parseId } from '@/domain/ids'
import { env } from '@/lib/env'
import { metrics } from '@/lib/metrics'
import type { Booking, Payment } from '@/payload-types'
import { applyTransition } from '@/services/bookingLifecycle'
import { lockListingCalendar } from '@/services/reservations'
import { listAll, stripe, stripeId } from '@/services/stripe'
import { inTransaction } from '@/services/transaction'
import { queueSyncEffects } from './effects'
import { CAPTURED, findPaymentByIntent, lockBookingPayment } from './store'

/**
 * Bringing a payment in line with Stripe. The rule: ask Stripe for the current truth (the
 * PaymentIntent and its refunds), then in one transaction, under the booking's payment lock and its
 * listing's calendar lock, read our payment and the booking, plan (planPaymentSync, pure), write the
 * plan and confirm the booking; after commit, queue the plan's effects. The webhook processor, the
 * refund job and reconciliation all run this, and running it twice changes nothing.
 */

export const refundsAtStripe = (intentId: string) => listAll<Stripe.Refund>(stripe().refunds.list({ payment_intent: intentId, limit: 100 }))

export type SyncResult = { paymentId: number; status: PaymentStatus; changed: boolean; effects: string[] }

/**
 * Bring one payment in line with Stripe and carry out what follows. `eventAt` is when Stripe emitted
 * the event that led here (for lastStripeEventAt).
 */
export async function syncPayment(payload: Payload, intentId: string, options: { eventAt?: Date } = {}): Promise<SyncResult | null> {
  const local = await findPaymentByIntent(payload, intentId)
  if (!local) return null
  // Stripe first, outside the transaction: no database lock is held while we wait on the network.
  const [intent, stripeRefunds] = await Promise.all([stripe().paymentIntents.retrieve(intentId), refundsAtStripe(intentId)])
  const bookingId = parseId(local.booking)!
  const req = await createLocalReq({}, payload)
  const { plan, booking, confirmed, tookMoney } = await inTransaction(req, async () => {
    await lockBookingPayment(req, bookingId)
    const payment = (await payload.findByID({ collection: 'payments', id: local.id, depth: 0, overrideAccess: true, req })) as Payment
    // The booking as it is under its listing's calendar lock, the lock that expiry and cancellation take.
    const unlocked = (await payload.findByID({ collection: 'bookings', id: bookingId, depth: 0, overrideAccess: true, req })) as Booking
    await lockListingCalendar(req, parseId(unlocked.property)!)
    const booking = (await payload.findByID({ collection: 'bookings', id: bookingId, depth: 0, overrideAccess: true, req })) as Booking
    const plan = planPaymentSync({
      payment: { ...payment, status: payment.status as PaymentStatus, disputed: Boolean(payment.dispute?.stripeDisputeId) },
      intent: { ...intent, latest_charge: stripeId(intent.latest_charge) },
      stripeRefunds,
      booking,
      at: new Date(),
      eventAt: options.eventAt,
      recoveryDays: env.REFUND_RECOVERY_DAYS,
    })
    const confirmed = plan.confirm
      ? await applyTransition(req, bookingId, (b) =>
          b.status === 'awaiting_payment' ? { to: 'confirmed', data: { confirmedAt: new Date().toISOString() } } : null,
        )
      : null
    if (plan.patch) await payload.update({ collection: 'payments', id: payment.id, data: plan.patch, depth: 0, overrideAccess: true, req })
    // Under the payment's lock, so of two syncs at once only the first sees the money arrive.
    const tookMoney = !CAPTURED.includes(payment.status as PaymentStatus) && CAPTURED.includes(plan.status)
    return { plan, booking, confirmed, tookMoney }
  })
  if (tookMoney) metrics().paymentsSucceeded.inc()
  // After commit: effects that live outside the database.
  const effects = [...(confirmed ? ['booking confirmed'] : []), ...(await queueSyncEffects(booking, plan))]
  return { paymentId: local.id, status: plan.status, changed: plan.changed, effects }
}

/** A dispute opened on a payment's charge: the payment shows it and waits for staff. */
export async function recordDispute(payload: Payload, dispute: Stripe.Dispute, eventAt: Date): Promise<SyncResult | null> {
  const intentId = stripeId(dispute.payment_intent)
  if (!intentId) return null
  const local = await findPaymentByIntent(payload, intentId)
  if (!local) return null
  const req = await createLocalReq({}, payload)
  await inTransaction(req, async () => {
    await lockBookingPayment(req, parseId(local.booking)!)
    const payment = (await payload.findByID({ collection: 'payments', id: local.id, depth: 0, overrideAccess: true, req })) as Payment
    if (payment.dispute?.stripeDisputeId === dispute.id) return
    const note = `Dispute ${dispute.id} opened (${dispute.reason}, ${describeMoney(dispute.amount, dispute.currency)}): respond in the Stripe dashboard.`
    await payload.update({
      collection: 'payments',
      id: payment.id,
      data: {
        status: 'disputed',
        dispute: {
          stripeDisputeId: dispute.id,
          reason: dispute.reason,
          amount: dispute.amount,
          openedAt: new Date(dispute.created * 1000).toISOString(),
        },
        needsAttention: true,
        attentionReason: [payment.attentionReason, note].filter(Boolean).join('\n'),
        lastStripeEventAt: eventAt.toISOString(),
      },
      depth: 0,
      overrideAccess: true,
      req,
    })
  })
  return syncPayment(payload, intentId, { eventAt })
}
