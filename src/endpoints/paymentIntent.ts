import * as contract from '../contract/operations'
import { HttpError, conflict, notFound, unauthorized } from '../lib/errors'
import { parseId } from '../lib/ids'
import { paymentIntentFor } from '../services/payments'
import { isStripeError, paymentsConfigured, stripeFailure } from '../services/stripe'
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
    if (!booking || parseId(booking.guest) !== Number(req.user!.id)) throw notFound('Booking not found.')
    if (booking.status !== 'awaiting_payment') {
      throw conflict(
        booking.status === 'requested'
          ? 'The host has not accepted this request yet; you can pay once they do.'
          : `This booking is ${booking.status?.replace('_', ' ')} and cannot be paid.`,
      )
    }
    if (!booking.holdExpiresAt || Date.parse(booking.holdExpiresAt) <= Date.now()) {
      throw conflict('The hold on these dates has expired; book again to pay.')
    }
    if (!booking.quote?.total || !booking.quote.currency) throw conflict('This booking has no price to pay.')
    if (!paymentsConfigured()) throw new HttpError(503, 'Payments are not configured on this server.')
    try {
      return await paymentIntentFor(req, booking)
    } catch (error) {
      throw isStripeError(error) ? stripeFailure(error) : error
    }
  },
})

export const createPaymentIntent = restEndpoint(createPaymentIntentOperation, '/:id/payment-intent')
