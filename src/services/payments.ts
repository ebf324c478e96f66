import { sql } from '@payloadcms/db-postgres'
import { type Payload, type PayloadRequest, createLocalReq } from 'payload'
import type Stripe from 'stripe'

import { MAIL_QUEUE, PAYMENTS_QUEUE, mailJobId, paymentJobIds } from '../jobs/registry'
import type { Booking, Payment } from '../payload-types'
import {
  type PaymentStatus,
  type RefundKind,
  bookingRef,
  derivePaymentStatus,
  isDeadRefund,
  isSettled,
  refundedTotal,
  stripeKeys,
} from '../domain/payments'
import { type RefundOwed, type RefundOwedInput, isUnavailable, refundOwed } from '../domain/refunds'
import { env } from '../lib/env'
import { conflict } from '../lib/errors'
import { describeMoney } from '../domain/money'
import { parseId } from '../lib/ids'
import { applyTransition } from './bookingLifecycle'
import { lockListingCalendar } from './reservations'
import { enqueue } from './queue'
import { lockUntilCommit, sqlExecutor } from './sqlExecutor'
import { inTransaction } from './transaction'
import { fromStripeCurrency, listAll, paymentsConfigured, stripe, stripeId, toStripeCurrency } from './stripe'

/**
 * Everything that changes a payment. The rule: ask Stripe for the current truth (the PaymentIntent and
 * its refunds), then, in one transaction under the booking's payment lock, derive our record from it
 * and carry out what follows (confirm the booking, refund money taken for dates that are gone). Effects
 * outside the database (mail, refunds) are jobs with deterministic ids. So the webhook processor, the
 * refund job and reconciliation all run the same code, and running it twice changes nothing.
 */

/** One payment change at a time per booking: creating its intent, syncing it, refunding it. */
export async function lockBookingPayment(req: PayloadRequest, bookingId: number): Promise<void> {
  await lockUntilCommit(req, 'staybase:booking-payment', bookingId)
}

export async function findPaymentByIntent(payload: Payload, intentId: string, req?: PayloadRequest): Promise<Payment | null> {
  const { docs } = await payload.find({
    collection: 'payments',
    where: { stripePaymentIntentId: { equals: intentId } },
    depth: 0,
    limit: 1,
    overrideAccess: true,
    req,
  })
  return docs[0] ?? null
}

const REFUND_KINDS: readonly RefundKind[] = ['cancellation', 'booking_unavailable']

// --- Paying -------------------------------------------------------------------------------------------

export type IntentForClient = { clientSecret: string; paymentIntentId: string; amount: number; currency: string }

/**
 * The PaymentIntent the guest pays a booking with: the one already made for this booking and amount,
 * or a new one. No lock or transaction is held while Stripe answers (a slow Stripe must not tie up
 * database connections): the Stripe idempotency key from the booking id and amount makes parallel
 * requests, and a crash between Stripe's answer and our insert, end with one intent, and the unique
 * stripePaymentIntentId makes them end with one payment. (The SDK retries Stripe's 409 for a key that is
 * still in flight.)
 */
export async function paymentIntentFor(req: PayloadRequest, booking: Booking): Promise<IntentForClient> {
  const amount = booking.quote?.total ?? 0
  const currency = booking.quote?.currency ?? 'EUR'
  const { docs } = await req.payload.find({
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
      await req.payload.create({
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
      if (!(await findPaymentByIntent(req.payload, intent.id))) throw error
    }
  }
  return { clientSecret: intent.client_secret!, paymentIntentId: intent.id, amount, currency }
}

// --- Syncing from Stripe ------------------------------------------------------------------------------

const refundsOf = (intentId: string) => listAll<Stripe.Refund>(stripe().refunds.list({ payment_intent: intentId, limit: 100 }))

const refundRow = (refund: Stripe.Refund) => ({
  stripeRefundId: refund.id,
  amount: refund.amount,
  status: refund.status ?? null,
  reason: refund.metadata?.kind ?? refund.reason ?? null,
  createdAt: new Date(refund.created * 1000).toISOString(),
})

export type SyncResult = { paymentId: number; status: PaymentStatus; changed: boolean; effects: string[] }

/**
 * Bring one payment in line with Stripe and carry out what follows. `eventAt` is when Stripe emitted
 * the event that led here (for lastStripeEventAt).
 */
export async function syncPayment(payload: Payload, intentId: string, options: { eventAt?: Date } = {}): Promise<SyncResult | null> {
  const local = await findPaymentByIntent(payload, intentId)
  if (!local) return null
  // Stripe first, outside the transaction: no database lock is held while we wait on the network.
  const [intent, refunds] = await Promise.all([stripe().paymentIntents.retrieve(intentId), refundsOf(intentId)])
  const bookingId = parseId(local.booking)!
  const req = await createLocalReq({}, payload)
  const effects: string[] = []
  const after = await inTransaction(req, async () => {
    await lockBookingPayment(req, bookingId)
    const payment = (await payload.findByID({ collection: 'payments', id: local.id, depth: 0, overrideAccess: true, req })) as Payment
    type Row = ReturnType<typeof refundRow>
    const rows = new Map<string, Row>(
      (payment.refunds ?? []).map((r) => [
        r.stripeRefundId,
        {
          stripeRefundId: r.stripeRefundId,
          amount: r.amount,
          status: r.status ?? null,
          reason: r.reason ?? null,
          createdAt: r.createdAt ?? '',
        },
      ]),
    )
    for (const refund of refunds) rows.set(refund.id, refundRow(refund))
    const merged = [...rows.values()].sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)))
    const amountRefunded = refundedTotal(merged)
    const matches = intent.amount === payment.amount && fromStripeCurrency(intent.currency) === payment.currency
    const status = derivePaymentStatus({
      current: payment.status as PaymentStatus,
      intent,
      amount: payment.amount,
      amountRefunded,
      disputed: Boolean(payment.dispute?.stripeDisputeId),
    })
    const attention: string[] = []
    if (!matches) {
      attention.push(
        `Stripe's PaymentIntent is ${describeMoney(intent.amount, intent.currency)}, not ${describeMoney(payment.amount, payment.currency)}: the booking was not confirmed.`,
      )
    }

    // Decide on the booking as it is under its listing's calendar lock, the lock that expiry and
    // cancellation take: a hold expiring or a guest cancelling at the moment the money arrives is
    // either before this (→ full refund) or after it (→ a confirmed booking, cancelled by the rules).
    const unlocked = (await payload.findByID({ collection: 'bookings', id: bookingId, depth: 0, overrideAccess: true, req })) as Booking
    await lockListingCalendar(req, parseId(unlocked.property)!)
    const booking = (await payload.findByID({ collection: 'bookings', id: bookingId, depth: 0, overrideAccess: true, req })) as Booking
    let refundKind: RefundKind | null = null
    let bookingStatus = booking.status
    if (status === 'succeeded' && matches) {
      if (booking.status === 'awaiting_payment') {
        const confirmed = await applyTransition(req, bookingId, (b) =>
          b.status === 'awaiting_payment' ? { to: 'confirmed', data: { confirmedAt: new Date().toISOString() } } : null,
        )
        if (confirmed) {
          effects.push('booking confirmed')
          bookingStatus = confirmed.status
        }
      } else if (isUnavailable(booking)) {
        // Paid after the hold ran out or the booking was cancelled: the dates may be someone else's now.
        refundKind = 'booking_unavailable'
        attention.push(`Paid after the booking was ${booking.status}; the full amount is being refunded automatically.`)
      }
    }
    // A refund we asked for that Stripe could not carry out (a closed card…): staff must know, and the
    // money is asked for again under a new key.
    const retryRefunds: { kind: RefundKind; replaces: string }[] = []
    const before = new Map((payment.refunds ?? []).map((r) => [r.stripeRefundId, r.status]))
    for (const row of merged) {
      const kind = row.reason as RefundKind
      if (!REFUND_KINDS.includes(kind) || !isDeadRefund(row.status) || isDeadRefund(before.get(row.stripeRefundId) ?? null)) continue
      attention.push(
        `Refund ${row.stripeRefundId} (${kind}, ${describeMoney(row.amount, payment.currency)}) ${row.status} at Stripe; asking again.`,
      )
      retryRefunds.push({ kind, replaces: row.stripeRefundId })
    }
    const data: Partial<Payment> = {
      status,
      amountRefunded,
      refunds: merged,
      failureMessage: status === 'failed' ? (intent.last_payment_error?.message ?? 'The payment failed.') : payment.failureMessage,
    }
    if (options.eventAt && (!payment.lastStripeEventAt || Date.parse(payment.lastStripeEventAt) < options.eventAt.getTime())) {
      data.lastStripeEventAt = options.eventAt.toISOString()
    }
    const newAttention = attention.filter((a) => !(payment.attentionReason ?? '').includes(a))
    if (newAttention.length) {
      data.needsAttention = true
      data.attentionReason = [payment.attentionReason, ...newAttention].filter(Boolean).join('\n')
    }
    const changed =
      status !== payment.status ||
      amountRefunded !== (payment.amountRefunded ?? 0) ||
      merged.length !== (payment.refunds ?? []).length ||
      merged.some((r, i) => r.status !== payment.refunds?.[i]?.status) ||
      newAttention.length > 0
    if (changed || data.lastStripeEventAt) {
      await payload.update({ collection: 'payments', id: payment.id, data, depth: 0, overrideAccess: true, req })
    }
    return {
      status,
      changed,
      previous: payment.status as PaymentStatus,
      refundKind,
      retryRefunds,
      bookingStatus,
      ref: bookingRef(booking),
      confirmedAt: booking.confirmedAt,
      failureMessage: data.failureMessage,
    }
  })

  // After commit: effects that live outside the database, each a job with a deterministic id, so a
  // second run (a duplicate event, reconciliation after a crash) enqueues nothing new.
  // A run that confirmed the booking but died before enqueuing its mails is repeated by the job or by
  // reconciliation; within a day of confirming, enqueue them again (completed jobs are kept for a week,
  // so this never sends twice).
  const confirmedNow = effects.includes('booking confirmed')
  const recentlyConfirmed =
    after.bookingStatus === 'confirmed' && isSettled(after.status) && Date.now() - Date.parse(after.confirmedAt ?? '') < 24 * 3600_000
  if (confirmedNow || recentlyConfirmed) {
    for (const recipient of ['guest', 'host'] as const) {
      await enqueue(
        MAIL_QUEUE,
        'send',
        { kind: 'booking-confirmed', bookingId, recipient },
        { jobId: mailJobId('booking-confirmed', after.ref, recipient) },
      )
    }
  }
  if (after.refundKind) {
    await enqueue(
      PAYMENTS_QUEUE,
      'refund',
      { bookingId, kind: after.refundKind },
      { jobId: paymentJobIds.refund(after.ref, after.refundKind), revive: true },
    )
    effects.push('full refund requested')
  }
  for (const retry of after.retryRefunds) {
    await enqueue(PAYMENTS_QUEUE, 'refund', { bookingId, ...retry }, { jobId: paymentJobIds.refund(after.ref, retry.kind, retry.replaces) })
    effects.push(`refund ${retry.replaces} asked again`)
  }
  // One mail per failed attempt, named by Stripe's failed charge (or, without one, by the event).
  const failedCharge = stripeId(intent.latest_charge)
  if (after.status === 'failed' && (failedCharge || after.previous !== 'failed')) {
    const attempt = failedCharge ?? String(options.eventAt?.getTime() ?? intent.created)
    await enqueue(
      MAIL_QUEUE,
      'send',
      { kind: 'payment-failed', bookingId, recipient: 'guest', failureMessage: after.failureMessage ?? undefined },
      { jobId: mailJobId('payment-failed', after.ref, 'guest', attempt) },
    )
  }
  return { paymentId: local.id, status: after.status, changed: after.changed, effects }
}

/** A dispute opened on a payment's charge: the payment shows it and waits for staff. */
export async function recordDispute(payload: Payload, dispute: Stripe.Dispute, eventAt: Date): Promise<SyncResult | null> {
  const intentId = stripeId(dispute.payment_intent)
  if (!intentId) return null
  const local = await findPaymentByIntent(payload, intentId)
  if (!local) return null
  const req = await createLocalReq({}, payload)
  await inTransaction(req, async () => {
    await lockBookingPayment(req, parseId(local.booking)!)
    const payment = (await payload.findByID({ collection: 'payments', id: local.id, depth: 0, overrideAccess: true, req })) as Payment
    if (payment.dispute?.stripeDisputeId === dispute.id) return
    const note = `Dispute ${dispute.id} opened (${dispute.reason}, ${describeMoney(dispute.amount, dispute.currency)}): respond in the Stripe dashboard.`
    await payload.update({
      collection: 'payments',
      id: payment.id,
      data: {
        status: 'disputed',
        dispute: {
          stripeDisputeId: dispute.id,
          reason: dispute.reason,
          amount: dispute.amount,
          openedAt: new Date(dispute.created * 1000).toISOString(),
        },
        needsAttention: true,
        attentionReason: [payment.attentionReason, note].filter(Boolean).join('\n'),
        lastStripeEventAt: eventAt.toISOString(),
      },
      depth: 0,
      overrideAccess: true,
      req,
    })
  })
  return syncPayment(payload, intentId, { eventAt })
}

// --- Refunds ------------------------------------------------------------------------------------------

/** The payment that took the booking's money, if any. */
/** The statuses of a payment that took the money (whatever was refunded since). */
const CAPTURED: PaymentStatus[] = ['succeeded', 'partially_refunded', 'refunded', 'disputed']

/** The payment that took a booking's money: its first captured one (refundBooking refunds that one). */
export async function capturedPaymentOf(payload: Payload, bookingId: number, req?: PayloadRequest): Promise<Payment | null> {
  const { docs } = await payload.find({
    collection: 'payments',
    where: { and: [{ booking: { equals: bookingId } }, { status: { in: CAPTURED } }] },
    depth: 0,
    limit: 1,
    sort: 'createdAt',
    overrideAccess: true,
    req,
  })
  return docs[0] ?? null
}

type OwedRefunds = RefundOwedInput['refunds']
/** Our copy of a payment's refunds (kept in line with Stripe by syncPayment). */
export const recordedRefunds = (payment: Payment): OwedRefunds =>
  (payment.refunds ?? []).map((r) => ({
    id: r.stripeRefundId,
    amount: r.amount,
    status: r.status ?? null,
    kind: r.reason ?? null,
    createdAt: Date.parse(r.createdAt ?? '') || 0,
  }))
const stripeRefunds = (refunds: Stripe.Refund[]): OwedRefunds =>
  refunds.map((r) => ({ id: r.id, amount: r.amount, status: r.status, kind: r.metadata?.kind ?? null, createdAt: r.created * 1000 }))

/** refundOwed with this deployment's recovery window. */
export const owedTo = (booking: Booking, payment: Payment | null, refunds: OwedRefunds, now = new Date()): RefundOwed =>
  refundOwed({ booking, payment, refunds, now, recoveryDays: env.REFUND_RECOVERY_DAYS })

/** Queue the refund a booking is owed (see refundOwed); a job that gave up is retried. */
async function enqueueRefund(booking: Booking, owed: Extract<RefundOwed, { owed: true }>): Promise<void> {
  await enqueue(
    PAYMENTS_QUEUE,
    'refund',
    { bookingId: booking.id, kind: owed.kind, ...(owed.replaces ? { replaces: owed.replaces } : {}) },
    { jobId: paymentJobIds.refund(bookingRef(booking), owed.kind, owed.replaces), revive: true },
  )
}

/**
 * Give back what a booking is owed, once. What Stripe already refunded for this reason (found by the
 * refund's metadata) counts as done, so the job may run any number of times, even days later when
 * Stripe's idempotency key has expired.
 */
export async function refundBooking(
  payload: Payload,
  bookingId: number,
  kind: RefundKind,
  attempt = 0,
  replaces?: string,
): Promise<string> {
  const booking = await payload.findByID({ collection: 'bookings', id: bookingId, depth: 0, overrideAccess: true, disableErrors: true })
  if (!booking) return 'booking gone'
  const payment = await capturedPaymentOf(payload, bookingId)
  if (!payment) return 'nothing was paid'
  // Stripe's refunds of the intent, not our copy: one made a moment ago may not be recorded here yet.
  // What the booking is owed now, whoever queued the job (a retried job, staff in the queue dashboard).
  const atStripe = await refundsOf(payment.stripePaymentIntentId)
  const owed = owedTo(booking, payment, stripeRefunds(atStripe))
  if (!owed.owed) {
    // Made by an earlier run whose record did not get written: record it now.
    if (atStripe.some((r) => r.metadata?.kind === kind)) await syncPayment(payload, payment.stripePaymentIntentId)
    return owed.kind === kind ? owed.reason : `nothing is owed for ${kind}`
  }
  // The other kind has its own job (and id).
  if (owed.kind !== kind) return `owed a ${owed.kind} refund, not ${kind}`
  const after = owed.replaces ?? replaces
  await stripe().refunds.create(
    {
      payment_intent: payment.stripePaymentIntentId,
      amount: owed.amount,
      reason: 'requested_by_customer',
      metadata: { bookingId: String(bookingId), kind, ...(after ? { replaces: after } : {}) },
    },
    { idempotencyKey: stripeKeys.refund(bookingRef(booking), kind, attempt, after) },
  )
  await syncPayment(payload, payment.stripePaymentIntentId)
  return 'refunded'
}

/** A refund that failed for good: staff see it on the payment. */
export async function flagRefundFailure(payload: Payload, bookingId: number, kind: RefundKind, error: unknown): Promise<void> {
  const payment = await capturedPaymentOf(payload, bookingId)
  if (!payment) return
  const note = `Refund (${kind}) for booking ${bookingId} failed after every retry: ${error instanceof Error ? error.message : String(error)}`
  if ((payment.attentionReason ?? '').includes(note)) return
  await payload.update({
    collection: 'payments',
    id: payment.id,
    data: { needsAttention: true, attentionReason: [payment.attentionReason, note].filter(Boolean).join('\n') },
    depth: 0,
    overrideAccess: true,
  })
}

/**
 * A cancellation's effects outside the database, after it committed: cancel open intents (unpaid), the
 * refund it is owed (refundOwed), the mails to guest and host — each a job with a deterministic id —
 * then stamp `cancellationQueuedAt`. Called by the cancel endpoint and, for cancellations never
 * stamped (Redis was down), by reconciliation: a job enqueued twice runs once, and once stamped a
 * cancellation is never handed over again, even after the queue has forgotten its jobs.
 */
export async function afterCancellation(payload: Payload, booking: Booking): Promise<void> {
  if (!booking.confirmedAt && paymentsConfigured()) {
    // Cancelled before it was paid: nobody may pay for it now. If a payment got through meanwhile,
    // its webhook refunds it in full.
    await enqueue(PAYMENTS_QUEUE, 'cancel-intents', { bookingId: booking.id }, { jobId: paymentJobIds.cancelIntents(bookingRef(booking)) })
  }
  const payment = await capturedPaymentOf(payload, booking.id)
  const owed = owedTo(booking, payment, payment ? recordedRefunds(payment) : [])
  if (owed.owed) await enqueueRefund(booking, owed)
  for (const recipient of ['guest', 'host'] as const) {
    await enqueue(
      MAIL_QUEUE,
      'send',
      { kind: 'booking-cancelled', bookingId: booking.id, recipient },
      { jobId: mailJobId('booking-cancelled', bookingRef(booking), recipient) },
    )
  }
  await payload.update({
    collection: 'bookings',
    id: booking.id,
    data: { cancellationQueuedAt: new Date().toISOString() },
    depth: 0,
    overrideAccess: true,
  })
}

/**
 * Reconciliation's backstop for refunds: every payment that took money for a booking cancelled (or
 * never confirmed) within REFUND_RECOVERY_DAYS, asked whether refundOwed still sees money owed — found
 * from the bookings, not from when the payment last changed, so a stay paid months before it was
 * cancelled is found too. Returns how many refunds were queued.
 */
export async function requeueMissingRefunds(payload: Payload, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - env.REFUND_RECOVERY_DAYS * 24 * 3600_000).toISOString()
  let queued = 0
  const seen = new Set<number>()
  for await (const candidates of refundCandidates(payload, since)) {
    const fresh = candidates.filter((id) => !seen.has(id))
    for (const id of fresh) seen.add(id)
    if (fresh.length > 0) queued += await requeueOwedRefunds(payload, fresh, now)
  }
  return queued
}

/** Pages of the refund backstop: bounded statements, each started from an index (worker_indexes migration). */
const REFUND_SCAN_PAGE = 1000
const MONEY_TAKEN = sql`('succeeded', 'partially_refunded', 'disputed')`

/**
 * The ids of payments that took money for a booking cancelled since `since`, or since then for a
 * booking never confirmed, a page at a time. One statement over the whole window joined every payment
 * of it to its booking (0.75 s and a scan of bookings at 2M bookings); keyset pages keep each statement
 * to one index range of REFUND_SCAN_PAGE rows and primary-key lookups.
 */
async function* refundCandidates(payload: Payload, since: string): AsyncGenerator<number[]> {
  const db = await sqlExecutor(payload)
  // Bookings cancelled since, in (cancelled_at, id) order, with their payments that took money.
  let after: { at: string; id: number } | null = null
  for (;;) {
    const { rows } = await db.execute(sql`
      WITH page AS (
        SELECT id, cancelled_at FROM bookings
        WHERE cancelled_at >= ${since}${after ? sql` AND (cancelled_at, id) > (${after.at}::timestamptz, ${after.id})` : sql``}
        ORDER BY cancelled_at, id LIMIT ${REFUND_SCAN_PAGE})
      SELECT page.id, page.cancelled_at::text AS at, p.id AS payment_id
      FROM page LEFT JOIN payments p ON p.booking_id = page.id AND p.status IN ${MONEY_TAKEN}
      ORDER BY page.cancelled_at, page.id`)
    if (rows.length === 0) break
    after = nextKey('refund backstop', after, rows[rows.length - 1]!)
    yield rows.filter((r) => r.payment_id !== null).map((r) => Number(r.payment_id))
  }
  // Payments that took money since, in (created_at, id) order, whose booking was never confirmed.
  after = null
  for (;;) {
    const { rows } = await db.execute(sql`
      WITH page AS (
        SELECT id, booking_id, created_at FROM payments
        WHERE status IN ${MONEY_TAKEN} AND created_at >= ${since}${after ? sql` AND (created_at, id) > (${after.at}::timestamptz, ${after.id})` : sql``}
        ORDER BY created_at, id LIMIT ${REFUND_SCAN_PAGE})
      SELECT page.id, page.created_at::text AS at, b.confirmed_at IS NULL AS unconfirmed
      FROM page JOIN bookings b ON b.id = page.booking_id
      ORDER BY page.created_at, page.id`)
    if (rows.length === 0) break
    after = nextKey('refund backstop', after, rows[rows.length - 1]!)
    yield rows.filter((r) => r.unconfirmed === true).map((r) => Number(r.id))
  }
}

/**
 * The (timestamp, id) key after a keyset page's last row (`at`, `id`); a page that does not move past
 * the previous key would repeat forever.
 */
export function nextKey(
  what: string,
  previous: { at: string; id: number } | null,
  last: Record<string, unknown>,
): { at: string; id: number } {
  const key = { at: String(last.at), id: Number(last.id) }
  if (previous && previous.at === key.at && previous.id === key.id)
    throw new Error(`${what}: page did not advance past ${key.at} / ${key.id}`)
  return key
}

/** Queues the refunds refundOwed still sees owed for these payments. Returns how many. */
async function requeueOwedRefunds(payload: Payload, paymentIds: number[], now: Date): Promise<number> {
  const { docs: payments } = await payload.find({
    collection: 'payments',
    where: { id: { in: paymentIds } },
    depth: 0,
    pagination: false,
    sort: '-createdAt',
    overrideAccess: true,
  })
  const { docs: bookings } = await payload.find({
    collection: 'bookings',
    where: { id: { in: [...new Set(payments.map((p) => parseId(p.booking)))] } },
    depth: 0,
    pagination: false,
    overrideAccess: true,
  })
  const byId = new Map(bookings.map((b) => [b.id, b]))
  // The payment that took each booking's money, as refundBooking will find it (capturedPaymentOf, for all at once).
  const { docs: captured } = await payload.find({
    collection: 'payments',
    where: { and: [{ booking: { in: [...byId.keys()] } }, { status: { in: CAPTURED } }] },
    depth: 0,
    pagination: false,
    sort: 'createdAt',
    overrideAccess: true,
  })
  const takenBy = new Map<number, number>()
  for (const payment of captured) if (!takenBy.has(parseId(payment.booking)!)) takenBy.set(parseId(payment.booking)!, payment.id)
  let queued = 0
  for (const payment of payments) {
    const booking = byId.get(parseId(payment.booking)!)
    if (!booking || takenBy.get(booking.id) !== payment.id) continue
    const owed = owedTo(booking, payment, recordedRefunds(payment), now)
    if (!owed.owed) continue
    await enqueueRefund(booking, owed)
    queued++
  }
  return queued
}

/** Reconciliation's backstop for cancellations whose effects were never queued. Returns how many. */
export async function handOverCancellations(payload: Payload, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - env.REFUND_RECOVERY_DAYS * 24 * 3600_000).toISOString()
  const { docs } = await payload.find({
    collection: 'bookings',
    where: {
      and: [
        { status: { equals: 'cancelled' } },
        { cancelledAt: { greater_than_equal: since } },
        { cancellationQueuedAt: { exists: false } },
      ],
    },
    depth: 0,
    pagination: false,
    overrideAccess: true,
  })
  for (const booking of docs) await afterCancellation(payload, booking)
  return docs.length
}

/**
 * A hold ran out: cancel the intents still waiting for the guest, so nobody can pay for dates that are
 * no longer held. Best effort: if one succeeded meanwhile, its webhook refunds it (booking_unavailable).
 */
export async function cancelOpenIntents(payload: Payload, bookingId: number): Promise<number> {
  const { docs } = await payload.find({
    collection: 'payments',
    where: { and: [{ booking: { equals: bookingId } }, { status: { in: ['requires_payment', 'failed'] } }] },
    depth: 0,
    limit: 10,
    overrideAccess: true,
  })
  let cancelled = 0
  for (const payment of docs) {
    try {
      await stripe().paymentIntents.cancel(payment.stripePaymentIntentId, { cancellation_reason: 'abandoned' })
      cancelled++
    } catch (error) {
      payload.logger.warn({ err: error, paymentId: payment.id, msg: 'could not cancel the PaymentIntent of an expired hold' })
    }
    // Whatever Stripe now says (canceled, or succeeded after all → refunded in full); a failure here
    // fails the job, which is retried.
    await syncPayment(payload, payment.stripePaymentIntentId)
  }
  return cancelled
}
