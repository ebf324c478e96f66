import type { PayloadRequest } from 'payload'

import * as contract from '@/contract/operations'
import type { BookingAnswer } from '@/contract/types'
import {
  type BookingFacts,
  type Party,
  type Transition,
  decideAccept,
  decideCancel,
  decideDecline,
  partyOf,
  previewCancel,
} from '@/domain/bookingActions'
import { type Refusal, isRefusal } from '@/domain/refusal'
import { isStaffUser } from '@/domain/roles'
import { env } from '@/lib/env'
import { notFound, refused, unauthorized } from '@/lib/errors'
import type { Booking } from '@/payload-types'
import { applyTransition } from '@/services/bookingLifecycle'
import { afterCancellation } from '@/services/payments/effects'
import { atDepth0, implement, restEndpoint } from './operation'

/**
 * POST /api/bookings/:id/accept | /decline (the listing's host, on a request) and /cancel {reason}
 * (the guest, the host or staff). Each parses its input, asks its rule (src/domain/bookingActions.ts)
 * through applyTransition — so two clicks cannot both succeed — and answers. GraphQL: `acceptBooking`,
 * `declineBooking`, `cancelBooking`.
 */
const signedIn = (req: PayloadRequest) => {
  if (!req.user) throw unauthorized('Sign in first.')
}

/** The booking after `decide` (the caller's rule, given who they are to it) was applied under its lock. */
async function transition(
  req: PayloadRequest,
  id: number,
  decide: (booking: BookingFacts, party: Party) => Transition | Refusal,
): Promise<Booking> {
  const doc = await applyTransition(req, id, (booking) => {
    // Someone who may not see the booking learns nothing about it, not even that it exists.
    const party = partyOf(req.user, booking)
    if (!party) throw notFound('Booking not found.')
    return decide(booking, party)
  })
  if (!doc) throw notFound('Booking not found.')
  return doc
}

/**
 * The booking as the caller may read it. applyTransition writes and reads it as the server; what only
 * staff read (who acted, in `history[].by`; when a cancellation was queued) is taken out for anyone else,
 * as Payload's read would (collections/Bookings.ts), without reading the booking again.
 */
function asReadBy(req: PayloadRequest, doc: Booking): Booking {
  if (isStaffUser(req.user)) return doc
  const { cancellationQueuedAt: _, ...rest } = doc
  return { ...rest, history: doc.history?.map(({ by: _by, ...entry }) => entry) }
}

const answer = (req: PayloadRequest, doc: Booking): BookingAnswer => ({
  message: `Booking ${doc.status?.replace('_', ' ')}.`,
  doc: atDepth0<BookingAnswer['doc']>(asReadBy(req, doc)),
})

export const acceptBookingOperation = implement({
  contract: contract.acceptBooking,
  guard: signedIn,
  notFoundMessage: 'Booking not found.',
  graphqlReturnsDoc: 'bookings',
  run: async (req, { id }) =>
    answer(
      req,
      await transition(req, id, (booking, party) =>
        decideAccept({ booking, party, now: new Date(), holdMinutes: env.BOOKING_HOLD_MINUTES }),
      ),
    ),
})

export const declineBookingOperation = implement({
  contract: contract.declineBooking,
  guard: signedIn,
  notFoundMessage: 'Booking not found.',
  graphqlReturnsDoc: 'bookings',
  run: async (req, { id }) => answer(req, await transition(req, id, (_, party) => decideDecline({ party }))),
})

export const cancelBookingOperation = implement({
  contract: contract.cancelBooking,
  guard: signedIn,
  notFoundMessage: 'Booking not found.',
  graphqlReturnsDoc: 'bookings',
  run: async (req, { id, reason }) => {
    const doc = await transition(req, id, (booking, party) => decideCancel({ booking, party, now: new Date(), reason }))
    // Committed: now the refund job and the mails. If Redis is down the cancellation still stands:
    // it is not marked as handed over (cancellationQueuedAt), and reconciliation hands it over later.
    await afterCancellation(req.payload, doc).catch((error: unknown) =>
      req.payload.logger.warn({ err: error, bookingId: doc.id, msg: 'could not queue the refund or mails of a cancellation' }),
    )
    return answer(req, doc)
  },
})

export const cancellationPreviewOperation = implement({
  contract: contract.cancellationPreview,
  guard: signedIn,
  notFoundMessage: 'Booking not found.',
  run: async (req, { id }) => {
    const booking = await req.payload.findByID({ collection: 'bookings', id, depth: 0, overrideAccess: true, disableErrors: true, req })
    const party = booking ? partyOf(req.user, booking) : null
    if (!booking || !party) throw notFound('Booking not found.')
    const preview = previewCancel({ booking, party, now: new Date() })
    if (isRefusal(preview)) throw refused(preview)
    return preview
  },
})

export const acceptBooking = restEndpoint(acceptBookingOperation, '/:id/accept')
export const declineBooking = restEndpoint(declineBookingOperation, '/:id/decline')
export const cancelBooking = restEndpoint(cancelBookingOperation, '/:id/cancel')
export const cancellationPreview = restEndpoint(cancellationPreviewOperation, '/:id/cancellation-preview')
