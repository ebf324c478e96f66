import type { Job } from 'bullmq'
import type { Payload } from 'payload'
import type Stripe from 'stripe'

import { cancelOpenIntents, flagRefundFailure, recordDispute, refundBooking, syncPayment } from '../../src/services/payments'
import { reconcile } from '../../src/services/reconciliation'
import { stripeId } from '../../src/services/stripe'
import type { PaymentsJobName, PaymentsJobs } from '../queues'

class Retry extends Error {}

const INTENT_EVENTS = new Set(['payment_intent.succeeded', 'payment_intent.processing', 'payment_intent.payment_failed', 'payment_intent.canceled'])
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
    if (!(await recordDispute(payload, event.data.object as Stripe.Dispute, eventAt))) throw new Retry(`no payment here for the disputed charge`)
    return 'processed'
  }
  return 'ignored'
}

async function processStripeEvent(payload: Payload, job: Job<PaymentsJobs['stripe-event']>): Promise<string> {
  const stored = await storedEvent(payload, job.data.eventId)
  if (!stored) return 'not in the inbox'
  if (stored.status === 'processed' || stored.status === 'ignored') return `already ${stored.status}`
  const outcome = await handle(payload, stored.payload as unknown as Stripe.Event)
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
  const { docs } = await payload.find({ collection: 'stripe-events', where: { eventId: { equals: eventId } }, limit: 1, depth: 0, overrideAccess: true })
  return docs[0]
}

/**
 * A payments job that will not be tried again (every attempt failed, or its worker died on it twice):
 * make it visible to staff where they look — the event in the inbox, the payment of the refund.
 */
export async function onPaymentsJobGaveUp(payload: Payload, job: Job, error: Error): Promise<void> {
  const message = error.message || String(error)
  if (job.name === 'stripe-event') {
    const stored = await storedEvent(payload, (job.data as PaymentsJobs['stripe-event']).eventId)
    if (stored && stored.status === 'pending') {
      await payload.update({ collection: 'stripe-events', id: stored.id, data: { status: 'failed', processedAt: new Date().toISOString(), error: message }, depth: 0, overrideAccess: true })
    }
  } else if (job.name === 'refund') {
    const { bookingId, kind } = job.data as PaymentsJobs['refund']
    await flagRefundFailure(payload, bookingId, kind, error)
  }
}

export async function processPaymentsJob(payload: Payload, job: Job): Promise<string> {
  switch (job.name as PaymentsJobName) {
    case 'stripe-event':
      return processStripeEvent(payload, job as Job<PaymentsJobs['stripe-event']>)
    case 'refund': {
      const { bookingId, kind, replaces } = job.data as PaymentsJobs['refund']
      return refundBooking(payload, bookingId, kind, job.attemptsMade, replaces)
    }
    case 'cancel-intents': {
      const { bookingId } = job.data as PaymentsJobs['cancel-intents']
      return `cancelled ${await cancelOpenIntents(payload, bookingId)} intent(s)`
    }
    case 'reconcile': {
      const { trigger, requestedBy } = job.data as PaymentsJobs['reconcile']
      return reconcile(payload, { trigger, requestedBy })
    }
    default:
      throw new Error(`unknown job ${String(job.name)}`)
  }
}
