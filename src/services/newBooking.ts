import { randomBytes } from 'node:crypto'

import { sql } from '@payloadcms/db-postgres'
import type { PayloadRequest, SanitizedCollectionConfig } from 'payload'

import type { Booking } from '../payload-types'
import { isCurrency } from '../domain/money'
import { quoteStay, totalProblem } from '../domain/pricing'
import { utcDate } from '../domain/stayDates'
import { stayProblem } from '../domain/stayRules'
import { env } from '../lib/env'
import { HttpError, badRequest, conflict, forbidden, notFound, unauthorized } from '../lib/errors'
import { parseId } from '../lib/ids'
import { requireStayDate } from '../lib/stayDateField'
import { type KeyClaim, createdMark } from './idempotency'
import { listingCalendarLock } from './reservations'
import { sqlExecutor } from './sqlExecutor'

/**
 * A new booking: what the server decides about it (`decideNewBooking`, shared by the collection's
 * beforeChange hook and the booking endpoint) and the one statement that writes it (`insertBooking`).
 *
 * Nothing is checked for overlaps first: the exclusion constraint on stay_reservations (fed by the
 * bookings trigger in the same statement) is the guarantee, and a write that meets an active booking or
 * block of those nights fails with 23P01 — answered as 409 DATES_UNAVAILABLE.
 */
export type NewBooking = {
  property: number
  guest: number
  host: number | null
  checkIn: string
  checkOut: string
  status: 'awaiting_payment' | 'requested'
  holdExpiresAt: string
  cancellationPolicy: Booking['cancellationPolicy']
  quote: NonNullable<Booking['quote']> & { perNight: { date: string; rate: number; weekend: boolean }[] }
}

/** The refusal of a booking whose nights are taken, whether found by a check or by the constraint. */
export const datesUnavailable = () => conflict('Those dates are not available for this listing.', { code: 'DATES_UNAVAILABLE', field: 'checkIn' })

export async function decideNewBooking(
  req: PayloadRequest,
  collection: SanitizedCollectionConfig,
  data: { property?: unknown; checkIn?: unknown; checkOut?: unknown; guests?: unknown },
): Promise<NewBooking> {
  if (!req.user) throw unauthorized('Sign in to book.')

  const propertyId = parseId(data.property)
  if (propertyId === null) throw badRequest('property must be a listing id.', { field: 'property' })
  const listing = await req.payload.findByID({ collection: 'properties', id: propertyId, depth: 0, overrideAccess: true, disableErrors: true, req })
  if (!listing || listing._status !== 'published') throw notFound('This listing does not exist or is not published.', { field: 'property' })
  if (String(listing.host) === String(req.user.id)) throw forbidden('Hosts cannot book their own listings.')

  const checkIn = requireStayDate(collection, 'checkIn', data.checkIn)
  const checkOut = requireStayDate(collection, 'checkOut', data.checkOut)
  const problem = stayProblem({ checkIn, checkOut, guests: data.guests as number }, listing, utcDate(new Date()))
  if (problem) throw badRequest(problem.message, { field: problem.field })
  if (!isCurrency(listing.pricing.currency)) throw conflict('This listing has no valid price.')

  const quote = quoteStay({ ...listing.pricing, currency: listing.pricing.currency }, checkIn, checkOut, env.SERVICE_FEE_PERCENT)
  const tooDear = totalProblem(quote)
  if (tooDear) throw new HttpError(422, tooDear.message, { code: 'UNPROCESSABLE', field: tooDear.field })
  const instant = listing.instantBook !== false
  return {
    property: listing.id,
    guest: Number(req.user.id),
    host: parseId(listing.host),
    checkIn,
    checkOut,
    status: instant ? 'awaiting_payment' : 'requested',
    // Instant bookings hold the dates while the guest pays; requests give the host 24 h to answer.
    holdExpiresAt: new Date(Date.now() + (instant ? env.BOOKING_HOLD_MINUTES * 60_000 : 24 * 3_600_000)).toISOString(),
    cancellationPolicy: listing.cancellationPolicy,
    quote: { ...quote, perNight: quote.perNight.map(({ date, rate, weekend }) => ({ date, rate, weekend })) },
  }
}

/** An array row id as Payload makes them (an ObjectId's 24 hex digits: seconds, then random bytes). */
const arrayRowId = () => Math.floor(Date.now() / 1000).toString(16).padStart(8, '0') + randomBytes(8).toString('hex')

/**
 * Writes the booking and its nightly price rows in ONE statement (the trigger adds its stay_reservations
 * row in the same statement), so it is atomic without BEGIN/COMMIT: it either commits whole, or fails
 * whole — with 23P01 when the nights are taken. The statement first takes the listing's calendar lock,
 * held until it commits, so writers of one listing's nights go one at a time: two requests for the same
 * nights → the second waits for the first's commit and then fails, exactly one wins, and the constraint
 * never has two in-flight inserts waiting on each other (a 40P01 deadlock). Returns the new booking's id.
 */
export async function insertBooking(
  req: PayloadRequest,
  booking: NewBooking,
  client: { guests: number; messageToHost: string | null },
  /** The Idempotency-Key claim this booking answers, marked with the booking in the same statement. */
  claim: KeyClaim | null = null,
): Promise<number> {
  const q = booking.quote
  const nights = JSON.stringify(q.perNight.map((n, i) => ({ ord: i + 1, id: arrayRowId(), date: n.date, rate: n.rate, weekend: n.weekend })))
  // Timestamps as Payload writes them (ISO, milliseconds, UTC), never the client's.
  const now = new Date().toISOString()
  const db = await sqlExecutor(req.payload, req)
  const { rows } = await db.execute(sql`
    WITH calendar AS (
      SELECT ${listingCalendarLock(booking.property)}
    ), booking AS (
      INSERT INTO bookings (property_id, guest_id, host_id, check_in, check_out, guests, status,
        quote_currency, quote_nights, quote_nightly_subtotal, quote_discount, quote_cleaning_fee, quote_service_fee, quote_taxes, quote_total,
        cancellation_policy, hold_expires_at, message_to_host, updated_at, created_at)
      SELECT ${booking.property}, ${booking.guest}, ${booking.host}, ${booking.checkIn}, ${booking.checkOut}, ${client.guests}, ${booking.status},
        ${q.currency}, ${q.nights}, ${q.nightlySubtotal}, ${q.discount}, ${q.cleaningFee}, ${q.serviceFee}, ${q.taxes}, ${q.total},
        ${booking.cancellationPolicy ?? null}, ${booking.holdExpiresAt}, ${client.messageToHost}, ${now}, ${now}
      FROM calendar
      RETURNING id
    ), nights AS (
      INSERT INTO bookings_quote_per_night (_order, _parent_id, id, date, rate, weekend)
      SELECT n.ord, booking.id, n.id, n.date, n.rate, n.weekend
      FROM booking, jsonb_to_recordset(${nights}::jsonb) AS n(ord integer, id varchar, date varchar, rate numeric, weekend boolean)
    )${claim ? sql`, marked AS (${createdMark(claim)})` : sql``}
    SELECT id FROM booking`)
  return Number(rows[0]!.id)
}
