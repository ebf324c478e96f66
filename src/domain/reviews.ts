import { type Refusal, refusal } from './refusal'
import { addDays } from './stayDates'

/** Reviews: who may write what, when, and what a listing's ratings are. Pure. */
export const REVIEW_SUBJECTS = ['property', 'guest'] as const
export type ReviewSubject = (typeof REVIEW_SUBJECTS)[number]
export const REVIEW_STATUSES = ['pending', 'published', 'hidden'] as const
export type ReviewStatus = (typeof REVIEW_STATUSES)[number]
export const SUB_RATINGS = ['cleanliness', 'accuracy', 'communication', 'location', 'checkIn', 'value'] as const
export type SubRating = (typeof SUB_RATINGS)[number]

export const COMMENT_MIN = 10
export const COMMENT_MAX = 2000
export const RESPONSE_MAX = 1000

/**
 * The review window: from check-out until the end of the `days`-th day after it (UTC). A stay that
 * ended on the 10th with a 14-day window can be reviewed through the 24th.
 */
export function reviewWindowClosesAt(checkOut: string, days: number): Date {
  return new Date(`${addDays(checkOut, days + 1)}T00:00:00.000Z`)
}

/** May this person write this review of this stay now? null = yes. */
export function checkReviewAllowed(args: {
  subject: ReviewSubject
  isGuest: boolean
  isHost: boolean
  bookingStatus: string
  checkOut: string
  now: Date
  windowDays: number
}): Refusal | null {
  if (args.subject === 'property' && !args.isGuest) return refusal('forbidden', 'Only the guest who stayed can review this stay.')
  if (args.subject === 'guest' && !args.isHost) return refusal('forbidden', "Only the listing's host can review this guest.")
  if (args.bookingStatus !== 'completed') {
    return refusal('conflict', `Reviews open once the stay is completed; this booking is ${args.bookingStatus.replace('_', ' ')}.`)
  }
  const closes = reviewWindowClosesAt(args.checkOut, args.windowDays)
  if (args.now.getTime() >= closes.getTime()) {
    return refusal(
      'closed',
      `The review window for this stay closed on ${addDays(args.checkOut, args.windowDays)} (${args.windowDays} days after check-out).`,
      'REVIEW_WINDOW_CLOSED',
    )
  }
  return null
}

/** Half-up to 2 decimals, on the exact rational (sum / count), not on a float that already drifted. */
export function average2(sum: number, count: number): number | null {
  if (count === 0) return null
  // sum and count are integers: scale first, divide once, round half-up.
  return Math.floor((sum * 100 * 2 + count) / (2 * count)) / 100
}

export type RatedReview = { rating: number; subRatings?: Partial<Record<SubRating, number | null>> | null }
export type ListingRatings = {
  ratingAverage: number | null
  reviewCount: number
  ratingBreakdown: Record<SubRating, number | null>
}

/** A listing's ratings from its published reviews of stays: the average of each, over the reviews that gave it. */
export function listingRatings(reviews: readonly RatedReview[]): ListingRatings {
  const breakdown = {} as Record<SubRating, number | null>
  for (const key of SUB_RATINGS) {
    const given = reviews.map((r) => r.subRatings?.[key]).filter((v): v is number => typeof v === 'number')
    breakdown[key] = average2(
      given.reduce((a, b) => a + b, 0),
      given.length,
    )
  }
  return {
    ratingAverage: average2(
      reviews.reduce((a, r) => a + r.rating, 0),
      reviews.length,
    ),
    reviewCount: reviews.length,
    ratingBreakdown: breakdown,
  }
}

/** Is a 1–5 whole-star rating. */
export const isStarRating = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5
