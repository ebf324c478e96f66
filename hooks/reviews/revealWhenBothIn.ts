import type { CollectionAfterChangeHook } from 'payload'

import type { Booking } from '@/payload-types'
import { parseId } from '@/domain/ids'
import { publishPendingReviews, scheduleReveal } from '@/services/reviews'

/**
 * After a review is written: if the other side's review is already in, both are published now (same
 * transaction, under the booking's review lock taken in prepareReview). Otherwise the reveal job is
 * scheduled for when the window closes; if Redis is down, the booking sweep reveals it instead.
 */
export const revealWhenBothIn: CollectionAfterChangeHook = async ({ doc, operation, req, context }) => {
  if (operation !== 'create' || context.seed) return doc
  const bookingId = parseId(doc.booking)!
  const both = await req.payload.count({ collection: 'reviews', where: { booking: { equals: bookingId } }, overrideAccess: true, req })
  if (both.totalDocs >= 2) {
    await publishPendingReviews(req, bookingId)
    const published = await req.payload.findByID({ collection: 'reviews', id: doc.id, depth: 0, overrideAccess: true, req })
    return { ...doc, status: published.status, publishedAt: published.publishedAt }
  }
  const booking = (await req.payload.findByID({ collection: 'bookings', id: bookingId, depth: 0, overrideAccess: true, req })) as Booking
  await scheduleReveal(booking).catch((error: unknown) =>
    req.payload.logger.warn({ err: error, bookingId: booking.id, msg: 'could not schedule the review reveal; the sweep will do it' }),
  )
  return doc
}
