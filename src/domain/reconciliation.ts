import { describeMoney } from './money'
import { type IntentState, type PaymentStatus, derivePaymentStatus, isSettled, sameMoney } from './payments'

/**
 * Reconciliation, the pure part: compare what Stripe says (PaymentIntents and refunds of a window)
 * with our payments, and decide what to fix and what a person must look at. The job fetches both
 * sides and carries out the plan.
 */
export const DISCREPANCY_KINDS = ['amount_mismatch', 'orphan_intent', 'unconfirmed_success', 'orphan_refund'] as const
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number]

export type StripeIntent = IntentState & { id: string; amount: number; currency: string; metadata?: Record<string, string> | null }
export type StripeRefund = { id: string; payment_intent: string | null; amount: number; currency: string; status: string | null }
export type LocalPayment = {
  id: number
  stripePaymentIntentId: string
  amount: number
  currency: string
  status: PaymentStatus
  amountRefunded: number
  refundIds: string[]
}

export type Discrepancy = { kind: DiscrepancyKind; stripeObjectId: string; paymentId?: number; details: string }
export type ReconciliationPlan = {
  checked: number
  /** Payments whose state differs from Stripe's: re-apply the webhook handling (idempotent). */
  sync: { paymentId: number; intentId: string; reason: string }[]
  discrepancies: Discrepancy[]
}

const money = describeMoney

export function planReconciliation(input: {
  /** Intents created in the window, plus those of local payments in the window fetched one by one. */
  intents: StripeIntent[]
  refunds: StripeRefund[]
  /** Local payments of the window, plus those the listed intents and refunds point at. */
  payments: LocalPayment[]
}): ReconciliationPlan {
  const byIntent = new Map(input.payments.map((p) => [p.stripePaymentIntentId, p]))
  const intents = new Map(input.intents.map((i) => [i.id, i]))
  const plan: ReconciliationPlan = { checked: 0, sync: [], discrepancies: [] }
  const syncing = new Set<number>()
  const sync = (payment: LocalPayment, intentId: string, reason: string) => {
    if (syncing.has(payment.id)) return
    syncing.add(payment.id)
    plan.sync.push({ paymentId: payment.id, intentId, reason })
  }

  for (const intent of intents.values()) {
    plan.checked++
    const payment = byIntent.get(intent.id)
    if (!payment) {
      const booking = intent.metadata?.bookingId ? ` (metadata says booking ${intent.metadata.bookingId})` : ''
      plan.discrepancies.push({
        kind: 'orphan_intent',
        stripeObjectId: intent.id,
        details: `Stripe has a ${intent.status} PaymentIntent of ${money(intent.amount, intent.currency)} with no payment here${booking}.`,
      })
      continue
    }
    if (!sameMoney(intent, payment)) {
      plan.discrepancies.push({
        kind: 'amount_mismatch',
        stripeObjectId: intent.id,
        paymentId: payment.id,
        details: `Stripe: ${money(intent.amount, intent.currency)}; our payment: ${money(payment.amount, payment.currency)}.`,
      })
      continue
    }
    const expected = derivePaymentStatus({
      current: payment.status,
      intent,
      amount: payment.amount,
      amountRefunded: payment.amountRefunded,
      disputed: payment.status === 'disputed',
    })
    if (isSettled(payment.status) && intent.status !== 'succeeded') {
      plan.discrepancies.push({
        kind: 'unconfirmed_success',
        stripeObjectId: intent.id,
        paymentId: payment.id,
        details: `Our payment is ${payment.status} but Stripe says the PaymentIntent is ${intent.status}.`,
      })
    } else if (expected !== payment.status) {
      sync(payment, intent.id, `${payment.status} here, ${intent.status} at Stripe`)
    }
  }

  // A settled local payment whose intent Stripe does not know at all.
  for (const payment of input.payments) {
    if (intents.has(payment.stripePaymentIntentId)) continue
    plan.checked++
    if (isSettled(payment.status)) {
      plan.discrepancies.push({
        kind: 'unconfirmed_success',
        stripeObjectId: payment.stripePaymentIntentId,
        paymentId: payment.id,
        details: `Our payment is ${payment.status} but Stripe has no such PaymentIntent.`,
      })
    }
  }

  for (const refund of input.refunds) {
    plan.checked++
    const payment = refund.payment_intent ? byIntent.get(refund.payment_intent) : undefined
    if (!payment) {
      plan.discrepancies.push({
        kind: 'orphan_refund',
        stripeObjectId: refund.id,
        details: `Stripe has a ${refund.status} refund of ${money(refund.amount, refund.currency)} for ${refund.payment_intent ?? 'no PaymentIntent'}, which has no payment here.`,
      })
    } else if (!payment.refundIds.includes(refund.id)) {
      sync(payment, payment.stripePaymentIntentId, `refund ${refund.id} missing here`)
    }
  }
  return plan
}
