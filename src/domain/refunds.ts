import { type RefundKind, isDeadRefund, refundToRequest } from './payments'
import { dayNumber, utcDate } from './stayDates'

/**
 * How much of the total goes back when a booking is cancelled. The policy is the one snapshotted on the
 * booking when it was made. d = whole days from the cancellation date (UTC) to checkIn.
 *
 * | policy          | refund                                       |
 * |-----------------|----------------------------------------------|
 * | flexible        | d ≥ 1 → 100 %, else 0 %                      |
 * | moderate        | d ≥ 5 → 100 %, else 50 %                     |
 * | strict          | d ≥ 14 → 100 %, 7 ≤ d < 14 → 50 %, else 0 %  |
 * | non_refundable  | 0 %                                          |
 * Any policy: cancelled within 24 h of booking and d ≥ 7 → 100 %; cancelled by host or staff → 100 %.
 * Percentages apply to the total and round down to the minor unit.
 */
export type CancellationPolicy = 'flexible' | 'moderate' | 'strict' | 'non_refundable'
export type CancelledBy = 'guest' | 'host' | 'staff'

const HOUR = 3_600_000

export function refundPercent(policy: CancellationPolicy, daysBefore: number): number {
  switch (policy) {
    case 'flexible':
      return daysBefore >= 1 ? 100 : 0
    case 'moderate':
      return daysBefore >= 5 ? 100 : 50
    case 'strict':
      return daysBefore >= 14 ? 100 : daysBefore >= 7 ? 50 : 0
    case 'non_refundable':
      return 0
  }
}

export type RefundArgs = {
  policy: CancellationPolicy
  total: number
  checkIn: string
  bookedAt: Date
  cancelledAt: Date
  cancelledBy: CancelledBy
}

export function refundAmount(args: RefundArgs): { amount: number; percent: number; daysBefore: number } {
  const { amount, percent, daysBefore } = refundDecision(args)
  return { amount, percent, daysBefore }
}

const days = (n: number) => `${n} day${Math.abs(n) === 1 ? '' : 's'}`

/** refundAmount with the line of the table that decided it, in words (what a cancellation preview shows). */
export function refundDecision(args: RefundArgs): { amount: number; percent: number; daysBefore: number; rule: string } {
  const daysBefore = dayNumber(args.checkIn)! - dayNumber(utcDate(args.cancelledAt))!
  const amountOf = (percent: number) => Math.floor((args.total * percent) / 100)
  if (args.cancelledBy !== 'guest') {
    const rule = `Cancelled by ${args.cancelledBy === 'host' ? 'the host' : 'staff'}: the guest gets everything back.`
    return { amount: amountOf(100), percent: 100, daysBefore, rule }
  }
  if (args.cancelledAt.getTime() - args.bookedAt.getTime() <= 24 * HOUR && daysBefore >= 7) {
    const rule = `Cancelled within 24 hours of booking and ${days(daysBefore)} before check-in: everything back.`
    return { amount: amountOf(100), percent: 100, daysBefore, rule }
  }
  const percent = refundPercent(args.policy, daysBefore)
  const when = daysBefore >= 0 ? `${days(daysBefore)} before check-in` : `${days(-daysBefore)} after check-in`
  const policy = `${args.policy.charAt(0).toUpperCase()}${args.policy.slice(1).replace('_', '-')} policy`
  return { amount: amountOf(percent), percent, daysBefore, rule: `${policy}, ${when}: ${percent} % back.` }
}

// --- What is still owed -------------------------------------------------------------------------------

/** A booking whose dates are no longer the guest's and that was never paid for: money for it goes back. */
export const isUnavailable = (booking: { status?: string | null; confirmedAt?: string | null }) =>
  !booking.confirmedAt && ['expired', 'cancelled', 'declined'].includes(booking.status ?? '')

const DAY = 24 * HOUR

/** Whether `since` (a cancellation, a payment) is recent enough to be refunded automatically. */
export function withinRecovery(since: string | null | undefined, now: Date, recoveryDays: number): boolean {
  const sinceMs = since ? Date.parse(since) : Number.NaN
  return !Number.isNaN(sinceMs) && now.getTime() - sinceMs <= recoveryDays * DAY
}

export type RefundOwedInput = {
  booking: { status?: string | null; confirmedAt?: string | null; cancelledAt?: string | null; refundAmount?: number | null }
  /** The payment that captured the booking's money; null when nothing was paid. */
  payment: { amount: number; createdAt: string } | null
  /** The payment's refunds (Stripe's, or our copy of them); `kind` is the RefundKind we asked with. */
  refunds: readonly { id: string; amount: number; status: string | null; kind: string | null; createdAt: number }[]
  now: Date
  /** REFUND_RECOVERY_DAYS: older cancellations are not refunded automatically any more. */
  recoveryDays: number
}

export type RefundOwed =
  | { owed: true; kind: RefundKind; amount: number; replaces?: string }
  | { owed: false; kind: RefundKind | null; reason: string }

/**
 * The refund a booking is still owed, derived from the booking and what Stripe refunded — the one rule
 * behind the cancel path, the refund job and reconciliation, so a refund lost on the way (Redis down
 * during the cancel, a job that gave up) is found again however long ago the booking was paid.
 *
 * - `cancellation`: a paid (confirmed) booking cancelled within the last `recoveryDays`, whose
 *   `refundAmount` is more than the live refunds made for the cancellation.
 * - `booking_unavailable`: money captured for a booking that was never confirmed (paid after its hold
 *   ran out or it was cancelled), within `recoveryDays` of the payment: all of it goes back.
 *
 * Refunds that failed or were canceled at Stripe do not count (the new one is named after the latest of
 * them); pending ones do. Never more than is left on the payment.
 */
export function refundOwed({ booking, payment, refunds, now, recoveryDays }: RefundOwedInput): RefundOwed {
  if (!payment) return { owed: false, kind: null, reason: 'nothing was paid' }
  let kind: RefundKind
  let due: number
  let since: string | null | undefined
  if (booking.status === 'cancelled' && booking.confirmedAt) {
    kind = 'cancellation'
    due = booking.refundAmount ?? 0
    since = booking.cancelledAt
  } else if (isUnavailable(booking)) {
    kind = 'booking_unavailable'
    due = payment.amount
    since = payment.createdAt
  } else {
    return { owed: false, kind: null, reason: `a ${booking.status ?? 'new'} booking is owed nothing` }
  }
  if (due <= 0) return { owed: false, kind, reason: 'the cancellation refunds nothing' }
  if (!withinRecovery(since, now, recoveryDays)) {
    return { owed: false, kind, reason: `more than ${recoveryDays} days ago: too old to refund automatically` }
  }
  const live = refunds.filter((r) => !isDeadRefund(r.status))
  const given = live.filter((r) => r.kind === kind).reduce((sum, r) => sum + r.amount, 0)
  const amount = refundToRequest(
    due - given,
    payment.amount,
    live.reduce((sum, r) => sum + r.amount, 0),
  )
  if (amount === 0) return { owed: false, kind, reason: given > 0 ? 'already refunded' : 'nothing is left on the payment' }
  const dead = refunds.filter((r) => r.kind === kind && isDeadRefund(r.status))
  const replaces = dead.reduce<(typeof dead)[number] | undefined>(
    (latest, r) => (!latest || r.createdAt >= latest.createdAt ? r : latest),
    undefined,
  )?.id
  return { owed: true, kind, amount, ...(replaces ? { replaces } : {}) }
}
