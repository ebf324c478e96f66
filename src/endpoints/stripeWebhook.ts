import type { Endpoint, PayloadRequest } from 'payload'
import type Stripe from 'stripe'

import { PAYMENTS_QUEUE, paymentJobIds } from '@/jobs/registry'
import { redactStripeObject } from '@/domain/payments'
import { env } from '@/lib/env'
import { HttpError, badRequest } from '@/lib/errors'
import { metrics } from '@/lib/metrics'
import { enqueue } from '@/services/queue'
import { paymentsConfigured, stripe } from '@/services/stripe'

/**
 * POST /api/stripe/webhook — Stripe's deliveries. The signature is checked on the raw body (the SDK's
 * constructEvent, 300 s tolerance); a bad, missing or stale one gets 400 and nothing is stored. A good
 * event goes into the `stripe-events` inbox (unique eventId; card and personal details redacted) and its processing is queued with the event
 * id as job id; the answer is 200 at once. A redelivered event is acknowledged and not processed again.
 * If the queue cannot be reached we answer 503 so Stripe delivers again (reconciliation re-queues too).
 * Refusals are thrown as HttpErrors: answered and logged in the API's one error shape.
 */
const unavailable = (message: string) => new HttpError(503, message, { code: 'SERVICE_UNAVAILABLE' })

async function store(req: PayloadRequest, event: Stripe.Event): Promise<{ status: string; duplicate: boolean }> {
  const find = async () =>
    (
      await req.payload.find({
        collection: 'stripe-events',
        where: { eventId: { equals: event.id } },
        limit: 1,
        depth: 0,
        overrideAccess: true,
        select: { status: true },
      })
    ).docs[0]
  const existing = await find()
  if (existing) return { status: existing.status, duplicate: true }
  try {
    await req.payload.create({
      collection: 'stripe-events',
      data: {
        eventId: event.id,
        type: event.type,
        payload: redactStripeObject(event) as unknown as Record<string, unknown>,
        receivedAt: new Date().toISOString(),
        status: 'pending',
      },
      overrideAccess: true,
      depth: 0,
    })
    return { status: 'pending', duplicate: false }
  } catch (error) {
    // The same event delivered twice at once: the unique eventId lets one insert win.
    const winner = await find()
    if (winner) return { status: winner.status, duplicate: true }
    throw error
  }
}

export const stripeWebhook: Endpoint = {
  path: '/stripe/webhook',
  method: 'post',
  handler: async (req) => {
    if (!paymentsConfigured() || !env.STRIPE_WEBHOOK_SECRET) throw unavailable('Stripe webhooks are not configured on this server.')
    const signature = req.headers.get('stripe-signature')
    if (!signature) throw badRequest('Missing Stripe-Signature header.')
    const raw = req.text ? await req.text() : ''
    let event: Stripe.Event
    try {
      event = stripe().webhooks.constructEvent(raw, signature, env.STRIPE_WEBHOOK_SECRET)
    } catch (error) {
      metrics().webhooksReceived.inc({ type: 'unverified', outcome: 'invalid_signature' })
      throw badRequest(`Webhook signature verification failed: ${error instanceof Error ? error.message : 'invalid signature'}`)
    }
    if (typeof event?.id !== 'string' || typeof event.type !== 'string') throw badRequest('Not a Stripe event.')

    const stored = await store(req, event)
    // The type is Stripe's (the signature is checked): a bounded set of names, fit for a label.
    const counted = (outcome: string) => metrics().webhooksReceived.inc({ type: event.type, outcome })
    if (stored.status === 'pending') {
      try {
        await enqueue(PAYMENTS_QUEUE, 'stripe-event', { eventId: event.id }, { jobId: paymentJobIds.stripeEvent(event.id), attempts: 8 })
      } catch (error) {
        counted('not_queued')
        req.payload.logger.warn({ err: error, eventId: event.id, msg: 'stored a Stripe event but could not queue it' })
        throw unavailable('Stored, but could not be queued; deliver again.')
      }
    }
    counted(stored.duplicate ? 'duplicate' : 'stored')
    return Response.json({ received: true, duplicate: stored.duplicate })
  },
}
