import { describeMoney } from './money'
import {
  type IntentState,
  type PaymentStatus,
  type RefundKind,
  derivePaymentStatus,
  isDeadRefund,
  isSettled,
  refundedTotal,
  sameMoney,
} from './payments'
import { type RefundOwedInput, refundOwed, withinRecovery } from './refunds'

/**
 * What one sync of a payment with Stripe does, decided from the facts alone: our payment as stored, the
 * PaymentIntent and its refunds as Stripe reports them now, and the booking as it is under its
 * listing's calendar lock. Pure; src/services/payments/sync.ts reads the facts, writes `patch`, confirms
 * the booking and queues the effects. Running the plan again on its own result plans nothing new.
 */

/** A refund as we keep it on the payment (Payload's `refunds` rows); `reason` is the RefundKind we asked with, or Stripe's reason. */
export type RefundRow = { stripeRefundId: string; amount: number; status: string | null; reason: string | null; createdAt: string }
/** A refund row as read back from the database (Payload types its optional columns as optional). */
export type StoredRefund = {
  stripeRefundId: string
  amount: number
  status?: string | null
  reason?: string | null
  createdAt?: string | null
}

/** The parts of a Stripe Refund the plan reads. `metadata.kind` is the RefundKind we asked with. */
export type StripeRefundFacts = {
  id: string
  amount: number
  status: string | null
  reason: string | null
  created: number
  metadata?: { kind?: string } | null
}

/** The parts of a Stripe PaymentIntent the plan reads (`currency` as Stripe writes it, lower case). */
export type IntentFacts = IntentState & { amount: number; currency: string; created: number; latest_charge?: string | null }

export type PaymentFacts = {
  status: PaymentStatus
  amount: number
  currency: string
  amountRefunded?: number | null
  createdAt: string
  refunds?: readonly StoredRefund[] | null
  disputed: boolean
  failureMessage?: string | null
  lastStripeEventAt?: string | null
  attentionReason?: string | null
}

export type BookingFacts = {
  status?: string | null
  confirmedAt?: string | null
  cancelledAt?: string | null
  refundAmount?: number | null
}

export type PaymentPatch = {
  status: PaymentStatus
  amountRefunded: number
  refunds: RefundRow[]
  failureMessage: string | null
  lastStripeEventAt?: string
  needsAttention?: true
  attentionReason?: string
}

export type BookingMail =
  | { kind: 'booking-confirmed'; recipient: 'guest' | 'host' }
  | { kind: 'payment-failed'; recipient: 'guest'; attempt: string; failureMessage: string | null }

export type PaymentSyncPlan = {
  /** What to write on the payment; null when nothing changed. */
  patch: PaymentPatch | null
  /** Whether the payment's record changed (status, refunds, attention), as the sync reports it. */
  changed: boolean
  status: PaymentStatus
  /** Confirm the booking: it was waiting for this money, and the money is what we asked for. */
  confirm: boolean
  /** Give all of it back: the money arrived for dates that are no longer the guest's. */
  refund: 'booking_unavailable' | null
  /** Refunds we asked for that Stripe could not make, to ask for again under a key naming the failed one. */
  retryRefunds: { kind: RefundKind; replaces: string }[]
  /** New lines for staff on the payment (already in `patch`). */
  attention: string[]
  mails: BookingMail[]
}

const REFUND_KINDS: readonly string[] = ['cancellation', 'booking_unavailable'] satisfies RefundKind[]
/** Confirmation mails are queued again by any sync within a day of confirming (their job ids make it once). */
const RESEND_CONFIRMATION_MS = 24 * 3600_000

export const fromStripeRefund = (refund: StripeRefundFacts): RefundRow => ({
  stripeRefundId: refund.id,
  amount: refund.amount,
  status: refund.status ?? null,
  reason: refund.metadata?.kind ?? refund.reason ?? null,
  createdAt: new Date(refund.created * 1000).toISOString(),
})

/** Our copy of the refunds with Stripe's laid over it (Stripe's are the truth), oldest first. */
export function mergeRefunds(recorded: PaymentFacts['refunds'], atStripe: readonly StripeRefundFacts[]): RefundRow[] {
  const rows = new Map<string, RefundRow>(
    (recorded ?? []).map((r) => [
      r.stripeRefundId,
      {
        stripeRefundId: r.stripeRefundId,
        amount: r.amount,
        status: r.status ?? null,
        reason: r.reason ?? null,
        createdAt: r.createdAt ?? '',
      },
    ]),
  )
  for (const refund of atStripe) rows.set(refund.id, fromStripeRefund(refund))
  return [...rows.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt))
}

/** refundOwed's view of refund rows: ours, or Stripe's through fromStripeRefund. */
export const owedRefunds = (rows: readonly StoredRefund[] | null | undefined): RefundOwedInput['refunds'] =>
  (rows ?? []).map((r) => ({
    id: r.stripeRefundId,
    amount: r.amount,
    status: r.status ?? null,
    kind: r.reason ?? null,
    createdAt: Date.parse(r.createdAt ?? '') || 0,
  }))

export function planPaymentSync(args: {
  payment: PaymentFacts
  intent: IntentFacts
  stripeRefunds: readonly StripeRefundFacts[]
  booking: BookingFacts
  at: Date
  /** When Stripe emitted the event that led here (for lastStripeEventAt). */
  eventAt?: Date
  /** REFUND_RECOVERY_DAYS. */
  recoveryDays: number
}): PaymentSyncPlan {
  const { payment, intent, booking, at, eventAt } = args
  const refunds = mergeRefunds(payment.refunds, args.stripeRefunds)
  const amountRefunded = refundedTotal(refunds)
  const matches = sameMoney(intent, payment)
  const status = derivePaymentStatus({
    current: payment.status,
    intent,
    amount: payment.amount,
    amountRefunded,
    disputed: payment.disputed,
  })
  const attention: string[] = []
  if (!matches) {
    attention.push(
      `Stripe's PaymentIntent is ${describeMoney(intent.amount, intent.currency)}, not ${describeMoney(payment.amount, payment.currency)}: the booking was not confirmed.`,
    )
  }

  // The booking as read under its listing's lock: a hold expiring or a guest cancelling at the moment
  // the money arrives is either before this (→ full refund) or after it (→ a confirmed booking).
  let confirm = false
  let refund: PaymentSyncPlan['refund'] = null
  if (status === 'succeeded' && matches) {
    if (booking.status === 'awaiting_payment') confirm = true
    else {
      const owed = refundOwed({ booking, payment, refunds: owedRefunds(refunds), now: at, recoveryDays: args.recoveryDays })
      if (owed.owed && owed.kind === 'booking_unavailable') {
        // Paid after the hold ran out or the booking was cancelled: the dates may be someone else's now.
        refund = 'booking_unavailable'
        attention.push(`Paid after the booking was ${booking.status}; the full amount is being refunded automatically.`)
      } else if (owed.kind === 'booking_unavailable' && !withinRecovery(payment.createdAt, at, args.recoveryDays)) {
        // Too old for an automatic refund: staff decide, so they must see it.
        attention.push(
          `Paid after the booking was ${booking.status}, for a payment started more than ${args.recoveryDays} days ago: not refunded automatically; refund it in Stripe if it is owed.`,
        )
      }
    }
  }

  // A refund we asked for that Stripe could not carry out (a closed card…): staff must know, and the
  // money is asked for again under a new key.
  const retryRefunds: PaymentSyncPlan['retryRefunds'] = []
  const before = new Map((payment.refunds ?? []).map((r) => [r.stripeRefundId, r.status ?? null]))
  for (const row of refunds) {
    if (!REFUND_KINDS.includes(row.reason ?? '') || !isDeadRefund(row.status) || isDeadRefund(before.get(row.stripeRefundId))) continue
    const kind = row.reason as RefundKind
    attention.push(
      `Refund ${row.stripeRefundId} (${kind}, ${describeMoney(row.amount, payment.currency)}) ${row.status} at Stripe; asking again.`,
    )
    retryRefunds.push({ kind, replaces: row.stripeRefundId })
  }

  const failureMessage =
    status === 'failed' ? (intent.last_payment_error?.message ?? 'The payment failed.') : (payment.failureMessage ?? null)
  const newAttention = attention.filter((a) => !(payment.attentionReason ?? '').includes(a))
  const changed =
    status !== payment.status ||
    amountRefunded !== (payment.amountRefunded ?? 0) ||
    refunds.length !== (payment.refunds ?? []).length ||
    refunds.some((r, i) => r.status !== (payment.refunds?.[i]?.status ?? null)) ||
    newAttention.length > 0
  const newerEvent = eventAt && (!payment.lastStripeEventAt || Date.parse(payment.lastStripeEventAt) < eventAt.getTime())
  let patch: PaymentPatch | null = null
  if (changed || newerEvent) {
    patch = { status, amountRefunded, refunds, failureMessage }
    if (newerEvent) patch.lastStripeEventAt = eventAt.toISOString()
    if (newAttention.length > 0) {
      patch.needsAttention = true
      patch.attentionReason = [payment.attentionReason, ...newAttention].filter(Boolean).join('\n')
    }
  }

  const mails: BookingMail[] = []
  // A run that confirmed the booking but died before queuing its mails is repeated (by the job or by
  // reconciliation): within a day of confirming, queue them again; their job ids send each once.
  const recentlyConfirmed =
    booking.status === 'confirmed' && isSettled(status) && at.getTime() - Date.parse(booking.confirmedAt ?? '') < RESEND_CONFIRMATION_MS
  if (confirm || recentlyConfirmed)
    mails.push({ kind: 'booking-confirmed', recipient: 'guest' }, { kind: 'booking-confirmed', recipient: 'host' })
  // One mail per failed attempt, named by Stripe's failed charge (or, without one, by the event).
  const failedCharge = intent.latest_charge ?? null
  if (status === 'failed' && (failedCharge || payment.status !== 'failed')) {
    const attempt = failedCharge ?? String(eventAt?.getTime() ?? intent.created)
    mails.push({ kind: 'payment-failed', recipient: 'guest', attempt, failureMessage })
  }

  return { patch, changed, status, confirm, refund, retryRefunds, attention: newAttention, mails }
}
