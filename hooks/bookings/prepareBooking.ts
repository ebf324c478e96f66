import type { CollectionBeforeChangeHook } from 'payload'

import { quoteStay, totalProblem } from '../../src/domain/pricing'
import { isCurrency } from '../../src/domain/money'
import { utcDate } from '../../src/domain/stayDates'
import { stayProblem } from '../../src/domain/stayRules'
import { env } from '../../src/lib/env'
import { HttpError, badRequest, conflict, forbidden, notFound, unauthorized } from '../../src/lib/errors'
import { parseId } from '../../src/lib/ids'
import { requireStayDate } from '../../src/lib/stayDateField'
import { isBooked, lockListingCalendar } from '../../src/services/reservations'

/**
 * Everything about a new booking that the server decides: who the guest is, whether the stay is
 * allowed and free, what it costs, its status and hold. Client-sent values for these never survive
 * (field access strips them before this runs).
 */
export const prepareBooking: CollectionBeforeChangeHook = async ({ collection, data, operation, req }) => {
  if (operation !== 'create') return data
  if (!req.user) throw unauthorized('Sign in to book.')

  const propertyId = parseId(data.property)
  if (propertyId === null) throw badRequest('property must be a listing id.', { field: 'property' })
  const listing = await req.payload.findByID({ collection: 'properties', id: propertyId, depth: 0, overrideAccess: true, disableErrors: true, req })
  if (!listing || listing._status !== 'published') throw notFound('This listing does not exist or is not published.', { field: 'property' })
  if (String(listing.host) === String(req.user.id)) throw forbidden('Hosts cannot book their own listings.')

  const checkIn = requireStayDate(collection, 'checkIn', data.checkIn)
  const checkOut = requireStayDate(collection, 'checkOut', data.checkOut)
  const problem = stayProblem({ checkIn, checkOut, guests: data.guests }, listing, utcDate(new Date()))
  if (problem) throw badRequest(problem.message, { field: problem.field })
  if (!isCurrency(listing.pricing.currency)) throw conflict('This listing has no valid price.')

  await lockListingCalendar(req, listing.id)
  if (await isBooked(req, listing.id, checkIn, checkOut)) throw conflict('Those dates are not available for this listing.', { code: 'DATES_UNAVAILABLE', field: 'checkIn' })

  const quote = quoteStay({ ...listing.pricing, currency: listing.pricing.currency }, checkIn, checkOut, env.SERVICE_FEE_PERCENT)
  const tooDear = totalProblem(quote)
  if (tooDear) throw new HttpError(422, tooDear.message, { code: 'UNPROCESSABLE', field: tooDear.field })
  const instant = listing.instantBook !== false
  const now = Date.now()
  return {
    ...data,
    property: listing.id,
    guest: req.user.id,
    host: listing.host,
    checkIn,
    checkOut,
    status: instant ? 'awaiting_payment' : 'requested',
    // Instant bookings hold the dates while the guest pays; requests give the host 24 h to answer.
    holdExpiresAt: new Date(now + (instant ? env.BOOKING_HOLD_MINUTES * 60_000 : 24 * 3_600_000)).toISOString(),
    cancellationPolicy: listing.cancellationPolicy,
    quote: { ...quote, perNight: quote.perNight.map(({ date, rate, weekend }) => ({ date, rate, weekend })) },
  }
}
