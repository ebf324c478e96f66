import { sql } from '@payloadcms/db-postgres/drizzle'
import type { Payload } from 'payload'
import type Stripe from 'stripe'

import { PAYMENTS_QUEUE, paymentJobIds } from '@/jobs/registry'
import type { PaymentStatus } from '@/domain/payments'
import { type LocalPayment, type StripeIntent, planReconciliation } from '@/domain/reconciliation'
import { env } from '@/lib/env'
import { metrics } from '@/lib/metrics'
import { nextKey } from '@/lib/keyset'
import { handOverCancellations, requeueMissingRefunds } from './payments/refunds'
import { syncPayment } from './payments/sync'
import { enqueue } from './queue'
import { sqlExecutor } from './sqlExecutor'
import { listAll, stripe, stripeId } from './stripe'

/** Rows per statement when reading the window's payments. */
const WINDOW_PAGE = 1000

/** A payment as reconciliation compares it, with its refunds' Stripe ids in order, for `FROM … p`. */
const LOCAL_PAYMENT = sql`p.id, p.stripe_payment_intent_id, p.amount, p.currency, p.status, p.amount_refunded,
  (SELECT coalesce(json_agg(r.stripe_refund_id ORDER BY r._order), '[]'::json) FROM payments_refunds r WHERE r._parent_id = p.id) AS refund_ids`

const toLocal = (r: Record<string, unknown>): LocalPayment => ({
  id: Number(r.id),
  stripePaymentIntentId: String(r.stripe_payment_intent_id),
  amount: Number(r.amount),
  currency: String(r.currency),
  status: r.status as PaymentStatus,
  amountRefunded: Number(r.amount_refunded ?? 0),
  refundIds: r.refund_ids as string[],
})

/**
 * Our payments created since `since`, and older ones of the intents Stripe listed. A busy window holds
 * tens of thousands (one statement for all of them took 341 ms at 2M bookings): read in keyset pages of
 * WINDOW_PAGE from the `created_at` index, and the older ones by intent id (unique index) in chunks.
 */
async function windowPayments(payload: Payload, since: string, stripeIds: string[]): Promise<LocalPayment[]> {
  const db = await sqlExecutor(payload)
  const found: LocalPayment[] = []
  let after: { at: string; id: number } | null = null
  for (;;) {
    const { rows } = await db.execute(sql`
      SELECT ${LOCAL_PAYMENT}, p.created_at::text AS at FROM payments p
      WHERE p.created_at >= ${since}${after ? sql` AND (p.created_at, p.id) > (${after.at}::timestamptz, ${after.id})` : sql``}
      ORDER BY p.created_at, p.id LIMIT ${WINDOW_PAGE}`)
    if (rows.length === 0) break
    after = nextKey('reconciliation', after, rows[rows.length - 1]!)
    found.push(...rows.map(toLocal))
  }
  for (let at = 0; at < stripeIds.length; at += WINDOW_PAGE) {
    const ids = stripeIds.slice(at, at + WINDOW_PAGE)
    const { rows } = await db.execute(
      sql`SELECT ${LOCAL_PAYMENT} FROM payments p WHERE p.stripe_payment_intent_id IN ${ids} AND p.created_at < ${since}`,
    )
    found.push(...rows.map(toLocal))
  }
  return found
}

const isMissing = (error: unknown) => (error as { code?: string })?.code === 'resource_missing'

/** Events that were stored but whose job is gone (Redis lost it, or enqueuing failed): queue them again. */
async function requeueStaleEvents(payload: Payload): Promise<number> {
  const before = new Date(Date.now() - 2 * 60_000).toISOString()
  const { docs } = await payload.find({
    collection: 'stripe-events',
    where: { and: [{ status: { equals: 'pending' } }, { receivedAt: { less_than: before } }] },
    depth: 0,
    limit: 500,
    // Oldest first from the partial index of pending events (stripe_events_pending_received_at_idx); no count.
    sort: 'receivedAt',
    pagination: false,
    select: { eventId: true },
    overrideAccess: true,
  })
  for (const event of docs) {
    await enqueue(
      PAYMENTS_QUEUE,
      'stripe-event',
      { eventId: event.eventId },
      { jobId: paymentJobIds.stripeEvent(event.eventId), attempts: 8, revive: true },
    )
  }
  return docs.length
}

/** A run whose worker died leaves its report "running": after an hour it is marked failed. */
async function closeInterruptedReports(payload: Payload): Promise<void> {
  await payload.update({
    collection: 'reconciliation-reports',
    where: { and: [{ status: { equals: 'running' } }, { startedAt: { less_than: new Date(Date.now() - 3600_000).toISOString() } }] },
    data: { status: 'failed', error: 'Interrupted: the worker running it stopped.' },
    depth: 0,
    overrideAccess: true,
  })
}

/**
 * One reconciliation run (the repeatable `reconcile` job, or staff's "Run now"): fetch Stripe's
 * PaymentIntents and refunds created in the window and our payments of the same window, let
 * planReconciliation compare them, re-apply the webhook handling where a webhook was missed (the same
 * idempotent syncPayment, so a confirmation happens once), and write a reconciliation-reports document.
 * It also re-enqueues the work a lost or failed job would have done: stored events still pending,
 * cancellations whose refund and mails were never queued, and refunds owed that Stripe never got
 * (these two look back REFUND_RECOVERY_DAYS, from the bookings).
 */
export async function reconcile(
  payload: Payload,
  options: { trigger: 'scheduled' | 'manual'; requestedBy?: number; now?: Date },
): Promise<string> {
  await closeInterruptedReports(payload)
  const windowEnd = options.now ?? new Date()
  const windowStart = new Date(windowEnd.getTime() - env.RECONCILE_LOOKBACK_HOURS * 3600_000)
  const report = await payload.create({
    collection: 'reconciliation-reports',
    data: {
      title: `${options.trigger === 'manual' ? 'Manual run' : 'Scheduled run'}, ${windowEnd.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      trigger: options.trigger,
      requestedBy: options.requestedBy ?? null,
      status: 'running',
      windowStart: windowStart.toISOString(),
      windowEnd: windowEnd.toISOString(),
      startedAt: new Date().toISOString(),
    },
    overrideAccess: true,
  })
  try {
    const created = { gte: Math.floor(windowStart.getTime() / 1000), lte: Math.ceil(windowEnd.getTime() / 1000) }
    const [intents, refunds] = await Promise.all([
      listAll<Stripe.PaymentIntent>(stripe().paymentIntents.list({ created, limit: 100 })),
      listAll<Stripe.Refund>(stripe().refunds.list({ created, limit: 100 })),
    ])
    const stripeIds = [
      ...new Set([...intents.map((i) => i.id), ...refunds.map((r) => stripeId(r.payment_intent)).filter((id) => id !== null)]),
    ] as string[]
    const local = await windowPayments(payload, windowStart.toISOString(), stripeIds)
    // Our payments of the window whose intent Stripe did not list: ask for each one.
    const listed = new Set(intents.map((i) => i.id))
    const extra: Stripe.PaymentIntent[] = []
    for (const payment of local) {
      if (listed.has(payment.stripePaymentIntentId)) continue
      try {
        extra.push(await stripe().paymentIntents.retrieve(payment.stripePaymentIntentId))
      } catch (error) {
        if (!isMissing(error)) throw error
      }
    }
    const plan = planReconciliation({
      intents: [...intents, ...extra] as StripeIntent[],
      refunds: refunds.map((r) => ({
        id: r.id,
        amount: r.amount,
        currency: r.currency,
        status: r.status,
        payment_intent: stripeId(r.payment_intent),
      })),
      payments: local,
    })

    let fixed = 0
    for (const item of plan.sync) {
      const result = await syncPayment(payload, item.intentId)
      if (result?.changed) {
        fixed++
        payload.logger.info({
          msg: 'reconciliation fixed a payment',
          paymentId: item.paymentId,
          reason: item.reason,
          effects: result.effects,
        })
      }
    }
    const requeuedEvents = await requeueStaleEvents(payload)
    // Cancellations first: handing one over queues its refund too.
    const handedOver = await handOverCancellations(payload, windowEnd)
    const requeuedRefunds = await requeueMissingRefunds(payload, windowEnd)

    await payload.update({
      collection: 'reconciliation-reports',
      id: report.id,
      data: {
        status: 'completed',
        finishedAt: new Date().toISOString(),
        checked: plan.checked,
        fixed,
        discrepancyCount: plan.discrepancies.length,
        discrepancies: plan.discrepancies.map((d) => ({
          kind: d.kind,
          stripeObjectId: d.stripeObjectId,
          payment: d.paymentId ?? null,
          details: d.details,
        })),
      },
      depth: 0,
      overrideAccess: true,
    })
    metrics().reconciliationRuns.inc({ result: 'completed' })
    for (const d of plan.discrepancies) metrics().reconciliationDiscrepancies.inc({ kind: d.kind })
    return `report ${report.id}: checked ${plan.checked}, fixed ${fixed}, ${plan.discrepancies.length} discrepancies, requeued ${requeuedEvents} events, ${handedOver} cancellations and ${requeuedRefunds} refunds`
  } catch (error) {
    metrics().reconciliationRuns.inc({ result: 'failed' })
    await payload.update({
      collection: 'reconciliation-reports',
      id: report.id,
      data: { status: 'failed', finishedAt: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) },
      depth: 0,
      overrideAccess: true,
    })
    throw error
  }
}
