import type { CollectionBeforeChangeHook } from 'payload'

import { REVIEW_SUBJECTS, type ReviewSubject, SUB_RATINGS, checkReviewAllowed } from '@/domain/reviews'
import { env } from '@/lib/env'
import { badRequest, conflict, forbidden, notFound, refused, unauthorized } from '@/lib/errors'
import { parseId, sameId } from '@/domain/ids'
import { toStayDate } from '@/lib/stayDateField'
import { lockBookingReviews } from '@/services/reviews'

/**
 * Who may write this review, and what the server decides about it: the guest reviews the stay, the
 * host the guest, only of a completed stay, only within the review window, once per side (also a unique
 * index). The review starts `pending`: blind until the other side has written theirs or the window
 * closes. Client-sent property, author, status, publishedAt, hostResponse are dropped by field access.
 */
export const prepareReview: CollectionBeforeChangeHook = async ({ data, operation, req, context }) => {
  if (operation !== 'create' || context.seed) return data
  if (!req.user) throw unauthorized('Sign in to write a review.')
  const bookingId = parseId(data.booking)
  if (bookingId === null) throw badRequest('booking must be the id of the stay you are reviewing.', { field: 'booking' })
  const subject = data.subject as ReviewSubject
  if (!REVIEW_SUBJECTS.includes(subject))
    throw badRequest('subject must be "property" (a guest reviews the stay) or "guest" (the host reviews the guest).', { field: 'subject' })

  await lockBookingReviews(req, bookingId)
  const booking = await req.payload.findByID({
    collection: 'bookings',
    id: bookingId,
    depth: 0,
    overrideAccess: true,
    disableErrors: true,
    req,
  })
  if (!booking) throw notFound('Booking not found.', { field: 'booking' })
  const isGuest = sameId(booking.guest, req.user)
  const isHost = sameId(booking.host, req.user)
  if (!isGuest && !isHost) throw forbidden('You can only review stays you were part of.')
  const refusal = checkReviewAllowed({
    subject,
    isGuest,
    isHost,
    bookingStatus: booking.status ?? '',
    checkOut: toStayDate(booking.checkOut)!,
    now: new Date(),
    windowDays: env.REVIEW_WINDOW_DAYS,
  })
  if (refusal) throw refused(refusal)

  const existing = await req.payload.count({
    collection: 'reviews',
    where: { and: [{ booking: { equals: bookingId } }, { subject: { equals: subject } }] },
    overrideAccess: true,
    req,
  })
  if (existing.totalDocs > 0)
    throw conflict(subject === 'property' ? 'You have already reviewed this stay.' : 'You have already reviewed this guest.', {
      code: 'ALREADY_REVIEWED',
    })

  const subRatings = (data.subRatings ?? {}) as Record<string, unknown>
  const given = SUB_RATINGS.filter((key) => subRatings[key] !== undefined && subRatings[key] !== null)
  if (subject === 'guest' && given.length > 0)
    throw badRequest('subRatings are for reviews of a stay, not of a guest.', { field: 'subRatings' })

  return {
    ...data,
    booking: bookingId,
    subject,
    property: parseId(booking.property),
    author: Number(req.user.id),
    status: 'pending',
    publishedAt: null,
    subRatings: subject === 'property' ? data.subRatings : undefined,
  }
}
