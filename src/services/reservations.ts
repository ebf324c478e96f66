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

/**
 * Nights an imported calendar took (calendar_events that are not echoes of our own bookings): outside
 * stay_reservations, since feeds may overlap each other, blocks and (as conflicts) bookings. A probe of
 * the partial GiST index calendar_events_nights_idx. `property` is a listing id or a column (search).
 */
export const importedNightsOverlap = (property: number | SQL, checkIn: string, checkOut: string): SQL => sql`EXISTS (
  SELECT 1 FROM calendar_events e
  WHERE e.property_id = ${property} AND NOT e.echo
    AND daterange(e.start_date, e.end_date, '[)') && daterange(${checkIn}::date, ${checkOut}::date, '[)') OFFSET 0)`

/**
 * Whether any active booking or block of the listing, or an imported calendar's event, overlaps
 * [checkIn, checkOut). Blocks may overlap imported nights (a host blocking a week that Airbnb also sold
 * is harmless): their check passes `imports: false`.
 */
export async function isBooked(
  req: ReqInTransaction,
  propertyId: number,
  checkIn: string,
  checkOut: string,
  ignore: { bookingId?: number; blockId?: number; imports?: boolean } = {},
): Promise<boolean> {
  const { rows } = await (await db(req)).execute(sql`
    SELECT 1 FROM stay_reservations
    WHERE property_id = ${propertyId}
      AND nights && daterange(${checkIn}::date, ${checkOut}::date, '[)')
      AND COALESCE(booking_id, 0) <> ${ignore.bookingId ?? -1}
      AND COALESCE(block_id, 0) <> ${ignore.blockId ?? -1}
    ${ignore.imports === false ? sql`` : sql`UNION ALL SELECT 1 WHERE ${importedNightsOverlap(propertyId, checkIn, checkOut)}`}
    LIMIT 1`)
  return rows.length > 0
}

/** The reserved night ranges ([start, end) calendar dates) of a listing that touch [from, to), imported ones included (they may overlap). */
export async function reservedRanges(
  req: ReqInTransaction,
  propertyId: number,
  from: string,
  to: string,
): Promise<{ start: string; end: string }[]> {
  const { rows } = await (await db(req)).execute(sql`
    SELECT lower(nights)::text AS start, upper(nights)::text AS end FROM stay_reservations
    WHERE property_id = ${propertyId} AND nights && daterange(${from}::date, ${to}::date, '[)')
    UNION ALL
    SELECT start_date::text, end_date::text FROM calendar_events
    WHERE property_id = ${propertyId} AND NOT echo AND daterange(start_date, end_date, '[)') && daterange(${from}::date, ${to}::date, '[)')`)
  return rows.map((r) => ({ start: String(r.start), end: String(r.end) }))
}

/** After a listing changed hands: its bookings and blocks follow (same transaction as the change). */
export async function reassignListingHost(req: ReqInTransaction, propertyId: number, hostId: number): Promise<void> {
  const executor = await db(req)
  await executor.execute(sql`UPDATE bookings SET host_id = ${hostId} WHERE property_id = ${propertyId}`)
  await executor.execute(sql`UPDATE availability_blocks SET host_id = ${hostId} WHERE property_id = ${propertyId}`)
  await executor.execute(sql`UPDATE calendar_feeds SET host_id = ${hostId} WHERE property_id = ${propertyId}`)
  await executor.execute(sql`UPDATE calendar_events SET host_id = ${hostId} WHERE property_id = ${propertyId}`)
  // Payments are read by the booking's host: they move with the bookings.
  await executor.execute(
    sql`UPDATE payments SET host_id = ${hostId} WHERE booking_id IN (SELECT id FROM bookings WHERE property_id = ${propertyId})`,
  )
}
