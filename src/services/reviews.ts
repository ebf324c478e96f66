import { sql } from '@payloadcms/db-postgres/drizzle'

import { BOOKING_LIFECYCLE_QUEUE, jobIds } from '@/jobs/registry'
import type { Booking } from '@/payload-types'
import { bookingRef } from '@/domain/payments'
import { type ListingRatings, type RatedReview, type SubRating, listingRatings, reviewWindowClosesAt } from '@/domain/reviews'
import { env } from '@/lib/env'
import { parseId } from '@/domain/ids'
import { toStayDate } from '@/lib/stayDateField'
import { bumpAfterCommit, deps } from './cache'
import { enqueue } from './queue'
import { lockUntilCommit, sqlExecutor } from './sqlExecutor'
import type { ReqInTransaction } from './transaction'

/**
 * Reviews after they are written: the blind reveal (both sides in, or the window closed) and the
 * listing's ratings, recomputed from its published reviews of stays in the same transaction as every
 * publish or hide. Ratings are written straight into the listing's row (not as a new version of it).
 */

/** One review change at a time per booking: two sides submitting at once both see each other. */
export async function lockBookingReviews(req: ReqInTransaction, bookingId: number): Promise<void> {
  await lockUntilCommit(req, 'staybase:booking-reviews', bookingId)
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

/** The ratings in the listing's live row. */
export async function currentListingRatings(
  req: ReqInTransaction,
  propertyId: number,
): Promise<Pick<ListingRatings, 'ratingAverage' | 'reviewCount' | 'ratingBreakdown'> | null> {
  // FOR UPDATE: a review published between this read and the caller's write waits for it (and the
  // caller's write then cannot put back older numbers).
  const { rows } = await (await sqlExecutor(req.payload, req)).execute(sql`
    SELECT rating_average, review_count, rating_breakdown_cleanliness, rating_breakdown_accuracy, rating_breakdown_communication,
           rating_breakdown_location, rating_breakdown_check_in, rating_breakdown_value
    FROM properties WHERE id = ${propertyId} FOR UPDATE`)
  const row = rows[0]
  if (!row) return null
  return {
    ratingAverage: num(row.rating_average),
    reviewCount: num(row.review_count) ?? 0,
    ratingBreakdown: {
      cleanliness: num(row.rating_breakdown_cleanliness),
      accuracy: num(row.rating_breakdown_accuracy),
      communication: num(row.rating_breakdown_communication),
      location: num(row.rating_breakdown_location),
      checkIn: num(row.rating_breakdown_check_in),
      value: num(row.rating_breakdown_value),
    },
  }
}

/** Recompute a listing's ratings from its published reviews of stays, and store them. */
export async function recomputeListingRatings(req: ReqInTransaction, propertyId: number): Promise<ListingRatings> {
  const db = await sqlExecutor(req.payload, req)
  // One recomputation per listing at a time: two stays of one listing published or hidden at once
  // must not each compute from a view without the other's change and overwrite each other.
  await db.execute(sql`SELECT 1 FROM properties WHERE id = ${propertyId} FOR UPDATE`)
  const { rows } = await db.execute(sql`
    SELECT rating, sub_ratings_cleanliness, sub_ratings_accuracy, sub_ratings_communication, sub_ratings_location, sub_ratings_check_in, sub_ratings_value
    FROM reviews WHERE property_id = ${propertyId} AND subject = 'property' AND status = 'published'`)
  const reviews: RatedReview[] = rows.map((r) => ({
    rating: Number(r.rating),
    subRatings: {
      cleanliness: num(r.sub_ratings_cleanliness),
      accuracy: num(r.sub_ratings_accuracy),
      communication: num(r.sub_ratings_communication),
      location: num(r.sub_ratings_location),
      checkIn: num(r.sub_ratings_check_in),
      value: num(r.sub_ratings_value),
    } satisfies Record<SubRating, number | null>,
  }))
  const ratings = listingRatings(reviews)
  const b = ratings.ratingBreakdown
  await db.execute(sql`
    UPDATE properties SET rating_average = ${ratings.ratingAverage}, review_count = ${ratings.reviewCount},
      rating_breakdown_cleanliness = ${b.cleanliness}, rating_breakdown_accuracy = ${b.accuracy},
      rating_breakdown_communication = ${b.communication}, rating_breakdown_location = ${b.location},
      rating_breakdown_check_in = ${b.checkIn}, rating_breakdown_value = ${b.value}
    WHERE id = ${propertyId}`)
  // Written past the listing's hooks: its cached document and the search pages showing it go stale here.
  await bumpAfterCommit(req, [deps.listing(propertyId), deps.listings])
  return ratings
}

/** Publish a booking's pending reviews (both sides in, or the window closed), then the listing's ratings. */
export async function publishPendingReviews(req: ReqInTransaction, bookingId: number): Promise<number> {
  const { docs } = await req.payload.find({
    collection: 'reviews',
    where: { and: [{ booking: { equals: bookingId } }, { status: { equals: 'pending' } }] },
    depth: 0,
    limit: 10,
    overrideAccess: true,
    req,
  })
  if (docs.length === 0) return 0
  const publishedAt = new Date().toISOString()
  for (const review of docs) {
    await req.payload.update({
      collection: 'reviews',
      id: review.id,
      data: { status: 'published', publishedAt },
      depth: 0,
      overrideAccess: true,
      req,
    })
  }
  await recomputeListingRatings(req, parseId(docs[0]!.property)!)
  return docs.length
}

/** The job that reveals a lone review when the window closes (deterministic id per booking). */
export async function scheduleReveal(booking: Booking): Promise<void> {
  const runAt = reviewWindowClosesAt(toStayDate(booking.checkOut)!, env.REVIEW_WINDOW_DAYS)
  await enqueue(
    BOOKING_LIFECYCLE_QUEUE,
    'reveal-reviews',
    { bookingId: booking.id },
    { jobId: jobIds.revealReviews(bookingRef(booking)), runAt },
  )
}
