import type { PayloadRequest } from 'payload'

import type { Booking } from '../payload-types'
import { type BookingStatus, checkTransition } from '../domain/bookingStatus'
import { conflict } from '../lib/errors'
import { parseId } from '../lib/ids'
import { lockListingCalendar } from './reservations'
import { inTransaction } from './transaction'

export type Decision = { to: BookingStatus; data?: Partial<Booking> } | null

/**
 * The one way a booking changes state, for endpoints and jobs alike: in one transaction, under the
 * listing's calendar lock, re-read the booking, let `decide` look at its current state (null = nothing to
 * do), check the state machine, write. Two actors racing (a guest cancelling while the hold expires)
 * are serialised, and the second sees the first one's result.
 */
export async function applyTransition(
  req: PayloadRequest,
  id: number | string,
  decide: (booking: Booking) => Decision,
): Promise<Booking | null> {
  return inTransaction(req, async () => {
    const first = await req.payload.findByID({ collection: 'bookings', id, depth: 0, overrideAccess: true, disableErrors: true, req })
    if (!first) return null
    await lockListingCalendar(req, parseId(first.property)!)
    const booking = (await req.payload.findByID({ collection: 'bookings', id, depth: 0, overrideAccess: true, req })) as Booking
    const decision = decide(booking)
    if (!decision) return null
    const allowed = checkTransition(booking.status as BookingStatus, decision.to)
    if (!allowed.ok) throw conflict(allowed.message, { code: 'INVALID_TRANSITION' })
    return req.payload.update({
      collection: 'bookings',
      id,
      data: { ...decision.data, status: decision.to },
      depth: 0,
      overrideAccess: true,
      context: { transition: decision.to },
      req,
    })
  })
}
