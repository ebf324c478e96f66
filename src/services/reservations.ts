import { sql } from '@payloadcms/db-postgres'
import type { SQL } from '@payloadcms/db-postgres/drizzle'

import { advisoryXactLock, lockUntilCommit, sqlExecutor } from './sqlExecutor'
import type { ReqInTransaction } from './transaction'

/**
 * The calendar of a listing lives in one table, `stay_reservations` (see the bookings migration): a
 * trigger writes a row for every active booking and every availability block, and an exclusion
 * constraint on (property, nights) makes overlaps impossible whatever writes them.
 *
 * Writers also take a per-listing advisory lock (blocks, transitions and payments check first under it,
 * so a conflict is reported as a clear 409 from our own code); the constraint stays the guarantee.
 */

const db = (req: ReqInTransaction) => sqlExecutor(req.payload, req)

const LISTING_CALENDAR = 'staybase:listing-calendar'

/**
 * Serialises calendar writes of one listing until the surrounding transaction ends. Every writer of a
 * listing's nights takes it: without it, two inserts of overlapping nights can each wait for the other
 * inside the exclusion constraint's check, and PostgreSQL aborts one with a deadlock (40P01) a second
 * later instead of answering 23P01.
 */
export async function lockListingCalendar(req: ReqInTransaction, propertyId: number): Promise<void> {
  await lockUntilCommit(req, LISTING_CALENDAR, propertyId)
}

/** The listing's calendar lock as an expression, for a single statement that writes nights (src/services/newBooking.ts). */
export const listingCalendarLock = (propertyId: number): SQL => advisoryXactLock(LISTING_CALENDAR, propertyId)

/** Whether any active booking or block of the listing overlaps [checkIn, checkOut). */
export async function isBooked(
  req: ReqInTransaction,
  propertyId: number,
  checkIn: string,
  checkOut: string,
  ignore: { bookingId?: number; blockId?: number } = {},
): Promise<boolean> {
  const { rows } = await (await db(req)).execute(sql`
    SELECT 1 FROM stay_reservations
    WHERE property_id = ${propertyId}
      AND nights && daterange(${checkIn}::date, ${checkOut}::date, '[)')
      AND COALESCE(booking_id, 0) <> ${ignore.bookingId ?? -1}
      AND COALESCE(block_id, 0) <> ${ignore.blockId ?? -1}
    LIMIT 1`)
  return rows.length > 0
}

/** The reserved night ranges ([start, end) calendar dates) of a listing that touch [from, to). */
export async function reservedRanges(
  req: ReqInTransaction,
  propertyId: number,
  from: string,
  to: string,
): Promise<{ start: string; end: string }[]> {
  const { rows } = await (await db(req)).execute(sql`
    SELECT lower(nights)::text AS start, upper(nights)::text AS end FROM stay_reservations
    WHERE property_id = ${propertyId} AND nights && daterange(${from}::date, ${to}::date, '[)')`)
  return rows.map((r) => ({ start: String(r.start), end: String(r.end) }))
}

/** After a listing changed hands: its bookings and blocks follow (same transaction as the change). */
export async function reassignListingHost(req: ReqInTransaction, propertyId: number, hostId: number): Promise<void> {
  const executor = await db(req)
  await executor.execute(sql`UPDATE bookings SET host_id = ${hostId} WHERE property_id = ${propertyId}`)
  await executor.execute(sql`UPDATE availability_blocks SET host_id = ${hostId} WHERE property_id = ${propertyId}`)
  // Payments are read by the booking's host: they move with the bookings.
  await executor.execute(
    sql`UPDATE payments SET host_id = ${hostId} WHERE booking_id IN (SELECT id FROM bookings WHERE property_id = ${propertyId})`,
  )
}
