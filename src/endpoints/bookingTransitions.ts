import type { PayloadRequest } from 'payload'

import type { Booking } from '../payload-types'
import * as contract from '../contract/operations'
import type { BookingAnswer } from '../contract/types'
import type { BookingStatus } from '../domain/bookingStatus'
import { type CancelledBy, refundAmount } from '../domain/refunds'
import { isStaffUser } from '../domain/roles'
import { utcDate } from '../domain/stayDates'
import { env } from '../lib/env'
import { conflict, forbidden, notFound, unauthorized } from '../lib/errors'
import { parseId } from '../lib/ids'
import { toStayDate } from '../lib/stayDateField'
import { applyTransition } from '../services/bookingLifecycle'
import { afterCancellation } from '../services/payments'
import { atDepth0, implement, restEndpoint } from './operation'

/**
 * POST /api/bookings/:id/accept | /decline (the listing's host, on a request) and /cancel {reason}
 * (the guest, the host or staff), through applyTransition, so two clicks cannot both succeed. GraphQL:
 * `acceptBooking`, `declineBooking`, `cancelBooking`.
 */
type Party = 'guest' | 'host' | 'staff' | null

function partyOf(req: PayloadRequest, booking: Booking): Party {
  if (!req.user) return null
  if (parseId(booking.guest) === Number(req.user.id)) return 'guest'
  if (parseId(booking.host) === Number(req.user.id)) return 'host'
  return isStaffUser(req.user) ? 'staff' : null
}

const signedIn = (req: PayloadRequest) => {
  if (!req.user) throw unauthorized('Sign in first.')
}

async function transition(
  req: PayloadRequest,
  id: number,
  decide: (booking: Booking, party: Exclude<Party, null>) => { to: BookingStatus; data?: Partial<Booking> },
): Promise<BookingAnswer> {
  const doc = await applyTransition(req, id, (booking) => {
    // Someone who may not see the booking learns nothing about it, not even that it exists.
    const party = partyOf(req, booking)
    if (!party) throw notFound('Booking not found.')
    return decide(booking, party)
  })
  if (!doc) throw notFound('Booking not found.')
  return { message: `Booking ${doc.status?.replace('_', ' ')}.`, doc: atDepth0<BookingAnswer['doc']>(doc) }
}

const onlyHost = (party: Party, action: string) => {
  if (party !== 'host') throw forbidden(`Only the listing's host can ${action} a booking request.`)
}

export const acceptBookingOperation = implement({
  contract: contract.acceptBooking,
  guard: signedIn,
  notFoundMessage: 'Booking not found.',
  graphqlReturnsDoc: 'bookings',
  run: (req, { id }) =>
    transition(req, id, (booking, party) => {
      onlyHost(party, 'accept')
      if (booking.status === 'requested' && booking.holdExpiresAt && Date.parse(booking.holdExpiresAt) <= Date.now()) {
        throw conflict('This request has expired; the guest can send a new one.')
      }
      // Accepted requests hold the dates while the guest pays, like instant bookings.
      return { to: 'awaiting_payment', data: { holdExpiresAt: new Date(Date.now() + env.BOOKING_HOLD_MINUTES * 60_000).toISOString() } }
    }),
})

export const declineBookingOperation = implement({
  contract: contract.declineBooking,
  guard: signedIn,
  notFoundMessage: 'Booking not found.',
  graphqlReturnsDoc: 'bookings',
  run: (req, { id }) =>
    transition(req, id, (_, party) => {
      onlyHost(party, 'decline')
      return { to: 'declined' }
    }),
})

export const cancelBookingOperation = implement({
  contract: contract.cancelBooking,
  guard: signedIn,
  notFoundMessage: 'Booking not found.',
  graphqlReturnsDoc: 'bookings',
  run: async (req, { id, reason }) => {
    const answer = await transition(req, id, (booking, party) => {
      const cancelledAt = new Date()
      const checkIn = toStayDate(booking.checkIn)!
      const today = utcDate(cancelledAt)
      // Once the stay has begun the guest cannot cancel it away (nights already slept would be
      // refunded); the host or staff still can, until check-out.
      if (party === 'guest' && checkIn <= today && booking.status === 'confirmed') {
        throw conflict('The stay has started; contact your host or support to end it early.')
      }
      if (toStayDate(booking.checkOut)! <= today) throw conflict('This stay is over and can no longer be cancelled.')
      // Only money that was paid comes back: unpaid holds and requests refund nothing.
      const { amount: policyAmount } = refundAmount({
        policy: booking.cancellationPolicy ?? 'non_refundable',
        total: booking.quote?.total ?? 0,
        checkIn,
        bookedAt: new Date(booking.createdAt),
        cancelledAt,
        cancelledBy: party as CancelledBy,
      })
      const amount = booking.status === 'confirmed' ? policyAmount : 0
      return {
        to: 'cancelled',
        data: { cancelledAt: cancelledAt.toISOString(), cancelledBy: party, cancellationReason: reason || null, refundAmount: amount },
      }
    })
    // Committed: now the refund job and the mails. If Redis is down the cancellation still stands:
    // it is not marked as handed over (cancellationQueuedAt), and reconciliation hands it over later.
    const doc = answer.doc as unknown as Booking
    await afterCancellation(req.payload, doc).catch((error: unknown) =>
      req.payload.logger.warn({ err: error, bookingId: doc.id, msg: 'could not queue the refund or mails of a cancellation' }),
    )
    return answer
  },
})

export const acceptBooking = restEndpoint(acceptBookingOperation, '/:id/accept')
export const declineBooking = restEndpoint(declineBookingOperation, '/:id/decline')
export const cancelBooking = restEndpoint(cancelBookingOperation, '/:id/cancel')
