import type { Endpoint, PayloadRequest } from 'payload'

import type { Property } from '../payload-types'
import { isCurrency } from '../domain/money'
import { quoteStay } from '../domain/pricing'
import { isCalendarDate, nightsBetween, nightsOf, utcDate } from '../domain/stayDates'
import { stayProblem } from '../domain/stayRules'
import { env } from '../lib/env'
import { badRequest, conflict, notFound } from '../lib/errors'
import { parseId } from '../lib/ids'
import { isBooked, reservedRanges } from '../services/reservations'

/**
 * GET /api/properties/:id/quote?checkIn=&checkOut=&guests= — what a stay would cost (the same function
 * bookings use), 409 when the dates are taken.
 * GET /api/properties/:id/availability?from=&to= — each night up to 366 days: free or not, and its price.
 * Both answer for listings the caller may read (published ones for the public).
 */
async function readableListing(req: PayloadRequest): Promise<Property> {
  const id = parseId(req.routeParams?.id)
  if (id === null) throw notFound('Listing not found.')
  const listing = await req.payload.findByID({ collection: 'properties', id, depth: 0, overrideAccess: false, user: req.user, disableErrors: true, req })
  if (!listing || !isCurrency(listing.pricing?.currency)) throw notFound('Listing not found.')
  return listing
}

const query = (req: PayloadRequest, name: string) => new URL(req.url ?? 'http://x').searchParams.get(name) ?? undefined

export const quoteListing: Endpoint = {
  path: '/:id/quote',
  method: 'get',
  handler: async (req) => {
    const listing = await readableListing(req)
    const checkIn = query(req, 'checkIn')
    const checkOut = query(req, 'checkOut')
    const guestsText = query(req, 'guests') ?? '1'
    const guests = /^\d{1,3}$/.test(guestsText) ? Number(guestsText) : Number.NaN
    const problem = stayProblem({ checkIn, checkOut, guests }, listing, utcDate(new Date()))
    if (problem) throw badRequest(problem.message, { field: problem.field })
    if (await isBooked(req, listing.id, checkIn!, checkOut!)) throw conflict('Those dates are not available for this listing.', { code: 'DATES_UNAVAILABLE', field: 'checkIn' })
    const quote = quoteStay({ ...listing.pricing, currency: listing.pricing.currency }, checkIn!, checkOut!, env.SERVICE_FEE_PERCENT)
    return Response.json({ property: listing.id, checkIn, checkOut, guests, instantBook: listing.instantBook !== false, quote })
  },
}

export const listingAvailability: Endpoint = {
  path: '/:id/availability',
  method: 'get',
  handler: async (req) => {
    const listing = await readableListing(req)
    const from = query(req, 'from') ?? utcDate(new Date())
    const to = query(req, 'to')
    if (!isCalendarDate(from) || !isCalendarDate(to)) throw badRequest('from and to must be dates as YYYY-MM-DD.')
    const days = nightsBetween(from, to!)
    if (days < 1 || days > 366) throw badRequest('to must be 1 to 366 days after from.')
    const taken = await reservedRanges(req, listing.id, from, to!)
    const today = utcDate(new Date())
    const prices = quoteStay({ ...listing.pricing, currency: listing.pricing.currency }, from, to!, 0).perNight
    const nights = nightsOf(from, to!).map((date, i) => ({
      date,
      available: date >= today && !taken.some((r) => r.start <= date && date < r.end),
      price: prices[i].rate,
    }))
    return Response.json({ property: listing.id, currency: listing.pricing.currency, minNights: listing.minNights, maxNights: listing.maxNights, nights })
  },
}
