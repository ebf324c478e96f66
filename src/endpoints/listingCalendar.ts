import type { PayloadRequest } from 'payload'

import type { Property } from '@/payload-types'
import * as contract from '@/contract/operations'
import { isCurrency } from '@/domain/money'
import { quoteStay, totalProblem } from '@/domain/pricing'
import { holds } from '@/domain/calendar'
import { nightsBetween, nightsOf, utcDate } from '@/domain/stayDates'
import { stayProblem } from '@/domain/stayRules'
import { env } from '@/lib/env'
import { HttpError, badRequest, conflict, notFound } from '@/lib/errors'
import { isBooked, reservedRanges } from '@/services/reservations'
import { implement, restEndpoint } from './operation'

/**
 * GET /api/properties/:id/quote?checkIn=&checkOut=&guests= (GraphQL `listingQuote`) — what a stay would
 * cost (the same function bookings use), 409 when the dates are taken.
 * GET /api/properties/:id/availability?from=&to= (GraphQL `listingAvailability`) — each night up to 366
 * days: free or not, and its price.
 * Both answer for listings the caller may read (published ones for the public).
 */
async function readableListing(req: PayloadRequest, id: number): Promise<Property & { pricing: { currency: string } }> {
  const listing = await req.payload.findByID({
    collection: 'properties',
    id,
    depth: 0,
    overrideAccess: false,
    user: req.user,
    disableErrors: true,
    req,
  })
  if (!listing || !isCurrency(listing.pricing?.currency)) throw notFound('Listing not found.')
  return listing
}

export const listingQuoteOperation = implement({
  contract: contract.listingQuote,
  notFoundMessage: 'Listing not found.',
  run: async (req, { id, checkIn, checkOut, guests = 1 }) => {
    const listing = await readableListing(req, id)
    const problem = stayProblem({ checkIn, checkOut, guests }, listing, utcDate(new Date()))
    if (problem) throw badRequest(problem.message, { field: problem.field })
    if (await isBooked(req, listing.id, checkIn, checkOut))
      throw conflict('Those dates are not available for this listing.', { code: 'DATES_UNAVAILABLE', field: 'checkIn' })
    const currency = listing.pricing.currency as Parameters<typeof quoteStay>[0]['currency']
    const quote = quoteStay({ ...listing.pricing, currency }, checkIn, checkOut, env.SERVICE_FEE_PERCENT)
    const tooDear = totalProblem(quote)
    if (tooDear) throw new HttpError(422, tooDear.message, { code: 'UNPROCESSABLE', field: tooDear.field })
    return { property: listing.id, checkIn, checkOut, guests, instantBook: listing.instantBook !== false, quote }
  },
})

export const listingAvailabilityOperation = implement({
  contract: contract.listingAvailability,
  notFoundMessage: 'Listing not found.',
  run: async (req, { id, from = utcDate(new Date()), to }) => {
    const listing = await readableListing(req, id)
    const days = nightsBetween(from, to)
    if (days < 1 || days > 366) throw badRequest('to must be 1 to 366 days after from.', { field: 'to' })
    const taken = await reservedRanges(req, listing.id, from, to)
    const today = utcDate(new Date())
    const currency = listing.pricing.currency as Parameters<typeof quoteStay>[0]['currency']
    // One price per night of from–to, in the same order as nightsOf(from, to).
    const prices = quoteStay({ ...listing.pricing, currency }, from, to, 0).perNight
    const nights = nightsOf(from, to).map((date, i) => ({
      date,
      available: date >= today && !taken.some((r) => holds(r, date)),
      price: prices[i]!.rate,
    }))
    return { property: listing.id, currency, minNights: listing.minNights, maxNights: listing.maxNights, nights }
  },
})

export const quoteListing = restEndpoint(listingQuoteOperation, '/:id/quote')
export const listingAvailability = restEndpoint(listingAvailabilityOperation, '/:id/availability')
