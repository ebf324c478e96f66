import { randomBytes } from 'node:crypto'

import { sql } from '@payloadcms/db-postgres'
import type { SanitizedCollectionConfig } from 'payload'

import type { Booking } from '@/payload-types'
import { bookingTitle } from '@/domain/bookingTitle'
import { isCurrency } from '@/domain/money'
import { quoteStay, totalProblem } from '@/domain/pricing'
import { utcDate } from '@/domain/stayDates'
import { stayProblem } from '@/domain/stayRules'
import { env } from '@/lib/env'
import { HttpError, badRequest, conflict, forbidden, notFound, unauthorized } from '@/lib/errors'
import { parseId, sameId } from '@/domain/ids'
import { requireStayDate } from '@/lib/stayDateField'
import { LISTING_COLUMNS, listingDocument } from '@/listingDocument'
import { ACCOUNT_JSON, type AccountRow } from './bookingAnswer'
import { type KeyClaim, createdMark } from './idempotency'
import { listingCalendarLock } from './reservations'
import { sqlExecutor } from './sqlExecutor'
import type { ReqInTransaction } from './transaction'

/**
 * A new booking: what the server decides about it (`decideNewBooking`, shared by the collection's
 * beforeChange hook and the booking endpoint, from one read of the listing and the people) and the one
 * statement that writes it (`insertBooking`).
 *
 * Nothing is checked for overlaps first: the exclusion constraint on stay_reservations (fed by the
 * bookings trigger in the same statement) is the guarantee, and a write that meets an active booking or
 * block of those nights fails with 23P01 — answered as 409 DATES_UNAVAILABLE.
 */
export type NewBooking = {
  title: string
  property: number
  guest: number
  host: number | null
  checkIn: string
  checkOut: string
  status: 'awaiting_payment' | 'requested'
  holdExpiresAt: string
  cancellationPolicy: Booking['cancellationPolicy']
  quote: Omit<NonNullable<Booking['quote']>, 'perNight'> & { perNight: { date: string; rate: number; weekend: boolean }[] }
}

/** The refusal of a booking whose nights are taken, whether found by a check or by the constraint. */
export const datesUnavailable = () =>
  conflict('Those dates are not available for this listing.', { code: 'DATES_UNAVAILABLE', field: 'checkIn' })

/** What a booking is decided from: the published listing and the people of the booking, read in one statement. */
export type BookingContext = {
  /** The listing as a guest reads it at depth 0 (src/listingDocument.ts). */
  listing: ReturnType<typeof listingDocument>
  /** The guest's and the host's accounts, as stored (src/services/bookingAnswer.ts turns them into what the guest may read). */
  people: Map<number, AccountRow>
}

/**
 * One statement: the listing (only when published) and the accounts of the guest and the listing's
 * host, with their roles and sessions — what the booking is decided from and what its answer embeds.
 */
async function readBookingContext(req: ReqInTransaction, propertyId: number, guestId: number): Promise<BookingContext | null> {
  const db = await sqlExecutor(req.payload, req)
  const { rows } = await db.execute(sql`
    SELECT ${sql.raw(LISTING_COLUMNS)},
      (SELECT json_agg(${sql.raw(ACCOUNT_JSON)}) FROM users u WHERE u.id IN (p.host_id, ${guestId})) AS people
    FROM properties p WHERE p.id = ${propertyId} AND p._status = 'published'`)
  const row = rows[0]
  if (!row) return null
  const people = new Map(((row.people ?? []) as AccountRow[]).map((account) => [account.id, account]))
  return { listing: listingDocument(row), people }
}

export async function decideNewBooking(
  req: ReqInTransaction,
  collection: SanitizedCollectionConfig,
  data: { property?: unknown; checkIn?: unknown; checkOut?: unknown; guests?: unknown },
): Promise<{ booking: NewBooking; context: BookingContext }> {
  if (!req.user) throw unauthorized('Sign in to book.')

  const propertyId = parseId(data.property)
  if (propertyId === null) throw badRequest('property must be a listing id.', { field: 'property' })
  const context = await readBookingContext(req, propertyId, Number(req.user.id))
  if (!context) throw notFound('This listing does not exist or is not published.', { field: 'property' })
  const { listing } = context
  if (sameId(listing.host, req.user)) throw forbidden('Hosts cannot book their own listings.')

  const checkIn = requireStayDate(collection, 'checkIn', data.checkIn)
  const checkOut = requireStayDate(collection, 'checkOut', data.checkOut)
  const problem = stayProblem({ checkIn, checkOut, guests: data.guests as number }, listing, utcDate(new Date()))
  if (problem) throw badRequest(problem.message, { field: problem.field })
  const { pricing } = listing
  if (!isCurrency(pricing.currency)) throw conflict('This listing has no valid price.')

  const quote = quoteStay({ ...pricing, currency: pricing.currency }, checkIn, checkOut, env.SERVICE_FEE_PERCENT)
  const tooDear = totalProblem(quote)
  if (tooDear) throw new HttpError(422, tooDear.message, { code: 'UNPROCESSABLE', field: tooDear.field })
  const instant = listing.instantBook !== false
  const booking: NewBooking = {
    title: bookingTitle({ guestName: context.people.get(Number(req.user.id))?.name, listingTitle: listing.title, checkIn, checkOut }),
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
  return { booking, context }
}

/** A new booking's first history entry: its first status, set by its guest (src/domain/bookingHistory.ts). */
export const firstHistoryEntry = (booking: NewBooking, at: string) =>
  ({ status: booking.status, at, actor: 'guest', by: booking.guest, note: null }) as const

/** What the INSERT wrote that the server did not decide before: the id, the timestamps, the nightly rows' and the history row's ids. */
export type WrittenBooking = {
  id: number
  createdAt: string
  perNight: { id: string; date: string; rate: number; weekend: boolean }[]
  historyId: string
}

/** An array row id as Payload makes them (an ObjectId's 24 hex digits: seconds, then random bytes). */
const arrayRowId = () =>
  Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0') + randomBytes(8).toString('hex')

/**
 * Writes the booking and its nightly price rows in ONE statement (the trigger adds its stay_reservations
 * row in the same statement), so it is atomic without BEGIN/COMMIT: it either commits whole, or fails
 * whole — with 23P01 when the nights are taken. The statement first takes the listing's calendar lock,
 * held until it commits, so writers of one listing's nights go one at a time: two requests for the same
 * nights → the second waits for the first's commit and then fails, exactly one wins, and the constraint
 * never has two in-flight inserts waiting on each other (a 40P01 deadlock).
 */
export async function insertBooking(
  req: ReqInTransaction,
  booking: NewBooking,
  client: { guests: number; messageToHost: string | null },
  /** The Idempotency-Key claim this booking answers, marked with the booking in the same statement. */
  claim: KeyClaim | null = null,
): Promise<WrittenBooking> {
  const q = booking.quote
  const perNight = q.perNight.map((n) => ({ id: arrayRowId(), date: n.date, rate: n.rate, weekend: n.weekend }))
  const nights = JSON.stringify(perNight.map((n, i) => ({ ord: i + 1, ...n })))
  // Timestamps as Payload writes them (ISO, milliseconds, UTC), never the client's.
  const now = new Date().toISOString()
  const first = firstHistoryEntry(booking, now)
  const historyId = arrayRowId()
  const db = await sqlExecutor(req.payload, req)
  const { rows } = await db.execute(sql`
    WITH calendar AS (
      SELECT ${listingCalendarLock(booking.property)}
    ), booking AS (
      INSERT INTO bookings (title, property_id, guest_id, host_id, check_in, check_out, guests, status,
        quote_currency, quote_nights, quote_nightly_subtotal, quote_discount, quote_cleaning_fee, quote_service_fee, quote_taxes, quote_total,
        cancellation_policy, hold_expires_at, message_to_host, updated_at, created_at)
      SELECT ${booking.title}, ${booking.property}, ${booking.guest}, ${booking.host}, ${booking.checkIn}, ${booking.checkOut}, ${client.guests}, ${booking.status},
        ${q.currency}, ${q.nights}, ${q.nightlySubtotal}, ${q.discount}, ${q.cleaningFee}, ${q.serviceFee}, ${q.taxes}, ${q.total},
        ${booking.cancellationPolicy ?? null}, ${booking.holdExpiresAt}, ${client.messageToHost}, ${now}, ${now}
      FROM calendar
      RETURNING id
    ), nights AS (
      INSERT INTO bookings_quote_per_night (_order, _parent_id, id, date, rate, weekend)
      SELECT n.ord, booking.id, n.id, n.date, n.rate, n.weekend
      FROM booking, jsonb_to_recordset(${nights}::jsonb) AS n(ord integer, id varchar, date varchar, rate numeric, weekend boolean)
    ), history AS (
      INSERT INTO bookings_history (_order, _parent_id, id, status, at, actor, by_id)
      SELECT 1, booking.id, ${historyId}, ${first.status}, ${first.at}, ${first.actor}, ${first.by} FROM booking
    )${claim ? sql`, marked AS (${createdMark(claim)})` : sql``}
    SELECT id FROM booking`)
  return { id: Number(rows[0]!.id), createdAt: now, perNight, historyId }
}
