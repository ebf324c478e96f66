import type { Payload, PayloadRequest } from 'payload'

import type { PaymentStatus } from '@/domain/payments'
import { type RefundOwed, type RefundOwedInput, refundOwed } from '@/domain/refunds'
import { env } from '@/lib/env'
import type { Booking, Payment } from '@/payload-types'
import { lockUntilCommit } from '@/services/sqlExecutor'
import type { ReqInTransaction } from '@/services/transaction'

/**
 * Payments as stored: finding them, the lock that serialises their changes, and what a booking is owed
 * by this deployment's rules. The rest of the payments service (intent, sync, refunds, effects) builds
 * on these.
 */

/** One payment change at a time per booking: creating its intent, syncing it, refunding it. */
export async function lockBookingPayment(req: ReqInTransaction, bookingId: number): Promise<void> {
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

/** The statuses of a payment that took the money (whatever was refunded since). */
export const CAPTURED: PaymentStatus[] = ['succeeded', 'partially_refunded', 'refunded', 'disputed']

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

/** refundOwed with this deployment's recovery window; `refunds` through owedRefunds (src/domain/paymentSync.ts). */
export const owedTo = (booking: Booking, payment: Payment | null, refunds: RefundOwedInput['refunds'], now = new Date()): RefundOwed =>
  refundOwed({ booking, payment, refunds, now, recoveryDays: env.REFUND_RECOVERY_DAYS })
