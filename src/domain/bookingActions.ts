import { type BookingStatus, asBookingStatus, canTransition, checkTransition } from './bookingStatus'
import { sameId } from './ids'
import { type CancellationPolicy, refundDecision } from './refunds'
import { type Refusal, isRefusal, refusal } from './refusal'
import { type WithRoles, isStaffUser } from './roles'
import { utcDate } from './stayDates'

/**
 * What the people of a booking may do with it, and what follows: accept or decline a request, cancel
 * (and what that refunds), pay. Pure: the endpoints and jobs read the booking under its listing's lock
 * (applyTransition), ask these, and write the answer. Each returns the transition to make or a refusal.
 */

/** Who is acting on a booking: its guest, its listing's host, or staff (anyone else sees nothing). */
export type Party = 'guest' | 'host' | 'staff'

/** Who this user is to the booking; null for anyone else, who must learn nothing about it, not even that it exists. */
export function partyOf(
  user: ({ id: unknown } & WithRoles) | null | undefined,
  booking: { guest?: unknown; host?: unknown },
): Party | null {
  if (!user) return null
  if (sameId(booking.guest, user)) return 'guest'
  if (sameId(booking.host, user)) return 'host'
  return isStaffUser(user) ? 'staff' : null
}

/** The booking as these rules read it (Payload's Booking has these fields). */
export type BookingFacts = {
  status?: string | null
  checkIn: string
  checkOut: string
  createdAt: string
  holdExpiresAt?: string | null
  cancellationPolicy?: CancellationPolicy | null
  quote?: { total?: number | null; currency?: string | null } | null
}

/** A status change to make, the booking's fields that change with it, and a note for its history entry. */
export type Transition = { to: BookingStatus; data?: Record<string, unknown>; note?: string | null }

/** Whether the booking's hold (an unpaid booking's, or a request's answer time) has run out at `now`. A booking with no hold has none left. */
export const isHoldOver = (booking: { holdExpiresAt?: string | null }, now: Date): boolean =>
  !booking.holdExpiresAt || Date.parse(booking.holdExpiresAt) <= now.getTime()

const hostOnly = (party: Party, action: string): Refusal | null =>
  party === 'host' ? null : refusal('forbidden', `Only the listing's host can ${action} a booking request.`)

/** The host accepts a request: the dates are held for `holdMinutes` while the guest pays, like an instant booking. */
export function decideAccept(args: { booking: BookingFacts; party: Party; now: Date; holdMinutes: number }): Transition | Refusal {
  const notHost = hostOnly(args.party, 'accept')
  if (notHost) return notHost
  if (args.booking.status === 'requested' && args.booking.holdExpiresAt && isHoldOver(args.booking, args.now)) {
    return refusal('conflict', 'This request has expired; the guest can send a new one.')
  }
  return { to: 'awaiting_payment', data: { holdExpiresAt: new Date(args.now.getTime() + args.holdMinutes * 60_000).toISOString() } }
}

/** The host declines a request. */
export function decideDecline(args: { party: Party }): Transition | Refusal {
  return hostOnly(args.party, 'decline') ?? { to: 'declined' }
}

/** A cancellation worked out: its refund, and the rule that gives it in words. */
type Cancellation = { refundAmount: number; rule: string }

function cancellation(args: { booking: BookingFacts; party: Party; now: Date }): Cancellation | Refusal {
  const { booking, party, now } = args
  const today = utcDate(now)
  // Once the stay has begun the guest cannot cancel it away (nights already slept would be refunded).
  if (party === 'guest' && booking.checkIn <= today && booking.status === 'confirmed') {
    return refusal('conflict', 'The stay has started; contact your host or support to end it early.')
  }
  if (booking.checkOut <= today) return refusal('conflict', 'This stay is over and can no longer be cancelled.')
  if (booking.status !== 'confirmed') return { refundAmount: 0, rule: 'Nothing has been paid for this booking, so nothing is refunded.' }
  const { amount, rule } = refundDecision({
    policy: booking.cancellationPolicy ?? 'non_refundable',
    total: booking.quote?.total ?? 0,
    checkIn: booking.checkIn,
    bookedAt: new Date(booking.createdAt),
    cancelledAt: now,
    cancelledBy: party,
  })
  return { refundAmount: amount, rule }
}

/**
 * Cancel: the guest until the stay begins, the host or staff until check-out. The refund is the
 * booking's policy applied to what was paid: a booking not yet confirmed was not paid and refunds
 * nothing (money that arrives for it later is refunded in full, see refundOwed).
 */
export function decideCancel(args: { booking: BookingFacts; party: Party; now: Date; reason?: string | null }): Transition | Refusal {
  const result = cancellation(args)
  if (isRefusal(result)) return result
  return {
    to: 'cancelled',
    note: args.reason || null,
    data: {
      cancelledAt: args.now.toISOString(),
      cancelledBy: args.party,
      cancellationReason: args.reason || null,
      refundAmount: result.refundAmount,
    },
  }
}

export type CancellationPreview = { refundAmount: number; currency: string; policy: CancellationPolicy; rule: string }

/** What cancelling now would refund and why, asked before cancelling: the same rule decideCancel applies. */
export function previewCancel(args: { booking: BookingFacts; party: Party; now: Date }): CancellationPreview | Refusal {
  // In the cancel's own order: decideCancel's refusals first, then what applyTransition refuses.
  const result = cancellation(args)
  if (isRefusal(result)) return result
  const status = asBookingStatus(args.booking.status)
  if (!status) return refusal('conflict', 'This booking cannot be cancelled.', 'INVALID_TRANSITION')
  const allowed = checkTransition(status, 'cancelled')
  if (!allowed.ok) return refusal('conflict', allowed.message, 'INVALID_TRANSITION')
  return {
    refundAmount: result.refundAmount,
    currency: args.booking.quote?.currency ?? '',
    policy: args.booking.cancellationPolicy ?? 'non_refundable',
    rule: result.rule,
  }
}

/** Why the guest cannot pay this booking now, or null when they can. */
export function paymentRefusal(booking: BookingFacts, now: Date): Refusal | null {
  if (booking.status !== 'awaiting_payment') {
    return refusal(
      'conflict',
      booking.status === 'requested'
        ? 'The host has not accepted this request yet; you can pay once they do.'
        : `This booking is ${booking.status?.replace('_', ' ')} and cannot be paid.`,
    )
  }
  if (isHoldOver(booking, now)) return refusal('conflict', 'The hold on these dates has expired; book again to pay.')
  if (!booking.quote?.total || !booking.quote.currency) return refusal('conflict', 'This booking has no price to pay.')
  return null
}

/**
 * A hold's expiry job: expire the booking if it still waits (`waiting`) on the hold the job was made
 * for (`holdExpiresAt`; a newer hold has its own job) and that hold is over; `not-due` when this
 * clock is behind the job's; null when there is nothing to do.
 */
export function decideExpire(args: {
  booking: BookingFacts
  waiting: 'awaiting_payment' | 'requested'
  holdExpiresAt?: string
  now: Date
}): Transition | 'not-due' | null {
  const { booking } = args
  if (booking.status !== args.waiting || !booking.holdExpiresAt) return null
  if (args.holdExpiresAt && Date.parse(booking.holdExpiresAt) !== Date.parse(args.holdExpiresAt)) return null
  if (!isHoldOver(booking, args.now)) return 'not-due'
  return { to: 'expired', note: args.waiting === 'requested' ? 'The host did not answer in time.' : 'Not paid before the hold ran out.' }
}

/** The buttons a person sees on a booking: what the rules above would let them do now (they still decide). */
export function availableActions(
  party: Party | null,
  status: string | null | undefined,
): { accept: boolean; decline: boolean; cancel: boolean } {
  const known = asBookingStatus(status)
  const cancellable = !!known && canTransition(known, 'cancelled')
  return {
    accept: party === 'host' && status === 'requested',
    decline: party === 'host' && status === 'requested',
    cancel: party !== null && cancellable,
  }
}
