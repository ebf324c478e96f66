import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import type { Transition } from '@/domain/bookingActions'
import { type HistoryEntry, actorOf } from '@/domain/bookingHistory'
import { type BookingStatus, checkTransition } from '@/domain/bookingStatus'
import { type Refusal, isRefusal } from '@/domain/refusal'
import { refused } from '@/lib/errors'
import type { Booking } from '@/payload-types'
import { parseId } from '@/domain/ids'
import { lockListingCalendar } from './reservations'
import { sqlExecutor } from './sqlExecutor'
import { type ReqInTransaction, inTransaction } from './transaction'

/** What `decide` answers: the transition to make, a refusal (answered as an error), or null: nothing to do. */
export type Decision = Transition | Refusal | null

/**
 * The one way a booking changes state, for endpoints and jobs alike: in one transaction, under the
 * listing's calendar lock, re-read the booking, let `decide` look at its current state (a rule of
 * src/domain/bookingActions.ts; null = nothing to do), check the state machine, write. Two actors racing (a guest cancelling while the hold expires)
 * are serialised, and the second sees the first one's result.
 *
 * Every change is recorded in the booking's `history`: the new status, when, and who — taken from
 * `req.user` (the guest, the host or staff through the endpoints; no user is Staybase itself: the
 * payment webhook, reconciliation, the expiry and completion jobs), never from what a caller says.
 */
export async function applyTransition(
  req: ReqInTransaction,
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
    if (isRefusal(decision)) throw refused(decision)
    const allowed = checkTransition(booking.status as BookingStatus, decision.to)
    if (!allowed.ok) throw refused({ kind: 'conflict', message: allowed.message, code: 'INVALID_TRANSITION' })
    const entry: HistoryEntry = {
      status: decision.to,
      at: new Date().toISOString(),
      ...actorOf(req.user, booking),
      note: decision.note ?? null,
    }
    return req.payload.update({
      collection: 'bookings',
      id,
      data: { ...decision.data, status: decision.to, history: [...(booking.history ?? []), entry] },
      depth: 0,
      overrideAccess: true,
      context: { transition: decision.to },
      req,
    })
  })
}

/**
 * The sweep's two lists, as the ids and states it acts on (each booking is re-read under its lock by
 * applyTransition). Raw SQL because Payload's find would join every booking's nightly rows and count
 * the matches; these read only the partial indexes of the worker_indexes migration, oldest first.
 */
type Waiting = { id: number; status: 'awaiting_payment' | 'requested' }

/** Holds and requests whose time ran out (bookings_holds_to_expire_idx). */
export async function overdueHolds(payload: Payload, now: Date, limit: number): Promise<Waiting[]> {
  const { rows } = await (await sqlExecutor(payload)).execute(sql`
    SELECT id, status FROM bookings
    WHERE status IN ('awaiting_payment', 'requested') AND hold_expires_at <= ${now.toISOString()}
    ORDER BY hold_expires_at LIMIT ${limit}`)
  return rows.map((r) => ({ id: Number(r.id), status: r.status as Waiting['status'] }))
}

/** Confirmed stays whose check-out day is before `today` (bookings_stays_to_complete_idx). */
export async function staysToComplete(payload: Payload, today: string, limit: number): Promise<{ id: number }[]> {
  const { rows } = await (await sqlExecutor(payload)).execute(sql`
    SELECT id FROM bookings WHERE status = 'confirmed' AND check_out < ${today}::date ORDER BY check_out LIMIT ${limit}`)
  return rows.map((r) => ({ id: Number(r.id) }))
}
