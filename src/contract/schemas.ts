import { z } from 'zod'

import { BOOKING_STATUSES } from '@/domain/bookingStatus'
import { AMENITIES, CANCELLATION_POLICIES, PROPERTY_TYPES } from '@/domain/listing'
import { CURRENCY_CODES } from '@/domain/money'
import { REVIEW_STATUSES, REVIEW_SUBJECTS, RESPONSE_MAX } from '@/domain/reviews'
import { MAX_RADIUS_KM, MAX_SEARCH_LIMIT, SEARCH_COUNT_CAP, SEARCH_SORTS } from '@/domain/searchParams'
import { isCalendarDate } from '@/domain/stayDates'
import { INT4_MAX } from '@/domain/ids'
import { MESSAGE_MAX_CHARS, MESSAGES_MAX_PER_PAGE, MESSAGES_PER_PAGE, MESSAGE_SIDES, messageTextProblem } from '@/domain/messages'

/**
 * The input and output schemas of Staybase's custom operations (src/contract/operations.ts lists them),
 * written once: the REST endpoints and GraphQL fields validate input with them, src/contract/types.ts
 * derives the response types frontends use, and the OpenAPI document is generated from them.
 *
 * Conventions: money is an integer in the currency's minor unit (`z.int()`), counts are integers, stay
 * dates are `YYYY-MM-DD` calendar dates, ids are Postgres int4. Query parameters arrive as text and are
 * coerced (`z.coerce.number()`); an empty query parameter counts as absent. The messages are the ones
 * the API answers with (400 VALIDATION_FAILED, `field` = the path); a schema without its own message
 * gets one from src/contract/validate.ts.
 */

/** Names for GraphQL object types built from these schemas (src/endpoints/graphql.ts); kept out of the JSON Schema. */
export const graphqlNames = z.registry<{ name: string; collection?: 'bookings' | 'properties' | 'reviews' }>()
const named = <T extends z.ZodType>(schema: T, name: string, collection?: 'bookings' | 'properties' | 'reviews'): T => {
  graphqlNames.add(schema, { name, collection })
  return schema
}

// ---------------------------------------------------------------------------------------------------
// Building blocks

/** A calendar date `YYYY-MM-DD` (a stay's check-in or check-out, a night). */
export const stayDate = (message?: string) =>
  z.iso
    .date(message ? { error: message } : undefined)
    // 0001…0099 and the like pass the format but are no dates the stay arithmetic accepts.
    .refine(isCalendarDate, message ? { error: message } : { params: { calendarDate: true } })
    .meta({ description: 'A calendar date, YYYY-MM-DD.', examples: ['2027-04-24'] })

/** An amount of money in the currency's minor unit (12000 EUR = €120.00). */
export const money = () => z.int().meta({ description: "An amount in the currency's minor unit (12000 EUR = €120.00; JPY has none)." })
export const count = () => z.int().min(0)
export const currency = z.enum(CURRENCY_CODES).meta({ description: 'ISO 4217 currency code.' })

/** A document id in the path. Anything else names no document: the endpoints answer 404, not 400. */
export const idParams = z.object({
  id: z
    .union([z.int(), z.string().regex(/^[1-9]\d{0,9}$/)])
    .pipe(z.coerce.number<string | number>().int().min(1).max(INT4_MAX))
    .meta({ description: 'The document id.' }),
})

/** A whole number from the query string (written plainly: `1e3`, `0x10` or ` 5` are not) or a GraphQL Int. */
const queryInt = (name: string, min: number, max: number) =>
  z
    .union([z.int(), z.string().regex(/^-?\d{1,15}$/, { error: `${name} must be a whole number.` })], {
      error: `${name} must be a whole number.`,
    })
    .pipe(
      z.coerce
        .number<string | number>()
        .int({ error: `${name} must be a whole number.` })
        .min(min, { error: `${name} must be between ${min} and ${max}.` })
        .max(max, { error: `${name} must be between ${min} and ${max}.` }),
    )

const queryNumber = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number between ${min} and ${max}.` })
    .min(min, { error: `${name} must be a number between ${min} and ${max}.` })
    .max(max, { error: `${name} must be a number between ${min} and ${max}.` })

/** A free-text reason or answer: trimmed, then min…max characters. */
const text = (name: string, min: number, max: number, message = `${name} must be ${min} to ${max} characters.`) =>
  z.string({ error: message }).trim().min(min, { error: message }).max(max, { error: message })

// ---------------------------------------------------------------------------------------------------
// Documents returned by the operations (Payload's collection documents; relations are ids at depth 0).
// Only the fields a frontend relies on are listed; the documents carry the collection's other readable
// fields too (see payload-types.ts for all of them).

const relationId = z
  .union([z.int(), z.looseObject({ id: z.int() })])
  .meta({ description: 'The related document: its id, or the document itself where the answer is populated (depth ≥ 1).' })
const timestamp = z.string().meta({ description: 'An instant, ISO 8601 in UTC.' })

export const stayQuoteNight = named(z.object({ date: stayDate(), rate: money(), weekend: z.boolean() }), 'StayQuoteNight')
export const stayQuote = named(
  z.object({
    currency,
    nights: count(),
    perNight: z.array(stayQuoteNight),
    nightlySubtotal: money(),
    discount: money().meta({ description: 'Weekly or monthly discount, subtracted from the nightly subtotal.' }),
    cleaningFee: money(),
    serviceFee: money(),
    taxes: money(),
    total: money(),
  }),
  'StayQuote',
)

export const bookingDocument = named(
  z
    .looseObject({
      id: z.int(),
      property: relationId,
      guest: relationId.nullable().optional(),
      host: relationId.nullable().optional(),
      checkIn: stayDate(),
      checkOut: stayDate(),
      guests: z.int(),
      status: z.enum(BOOKING_STATUSES).nullable().optional(),
      quote: z.looseObject({ currency: currency.nullable().optional(), total: money().nullable().optional() }).nullable().optional(),
      cancellationPolicy: z.enum(CANCELLATION_POLICIES).nullable().optional(),
      holdExpiresAt: timestamp.nullable().optional(),
      refundAmount: money().nullable().optional(),
      createdAt: timestamp,
      updatedAt: timestamp,
    })
    .meta({ description: 'A booking (the bookings collection document, depth 0).' }),
  'Booking',
  'bookings',
)

export const propertyDocument = named(
  z
    .looseObject({
      id: z.int(),
      title: z.string(),
      slug: z.string().nullable().optional(),
      host: relationId.nullable().optional(),
      _status: z.enum(['draft', 'published']).nullable().optional(),
      moderation: z.looseObject({ reason: z.string().nullable().optional() }).nullable().optional(),
      createdAt: timestamp,
      updatedAt: timestamp,
    })
    .meta({ description: 'A listing (the properties collection document, depth 0).' }),
  'Property',
  'properties',
)

export const reviewDocument = named(
  z
    .looseObject({
      id: z.int(),
      subject: z.enum(REVIEW_SUBJECTS),
      status: z.enum(REVIEW_STATUSES).nullable().optional(),
      property: relationId.nullable().optional(),
      booking: relationId.nullable().optional(),
      hostResponse: z
        .looseObject({ text: z.string().nullable().optional(), respondedAt: timestamp.nullable().optional() })
        .nullable()
        .optional(),
      hiddenReason: z.string().nullable().optional(),
      createdAt: timestamp,
      updatedAt: timestamp,
    })
    .meta({ description: 'A review (the reviews collection document, depth 0).' }),
  'Review',
  'reviews',
)

const rating = z.number().min(1).max(5).nullable()
export const listingRatings = named(
  z.object({
    ratingAverage: rating,
    reviewCount: count(),
    ratingBreakdown: named(
      z.object({ cleanliness: rating, accuracy: rating, communication: rating, location: rating, checkIn: rating, value: rating }),
      'ListingRatingBreakdown',
    ),
  }),
  'ListingRatings',
)

// ---------------------------------------------------------------------------------------------------
// Listings: search, quote, availability

export const searchListingsQuery = z.object({
  checkIn: stayDate('checkIn and checkOut must both be dates as YYYY-MM-DD.').optional(),
  checkOut: stayDate('checkIn and checkOut must both be dates as YYYY-MM-DD.').optional(),
  guests: queryInt('guests', 1, 50).optional().meta({ description: 'Default 1.' }),
  city: z.string().max(200).optional(),
  country: z
    .string()
    .max(2, { error: 'country must be an ISO 3166-1 alpha-2 code such as CH.' })
    .optional()
    .meta({ description: 'ISO 3166-1 alpha-2, e.g. CH.' }),
  currency: z.string().max(3, { error: 'Unknown currency.' }).optional().meta({ description: 'Only listings priced in this currency.' }),
  minPrice: queryInt('minPrice', 0, 100_000_000).optional().meta({ description: 'Nightly rate, minor units.' }),
  maxPrice: queryInt('maxPrice', 0, 100_000_000).optional().meta({ description: 'Nightly rate, minor units.' }),
  amenities: z
    .string()
    .max(1000)
    .optional()
    .meta({ description: `Comma-separated, all required: ${AMENITIES.join(', ')}.` }),
  propertyType: z.enum(PROPERTY_TYPES).optional(),
  lat: queryNumber('lat', -90, 90).optional(),
  lng: queryNumber('lng', -180, 180).optional(),
  radiusKm: queryNumber('radiusKm', 0.1, MAX_RADIUS_KM).optional().meta({ description: 'Default 25 when lat and lng are given.' }),
  sort: z.enum(SEARCH_SORTS).optional().meta({ description: 'Default distance with lat/lng, else price.' }),
  page: queryInt('page', 1, 10_000).optional().meta({ description: 'Default 1. Deep pages are cheaper through `cursor`.' }),
  limit: queryInt('limit', 1, MAX_SEARCH_LIMIT).optional().meta({ description: 'Default 20.' }),
  cursor: z.string().max(1000, { error: 'cursor is not a cursor this search gave out; start again without it.' }).optional().meta({
    description: 'The `nextCursor` of the previous page, with the same filters, sort and limit (not with `page`): the page after it.',
  }),
})

export const listingSearchHit = named(
  z.object({
    id: z.int(),
    title: z.string(),
    slug: z.string(),
    city: z.string(),
    country: z.string(),
    coverPhotoUrl: z.string().nullable(),
    nightlyRate: money(),
    currency: z.string(),
    total: money().optional().meta({ description: 'The whole stay, fees and taxes included, when checkIn and checkOut were given.' }),
    ratingAverage: rating,
    reviewCount: count(),
    distanceKm: z.number().optional().meta({ description: 'When searching around lat/lng.' }),
  }),
  'ListingSearchHit',
)

export const searchListingsResponse = z.object({
  docs: z.array(listingSearchHit),
  totalDocs: count().meta({
    description: `The matches, counted up to ${SEARCH_COUNT_CAP}: above that it says ${SEARCH_COUNT_CAP} and totalDocsExact is false.`,
  }),
  totalDocsExact: z.boolean().meta({ description: `Whether totalDocs is the exact count (false: more than ${SEARCH_COUNT_CAP} match).` }),
  page: z.int().min(1),
  totalPages: count().meta({ description: 'ceil(totalDocs / limit): a lower bound when totalDocsExact is false.' }),
  limit: z.int().min(1),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
})

const STAY_DATES = 'checkIn and checkOut must be dates as YYYY-MM-DD.'
export const listingQuoteQuery = z.object({
  checkIn: stayDate(STAY_DATES),
  checkOut: stayDate(STAY_DATES),
  guests: z
    .union([z.int(), z.string().regex(/^\d{1,9}$/, { error: 'guests must be a whole number, at least 1.' })], {
      error: 'guests must be a whole number, at least 1.',
    })
    .pipe(z.coerce.number<string | number>().int().min(1, { error: 'guests must be a whole number, at least 1.' }).max(INT4_MAX))
    .optional()
    .meta({ description: 'Default 1.' }),
})

export const listingQuoteResponse = z.object({
  property: z.int(),
  checkIn: stayDate(),
  checkOut: stayDate(),
  guests: z.int(),
  instantBook: z.boolean(),
  quote: stayQuote,
})

const AVAILABILITY_DATES = 'from and to must be dates as YYYY-MM-DD.'
export const listingAvailabilityQuery = z.object({
  from: stayDate(AVAILABILITY_DATES).optional().meta({ description: 'Default today (UTC).' }),
  to: stayDate(AVAILABILITY_DATES).meta({ description: '1 to 366 days after from.' }),
})

export const availabilityNight = named(z.object({ date: stayDate(), available: z.boolean(), price: money() }), 'AvailabilityNight')
export const listingAvailabilityResponse = z.object({
  property: z.int(),
  currency,
  minNights: count(),
  maxNights: count(),
  nights: z.array(availabilityNight),
})

// ---------------------------------------------------------------------------------------------------
// Bookings

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

export const createBookingQuery = z.object({
  depth: z.coerce
    .number()
    .int()
    .min(0)
    .max(9)
    .optional()
    .meta({ description: 'How deep relations are populated in the answer (REST only). Default 1.' }),
})

export const createBookingBody = z.looseObject({
  // Never coerced (README, API input rules): "5", "1e3" or true are not ids.
  property: z
    .int({ error: 'property must be a listing id.' })
    .min(1, { error: 'property must be a listing id.' })
    .max(INT4_MAX, { error: 'property must be a listing id.' })
    .meta({ description: 'The listing id.' }),
  checkIn: stayDate(STAY_DATES),
  checkOut: stayDate(STAY_DATES),
  guests: z
    .int({ error: 'guests must be a whole number, at least 1.' })
    .min(1, { error: 'guests must be a whole number, at least 1.' })
    .max(50, { error: 'guests must be at most 50.' }),
  messageToHost: z
    .string({ error: 'messageToHost must be text.' })
    .max(1000, { error: 'messageToHost can be at most 1000 characters.' })
    .nullable()
    .optional(),
})

export const bookingAnswer = z.object({ message: z.string(), doc: bookingDocument })

export const cancelBookingBody = z.object({
  reason: z.string({ error: 'reason must be text.' }).trim().max(1000, { error: 'The reason can be at most 1000 characters.' }).optional(),
})

export const cancellationPreview = z.object({
  refundAmount: money().meta({ description: 'What cancelling now would give back, in minor units of `currency`.' }),
  currency: z.string().meta({ description: 'ISO 4217, as in the booking quote.' }),
  policy: z.enum(CANCELLATION_POLICIES).meta({ description: 'The cancellation policy snapshotted on the booking.' }),
  rule: z.string().meta({ description: 'The line of the refund rules that gives this amount, in words.' }),
})

export const paymentIntentResponse = z.object({
  clientSecret: z.string().meta({ description: "For Stripe.js confirmPayment; the guest's browser pays with it." }),
  paymentIntentId: z.string(),
  amount: money(),
  currency: z.string().meta({ description: 'ISO 4217, as in the booking quote.' }),
})

// ---------------------------------------------------------------------------------------------------
// Listing moderation

export const unpublishListingBody = z.object({ reason: text('reason', 3, 1000, 'Give a reason (3 to 1000 characters).') })
export const calendarTokenAnswer = z.object({
  property: z.int(),
  calendarToken: z.string().meta({ description: 'The secret of GET /api/properties/{id}/calendar.ics?token=…' }),
})

export const listingAnswer = z.object({ message: z.string(), doc: propertyDocument })

// ---------------------------------------------------------------------------------------------------
// Booking messages (a conversation per booking, src/endpoints/bookingMessages.ts)

/** The booking in the path of its conversation (GraphQL: the `booking` argument). Not an id: 404, as for any booking one may not see. */
export const bookingParams = z.object({ booking: idParams.shape.id.meta({ description: 'The booking id.' }) })

export const bookingMessagesQuery = z.object({
  page: queryInt('page', 1, 100_000)
    .optional()
    .meta({ description: 'Page 1 holds the oldest messages. Default: the last page (the newest messages), where a chat opens.' }),
  limit: queryInt('limit', 1, MESSAGES_MAX_PER_PAGE)
    .optional()
    .meta({ description: `Messages per page, 1…${MESSAGES_MAX_PER_PAGE}. Default ${MESSAGES_PER_PAGE}.` }),
})

export const sendBookingMessageBody = z.object({
  text: z
    .string({ error: 'text must be text.' })
    .superRefine((value, ctx) => {
      const problem = messageTextProblem(value)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .meta({
      description: `1…${MESSAGE_MAX_CHARS} characters (Unicode code points), not only whitespace; stored as written (not trimmed), shown as text (never HTML). No NUL or unpaired surrogates.`,
    }),
})

export const bookingMessage = named(
  z.object({
    id: z.int(),
    fromRole: z.enum(MESSAGE_SIDES).meta({ description: 'Which side wrote it: the booking’s guest or its host.' }),
    text: z.string().meta({
      description:
        'As written — except that until the booking is confirmed, email addresses and phone numbers read as "[hidden until the booking is confirmed]" (the stored text is unchanged).',
    }),
    createdAt: z.string().meta({ description: 'UTC, ISO 8601.' }),
    readAt: z.string().nullable().meta({
      description:
        'When the other side first read it (UTC), null while unread. In the answer that reads a message for the first time it is still null: the answer shows the page as it was.',
    }),
  }),
  'BookingMessage',
)

export const bookingMessagesResponse = named(
  z.object({
    docs: z.array(bookingMessage).meta({ description: 'Oldest first: the newest message is the last.' }),
    totalDocs: count(),
    page: z.int(),
    totalPages: z.int(),
    hasNextPage: z.boolean(),
    hasPrevPage: z.boolean(),
    limit: z.int(),
    unread: count().nullable().meta({
      description:
        'How many of the other side’s messages the caller (guest or host) had not read before this request — in the whole conversation, not only this page. Reading a page marks the other side’s messages on it read. Null for staff, whose reading marks nothing.',
    }),
    side: z.enum(MESSAGE_SIDES).nullable().meta({ description: 'The caller’s side in the conversation: guest or host; null for staff.' }),
    canSend: z.boolean().meta({ description: 'Whether the caller may write in the conversation now.' }),
  }),
  'BookingMessages',
)

export const sentBookingMessage = named(z.object({ message: z.string(), doc: bookingMessage }), 'SentBookingMessage')

// ---------------------------------------------------------------------------------------------------
// Reviews

export const respondToReviewBody = z.object({ text: text('text', 1, RESPONSE_MAX) })
export const hideReviewBody = z.object({ reason: text('reason', 3, 1000) })
export const reviewAnswer = z.object({ message: z.string(), doc: reviewDocument })
export const reviewModerationAnswer = z.object({
  message: z.string(),
  doc: reviewDocument,
  /** The listing's ratings, recomputed. */
  listing: listingRatings,
})

// ---------------------------------------------------------------------------------------------------
// Payments

export const syncCalendarFeedAnswer = z.object({
  message: z.string(),
  feed: z.int(),
  jobId: z.string().meta({ description: 'The queued sync; one per feed and minute (a second click within the minute is the same job).' }),
})

export const runReconciliationResponse = z.object({
  message: z.string(),
  jobId: z.string().meta({ description: 'The queued (or already running) reconciliation job.' }),
})
