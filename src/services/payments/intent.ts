import type { Payload } from 'payload'

import { parseId } from '@/domain/ids'
import { bookingRef, stripeKeys } from '@/domain/payments'
import { conflict } from '@/lib/errors'
import type { Booking } from '@/payload-types'
import { stripe, toStripeCurrency } from '@/services/stripe'
import { findPaymentByIntent } from './store'

/** Paying: the PaymentIntent a guest pays a booking with, and our payment record of it. */
export type IntentForClient = { clientSecret: string; paymentIntentId: string; amount: number; currency: string }

/**
 * The PaymentIntent the guest pays a booking with: the one already made for this booking and amount,
 * or a new one. No lock or transaction is held while Stripe answers (a slow Stripe must not tie up
 * database connections): the Stripe idempotency key from the booking id and amount makes parallel
 * requests, and a crash between Stripe's answer and our insert, end with one intent, and the unique
 * stripePaymentIntentId makes them end with one payment. (The SDK retries Stripe's 409 for a key that is
 * still in flight.)
 */
export async function paymentIntentFor(payload: Payload, booking: Booking): Promise<IntentForClient> {
  const amount = booking.quote?.total ?? 0
  const currency = booking.quote?.currency ?? 'EUR'
  const { docs } = await payload.find({
    collection: 'payments',
    where: {
      and: [
        { booking: { equals: booking.id } },
        { amount: { equals: amount } },
        { currency: { equals: currency } },
        { status: { not_equals: 'canceled' } },
      ],
    },
    depth: 0,
    limit: 1,
    sort: '-createdAt',
    overrideAccess: true,
  })
  const intent = docs[0]
    ? await stripe().paymentIntents.retrieve(docs[0].stripePaymentIntentId)
    : await stripe().paymentIntents.create(
        {
          amount,
          currency: toStripeCurrency(currency),
          automatic_payment_methods: { enabled: true },
          description: `Staybase booking ${booking.id}`,
          metadata: { bookingId: String(booking.id) },
        },
        { idempotencyKey: stripeKeys.intent(bookingRef(booking), amount, currency) },
      )
  if (intent.status === 'canceled') throw conflict('The payment for this booking was cancelled at Stripe; book again to pay.')
  if (!docs[0]) {
    try {
      await payload.create({
        collection: 'payments',
        data: {
          booking: booking.id,
          guest: parseId(booking.guest),
          host: parseId(booking.host),
          amount,
          currency,
          amountRefunded: 0,
          status: 'requires_payment',
          stripePaymentIntentId: intent.id,
        },
        overrideAccess: true,
      })
    } catch (error) {
      // A parallel request stored the same intent first.
      if (!(await findPaymentByIntent(payload, intent.id))) throw error
    }
  }
  return { clientSecret: intent.client_secret!, paymentIntentId: intent.id, amount, currency }
}

// --- Syncing from Stripe ------------------------------------------------------------------------------
