import * as contract from '@/contract/operations'
import { partyOf, paymentRefusal } from '@/domain/bookingActions'
import { HttpError, notFound, refused, unauthorized } from '@/lib/errors'
import { paymentIntentFor } from '@/services/payments/intent'
import { isStripeError, paymentsConfigured, stripeFailure } from '@/services/stripe'
import { implement, restEndpoint } from './operation'

/**
 * POST /api/bookings/:id/payment-intent (GraphQL `createPaymentIntent`) — the booking's guest gets the
 * PaymentIntent to pay it with: {clientSecret, paymentIntentId, amount, currency}, the amount being the
 * server's quote. Calling it again returns the same intent. Anyone else learns nothing (404); a booking
 * that is not waiting for payment, or whose hold ran out, gets 409.
 */
export const createPaymentIntentOperation = implement({
  contract: contract.createPaymentIntent,
  guard: (req) => {
    if (!req.user) throw unauthorized('Sign in to pay for a booking.')
  },
  notFoundMessage: 'Booking not found.',
  run: async (req, { id }) => {
    const booking = await req.payload.findByID({ collection: 'bookings', id, depth: 0, overrideAccess: true, disableErrors: true, req })
    if (!booking || partyOf(req.user, booking) !== 'guest') throw notFound('Booking not found.')
    const refusal = paymentRefusal(booking, new Date())
    if (refusal) throw refused(refusal)
    if (!paymentsConfigured()) throw new HttpError(503, 'Payments are not configured on this server.')
    try {
      return await paymentIntentFor(req.payload, booking)
    } catch (error) {
      throw isStripeError(error) ? stripeFailure(error) : error
    }
  },
})

export const createPaymentIntent = restEndpoint(createPaymentIntentOperation, '/:id/payment-intent')
