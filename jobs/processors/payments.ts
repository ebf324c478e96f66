import type { Job } from 'bullmq'
import type { Payload } from 'payload'
import type Stripe from 'stripe'

import { cancelOpenIntents, flagRefundFailure, refundBooking } from '@/services/payments/refunds'
import { recordDispute, syncPayment } from '@/services/payments/sync'
import { reconcile } from '@/services/reconciliation'
import { stripeId } from '@/services/stripe'
import { PAYMENTS_QUEUE, isJob, processorOf } from '@/jobs/registry'
import { metrics } from '@/lib/metrics'

class Retry extends Error {}

const INTENT_EVENTS = new Set([
  'payment_intent.succeeded',
  'payment_intent.processing',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
])
const REFUND_EVENTS = new Set(['charge.refunded', 'refund.created', 'refund.updated', 'refund.failed'])

/** What one event means for us. The event's object is only used to find the payment; the state comes from Stripe. */
async function handle(payload: Payload, event: Stripe.Event): Promise<'processed' | 'ignored'> {
  const eventAt = new Date(event.created * 1000)
  const object = event.data.object as unknown as Record<string, unknown>
  if (INTENT_EVENTS.has(event.type)) {
    const result = await syncPayment(payload, String(object.id), { eventAt })
    // Our payment row is written right after Stripe creates the intent; a very early event may beat it.
    if (!result) throw new Retry(`no payment here for ${String(object.id)} (yet)`)
    return 'processed'
  }
  if (REFUND_EVENTS.has(event.type)) {
    const intentId = stripeId(object.payment_intent)
    if (!intentId) return 'ignored'
    if (!(await syncPayment(payload, intentId, { eventAt }))) throw new Retry(`no payment here for ${intentId}`)
    return 'processed'
  }
  if (event.type === 'charge.dispute.created') {
    if (!(await recordDispute(payload, event.data.object as Stripe.Dispute, eventAt)))
      throw new Retry(`no payment here for the disputed charge`)
    return 'processed'
  }
  return 'ignored'
}

async function processStripeEvent(payload: Payload, eventId: string): Promise<string> {
  const stored = await storedEvent(payload, eventId)
  if (!stored) return 'not in the inbox'
  if (stored.status === 'processed' || stored.status === 'ignored') return `already ${stored.status}`
  let outcome: Awaited<ReturnType<typeof handle>>
  try {
    outcome = await handle(payload, stored.payload as unknown as Stripe.Event)
  } catch (error) {
    metrics().stripeEventsProcessed.inc({ type: stored.type, outcome: 'failed' })
    throw error
  }
  metrics().stripeEventsProcessed.inc({ type: stored.type, outcome })
  await payload.update({
    collection: 'stripe-events',
    id: stored.id,
    data: { status: outcome, processedAt: new Date().toISOString(), error: null },
    depth: 0,
    overrideAccess: true,
  })
  return `${stored.type}: ${outcome}`
}

async function storedEvent(payload: Payload, eventId: string) {
  const { docs } = await payload.find({
    collection: 'stripe-events',
    where: { eventId: { equals: eventId } },
    limit: 1,
    depth: 0,
    overrideAccess: true,
  })
  return docs[0]
}

/**
 * A payments job that will not be tried again (every attempt failed, or its worker died on it twice):
 * make it visible to staff where they look — the event in the inbox, the payment of the refund.
 */
export async function onPaymentsJobGaveUp(payload: Payload, job: Job, error: Error): Promise<void> {
  const message = error.message || String(error)
  if (isJob(PAYMENTS_QUEUE, job, 'stripe-event')) {
    const stored = await storedEvent(payload, job.data.eventId)
    if (stored && stored.status === 'pending') {
      await payload.update({
        collection: 'stripe-events',
        id: stored.id,
        data: { status: 'failed', processedAt: new Date().toISOString(), error: message },
        depth: 0,
        overrideAccess: true,
      })
    }
  } else if (isJob(PAYMENTS_QUEUE, job, 'refund')) {
    await flagRefundFailure(payload, job.data.bookingId, job.data.kind, error)
  }
}

export const processPaymentsJob = processorOf(PAYMENTS_QUEUE, {
  'stripe-event': (payload, job) => processStripeEvent(payload, job.data.eventId),
  refund: (payload, job) => refundBooking(payload, job.data.bookingId, job.data.kind, job.attemptsMade, job.data.replaces),
  'cancel-intents': async (payload, job) => `cancelled ${await cancelOpenIntents(payload, job.data.bookingId)} intent(s)`,
  reconcile: (payload, job) => reconcile(payload, { trigger: job.data.trigger, requestedBy: job.data.requestedBy }),
})
