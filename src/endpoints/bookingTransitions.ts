import {
  type Endpoint,
  type PayloadRequest,
  addDataAndFileToRequest,
  commitTransaction,
  initTransaction,
  killTransaction,
} from 'payload'

import type { Booking } from '../payload-types'
import { type BookingStatus, checkTransition } from '../domain/bookingStatus'
import { type CancelledBy, refundAmount } from '../domain/refunds'
import { isStaffUser } from '../domain/roles'
import { env } from '../lib/env'
import { badRequest, conflict, forbidden, notFound } from '../lib/errors'
import { toStayDate } from '../lib/stayDateField'
import { lockListingCalendar } from '../services/reservations'

/**
 * POST /api/bookings/:id/accept | /decline (the listing's host, on a request) and /cancel {reason}
 * (the guest, the host or staff). Each runs in one transaction under the listing's calendar lock, re-reads
 * the booking, and applies the state machine, so two clicks cannot both succeed.
 */
type Party = 'guest' | 'host' | 'staff' | null

const idOf = (value: unknown) => (value && typeof value === 'object' ? (value as { id: number }).id : value)

function partyOf(req: PayloadRequest, booking: Booking): Party {
  if (!req.user) return null
  if (String(idOf(booking.guest)) === String(req.user.id)) return 'guest'
  if (String(idOf(booking.host)) === String(req.user.id)) return 'host'
  return isStaffUser(req.user) ? 'staff' : null
}

async function transition(
  req: PayloadRequest,
  decide: (booking: Booking, party: Exclude<Party, null>) => { to: BookingStatus; data?: Partial<Booking> },
): Promise<Response> {
  if (!req.user) throw forbidden('Sign in first.')
  const id = String(req.routeParams?.id ?? '')
  if (!/^\d{1,9}$/.test(id)) throw notFound('Booking not found.')
  const shouldCommit = await initTransaction(req)
  try {
    const first = await req.payload.findByID({ collection: 'bookings', id, depth: 0, overrideAccess: true, disableErrors: true, req })
    // Someone who may not see the booking learns nothing about it, not even that it exists.
    const party = first ? partyOf(req, first) : null
    if (!first || !party) throw notFound('Booking not found.')
    await lockListingCalendar(req, Number(idOf(first.property)))
    const booking = (await req.payload.findByID({ collection: 'bookings', id, depth: 0, overrideAccess: true, req })) as Booking
    const { to, data } = decide(booking, party)
    const allowed = checkTransition(booking.status as BookingStatus, to)
    if (!allowed.ok) throw conflict(allowed.message)
    const doc = await req.payload.update({ collection: 'bookings', id, data: { ...data, status: to }, depth: 0, overrideAccess: true, req })
    if (shouldCommit) await commitTransaction(req)
    return Response.json({ message: `Booking ${to.replace('_', ' ')}.`, doc })
  } catch (error) {
    if (shouldCommit) await killTransaction(req)
    throw error
  }
}

const onlyHost = (party: Party, action: string) => {
  if (party !== 'host') throw forbidden(`Only the listing's host can ${action} a booking request.`)
}

export const acceptBooking: Endpoint = {
  path: '/:id/accept',
  method: 'post',
  handler: (req) =>
    transition(req, (_, party) => {
      onlyHost(party, 'accept')
      // Accepted requests hold the dates while the guest pays, like instant bookings.
      return { to: 'awaiting_payment', data: { holdExpiresAt: new Date(Date.now() + env.BOOKING_HOLD_MINUTES * 60_000).toISOString() } }
    }),
}

export const declineBooking: Endpoint = {
  path: '/:id/decline',
  method: 'post',
  handler: (req) =>
    transition(req, (_, party) => {
      onlyHost(party, 'decline')
      return { to: 'declined' }
    }),
}

export const cancelBooking: Endpoint = {
  path: '/:id/cancel',
  method: 'post',
  handler: async (req) => {
    await addDataAndFileToRequest(req).catch(() => {
      throw badRequest('Send a JSON body: {"reason": "…"}.')
    })
    const reason = typeof req.data?.reason === 'string' ? req.data.reason.trim() : ''
    if (reason.length > 1000) throw badRequest('The reason can be at most 1000 characters.')
    return transition(req, (booking, party) => {
      const cancelledAt = new Date()
      const { amount } = refundAmount({
        policy: booking.cancellationPolicy ?? 'non_refundable',
        total: booking.quote?.total ?? 0,
        checkIn: toStayDate(booking.checkIn)!,
        bookedAt: new Date(booking.createdAt),
        cancelledAt,
        cancelledBy: party as CancelledBy,
      })
      return {
        to: 'cancelled',
        data: { cancelledAt: cancelledAt.toISOString(), cancelledBy: party, cancellationReason: reason || null, refundAmount: amount },
      }
    })
  },
}
