/**
 * Payments as Stripe reports them, turned into our records. Pure: no SDK, no database. The processors
 * always re-read the PaymentIntent and its refunds from Stripe and derive our state from that, so events
 * that arrive late, twice or out of order all lead to the same result.
 */
export const PAYMENT_STATUSES = [
  'requires_payment',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'refunded',
  'partially_refunded',
  'disputed',
] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

/** Money was captured: everything from here on is about giving it back, never about asking again. */
export const SETTLED_STATUSES: readonly PaymentStatus[] = ['succeeded', 'refunded', 'partially_refunded', 'disputed']
export const isSettled = (status: PaymentStatus | null | undefined): boolean => !!status && SETTLED_STATUSES.includes(status)

/** The parts of a Stripe PaymentIntent we look at. */
export type IntentState = {
  status: string
  last_payment_error?: { message?: string | null } | null
}

/** Our status for a PaymentIntent, before refunds and disputes are taken into account. */
export function statusOfIntent(intent: IntentState): PaymentStatus {
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded'
    case 'processing':
      return 'processing'
    case 'canceled':
      return 'canceled'
    case 'requires_payment_method':
      // Stripe returns a declined intent to requires_payment_method with the error attached.
      return intent.last_payment_error ? 'failed' : 'requires_payment'
    default:
      // requires_confirmation, requires_action, requires_capture: the guest is still paying.
      return 'requires_payment'
  }
}

/** The parts of a Stripe Refund we look at. Pending refunds count: Stripe has committed to them. */
export type RefundState = { amount: number; status: string | null }
export const countsAsRefunded = (refund: RefundState) => refund.status === 'succeeded' || refund.status === 'pending'
/** A refund that will not happen: it failed or was canceled at Stripe. */
export const isDeadRefund = (status: string | null | undefined) => status === 'failed' || status === 'canceled'
export const refundedTotal = (refunds: readonly RefundState[]) => refunds.filter(countsAsRefunded).reduce((sum, r) => sum + r.amount, 0)

/**
 * The payment's status from the intent, the refunds and whether a dispute was opened. `current` guards
 * the one direction that must never happen: a captured payment going back to unpaid.
 */
export function derivePaymentStatus(args: {
  current?: PaymentStatus | null
  intent: IntentState
  amount: number
  amountRefunded: number
  disputed: boolean
}): PaymentStatus {
  const base = statusOfIntent(args.intent)
  let next: PaymentStatus = base
  if (base === 'succeeded') {
    if (args.disputed) next = 'disputed'
    else if (args.amountRefunded >= args.amount && args.amount > 0) next = 'refunded'
    else if (args.amountRefunded > 0) next = 'partially_refunded'
  }
  if (isSettled(args.current) && !isSettled(next)) return args.current!
  return next
}

/** Whether Stripe's amount is ours: the same minor units of the same currency (Stripe writes currencies in lower case). */
export const sameMoney = (a: { amount: number; currency: string }, b: { amount: number; currency: string }): boolean =>
  a.amount === b.amount && a.currency.toUpperCase() === b.currency.toUpperCase()

/** Why we asked Stripe for a refund (stored with the refund and in its metadata). */
export type RefundKind = 'cancellation' | 'booking_unavailable'

/**
 * Names one booking for job ids and Stripe idempotency keys: its id and creation time. Ids alone are
 * reused when a database is restored from a backup or a demo is reset, while Redis (completed jobs are
 * kept a week) and Stripe (keys live 24 h) remember the old ones: a new booking 42 must never be taken
 * for the old one, whose refund or mail was already done, or whose intent was already paid.
 */
export const bookingRef = (booking: { id: number; createdAt: string }) => `${booking.id}-${Date.parse(booking.createdAt)}`

/**
 * Stripe idempotency keys. Each names one business action, so however often a request or job is
 * retried Stripe performs it once: one intent per booking and amount, one refund per cancellation.
 */
export const stripeKeys = {
  intent: (ref: string, amount: number, currency: string) => `staybase-booking-${ref}-intent-${amount}-${currency.toLowerCase()}`,
  // Stripe replays a saved 500 for the same key for 24 h: a retry after a failure uses a new key (the
  // refund job first looks for a refund already made for this booking and reason, so this is safe).
  // A refund that failed later at Stripe is asked for again under a key naming the failed one.
  refund: (ref: string, kind: RefundKind, attempt = 0, replaces?: string) =>
    `staybase-booking-${ref}-refund-${kind}${replaces ? `-after-${replaces}` : ''}${attempt ? `-retry-${attempt}` : ''}`,
}

/** The refund to ask for: what the booking is owed, never more than is left on the payment. */
export function refundToRequest(owed: number, paid: number, alreadyRefunded: number): number {
  return Math.max(0, Math.min(owed, paid - alreadyRefunded))
}

/**
 * What we keep of a Stripe event in the inbox: everything but card and personal details. Charges carry
 * `payment_method_details.card` (last4, expiry, fingerprint) and `billing_details`; a failed intent
 * carries the whole payment method; every intent its client secret. The processors need only ids.
 */
const REDACTED_OBJECTS = new Set([
  'payment_method_details',
  'billing_details',
  'payment_method',
  'source',
  'card',
  'shipping',
  'customer_details',
])
const REDACTED_VALUES = new Set(['client_secret', 'receipt_email', 'email', 'phone', 'name'])

export function redactStripeObject<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactStripeObject(v)) as T
  if (!value || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    if ((REDACTED_OBJECTS.has(key) && inner && typeof inner === 'object') || (REDACTED_VALUES.has(key) && typeof inner === 'string'))
      out[key] = '[redacted]'
    else out[key] = redactStripeObject(inner)
  }
  return out as T
}
