import * as contract from '@/contract/operations'
import { isCurrency } from '@/domain/money'
import { decodeCursor, encodeCursor } from '@/domain/searchCursor'
import { quoteStay, totalProblem } from '@/domain/pricing'
import { parseSearch } from '@/domain/searchParams'
import { env } from '@/lib/env'
import { badRequest } from '@/lib/errors'
import { cachedSearch } from '@/services/cache'
import { searchListings } from '@/services/listingSearch'
import { implement, restEndpoint } from './operation'

/**
 * GET /api/properties/search (GraphQL `searchListings`) — published listings with room for `guests` that
 * are free for the whole stay, filtered and sorted; see the README for the parameters. Prices are in each
 * listing's own currency (minor units); pass `currency` to compare like with like. The schema checks each
 * parameter; parseSearch (src/domain/searchParams.ts) the rules between them.
 */
export const searchListingsOperation = implement({
  contract: contract.searchListings,
  run: async (req, input) => {
    const values = input as Record<string, unknown>
    const parsed = parseSearch((name) => (values[name] === undefined ? null : String(values[name])))
    if (!parsed.ok) throw badRequest(parsed.message, { field: parsed.field })
    const c = parsed.criteria
    if (c.cursor) {
      const decoded = decodeCursor(env.PAYLOAD_SECRET, c, c.cursor)
      if (!decoded.ok) throw badRequest(decoded.message, { field: 'cursor' })
      c.after = decoded.after
    }
    const page = c.after?.page ?? c.page
    const { rows, totalDocs, totalDocsExact, next } = await cachedSearch(req, c, () => searchListings(req.payload, c))
    const base = env.SERVER_URL.replace(/\/$/, '')
    // A stay dearer than one payment can take has no bookable total (see MAX_STAY_TOTAL): none is shown.
    const totalOf = (r: (typeof rows)[number], stay: NonNullable<typeof c.stay>, currency: Parameters<typeof quoteStay>[0]['currency']) => {
      const quote = quoteStay({ ...r, currency }, stay.checkIn, stay.checkOut, env.SERVICE_FEE_PERCENT)
      return totalProblem(quote) ? {} : { total: quote.total }
    }
    const docs = rows.map((r) => ({
      id: r.id,
      title: r.title,
      slug: r.slug,
      city: r.city,
      country: r.country,
      coverPhotoUrl: r.coverFilename ? `${base}/api/media/file/${encodeURIComponent(r.coverFilename)}` : null,
      nightlyRate: r.nightlyRate,
      currency: r.currency,
      ...(c.stay && isCurrency(r.currency) ? totalOf(r, c.stay, r.currency) : {}),
      ratingAverage: r.ratingAverage,
      reviewCount: r.reviewCount,
      ...(r.distanceKm !== null ? { distanceKm: Math.round(r.distanceKm * 100) / 100 } : {}),
    }))
    // totalPages follows the (possibly capped) count: past 1,000 matches it is a lower bound, and
    // nextCursor (or a page past totalPages) still walks on.
    return {
      docs,
      totalDocs,
      totalDocsExact,
      page,
      totalPages: Math.ceil(totalDocs / c.limit),
      limit: c.limit,
      nextCursor: next ? encodeCursor(env.PAYLOAD_SECRET, c, next, page + 1) : null,
    }
  },
})

export const searchListingsEndpoint = restEndpoint(searchListingsOperation, '/search')
