import type { z } from 'zod'

import type { ErrorCode } from '@/lib/errors'
import * as s from './schemas'

/**
 * The custom operations of the API (everything beyond Payload's generated collection routes), each
 * described once: the REST endpoint validates its input with these schemas, the GraphQL field of the
 * same name uses the same operation, and the OpenAPI document (src/contract/openapi.ts) is generated
 * from this list, so the published contract cannot drift from the code. The implementations are in
 * src/endpoints/ (one `(req, input) => output` function each, see src/endpoints/operation.ts).
 */
export type Operation = {
  /** Also the GraphQL field name, e.g. `acceptBooking`. */
  operationId: string
  method: 'get' | 'post' | 'patch' | 'delete'
  /** OpenAPI path template under the server root, e.g. `/api/bookings/{id}/accept`. */
  path: string
  summary: string
  description?: string
  tags: string[]
  /** Who may call it: anyone, any signed-in user, or only some roles (the operation still checks). */
  auth: 'none' | 'optional' | 'user' | 'staff'
  params?: z.ZodObject
  query?: z.ZodObject
  body?: z.ZodType
  /** Success status and body. */
  status: number
  response: z.ZodType
  /** Every code this operation can answer with besides the generic ones (MALFORMED_REQUEST, INTERNAL_ERROR). */
  errors: ErrorCode[]
  /** Request headers it reads, e.g. Idempotency-Key. */
  headers?: { name: string; required: boolean; description: string }[]
  /** Response headers it may set, e.g. Idempotent-Replayed. */
  responseHeaders?: { name: string; description: string }[]
  /** The GraphQL field that runs the same operation (absent: REST only). */
  graphql?: { type: 'query' | 'mutation'; description?: string }
}

const idempotencyKey = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Up to 255 visible ASCII characters. The same key from the same user with the same body within 24 h answers the first answer again (with Idempotent-Replayed: true); with another body, 422 IDEMPOTENCY_KEY_REUSED. Also honoured by GraphQL createBooking.',
}

export const searchListings = {
  operationId: 'searchListings',
  method: 'get',
  path: '/api/properties/search',
  summary: 'Search published listings',
  description:
    'Published listings with room for `guests` that are free for the whole stay (when checkIn and checkOut are given), filtered and sorted. Prices are in each listing’s own currency; pass `currency` to compare like with like.',
  tags: ['properties'],
  auth: 'none',
  query: s.searchListingsQuery,
  status: 200,
  response: s.searchListingsResponse,
  errors: ['VALIDATION_FAILED'],
  graphql: { type: 'query' },
} satisfies Operation

export const listingQuote = {
  operationId: 'listingQuote',
  method: 'get',
  path: '/api/properties/{id}/quote',
  summary: 'What a stay would cost',
  description:
    'The price of a stay, computed like a booking’s. 409 DATES_UNAVAILABLE when the dates are taken. Listings the caller may read (published ones for the public).',
  tags: ['properties'],
  auth: 'optional',
  params: s.idParams,
  query: s.listingQuoteQuery,
  status: 200,
  response: s.listingQuoteResponse,
  errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'DATES_UNAVAILABLE', 'UNPROCESSABLE'],
  graphql: { type: 'query' },
} satisfies Operation

export const listingAvailability = {
  operationId: 'listingAvailability',
  method: 'get',
  path: '/api/properties/{id}/availability',
  summary: 'Each night of a period: free or not, and its price',
  description: 'Up to 366 nights. Listings the caller may read (published ones for the public).',
  tags: ['properties'],
  auth: 'optional',
  params: s.idParams,
  query: s.listingAvailabilityQuery,
  status: 200,
  response: s.listingAvailabilityResponse,
  errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  graphql: { type: 'query' },
} satisfies Operation

export const unpublishListing = {
  operationId: 'unpublishListing',
  method: 'post',
  path: '/api/properties/{id}/unpublish',
  summary: 'Staff take a listing off the site',
  description:
    'The listing becomes a draft its host cannot publish again until staff reinstate it. The reason is kept for the host and staff.',
  tags: ['properties'],
  auth: 'staff',
  params: s.idParams,
  body: s.unpublishListingBody,
  status: 200,
  response: s.listingAnswer,
  errors: ['VALIDATION_FAILED', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const reinstateListing = {
  operationId: 'reinstateListing',
  method: 'post',
  path: '/api/properties/{id}/reinstate',
  summary: 'Staff lift a moderation hold',
  description: 'The host can publish the listing again.',
  tags: ['properties'],
  auth: 'staff',
  params: s.idParams,
  status: 200,
  response: s.listingAnswer,
  errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const regenerateCalendarToken = {
  operationId: 'regenerateCalendarToken',
  method: 'post',
  path: '/api/properties/{id}/calendar-token',
  summary: 'A new secret for the listing’s iCal feed',
  description:
    'The listing’s host or staff. The feed GET /api/properties/{id}/calendar.ics?token=… answers the new token only; the old URL is 404 at once. Anyone else gets 404, as if the listing did not exist.',
  tags: ['properties'],
  auth: 'user',
  params: s.idParams,
  status: 200,
  response: s.calendarTokenAnswer,
  errors: ['UNAUTHORIZED', 'NOT_FOUND'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const createBooking = {
  operationId: 'createBooking',
  method: 'post',
  path: '/api/bookings',
  summary: 'Book a stay (or request it)',
  description:
    'Instant-book listings answer `awaiting_payment` (the dates are held while the guest pays), the others `requested` (the host has 24 h to answer). Everything else about the booking (guest, host, price, status, policy) is the server’s.',
  tags: ['bookings'],
  auth: 'user',
  query: s.createBookingQuery,
  body: s.createBookingBody,
  status: 201,
  response: s.bookingAnswer,
  errors: [
    'VALIDATION_FAILED',
    'UNAUTHORIZED',
    'FORBIDDEN',
    'NOT_FOUND',
    'DATES_UNAVAILABLE',
    'CONFLICT',
    'IDEMPOTENCY_KEY_REUSED',
    'UNPROCESSABLE',
  ],
  headers: [idempotencyKey],
  responseHeaders: [
    {
      name: 'Idempotent-Replayed',
      description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.',
    },
  ],
  graphql: { type: 'mutation', description: 'Book a stay. Honours the Idempotency-Key HTTP header like POST /api/bookings.' },
} satisfies Operation

const transition = (operationId: string, verb: string, summary: string, description: string) =>
  ({
    operationId,
    method: 'post',
    path: `/api/bookings/{id}/${verb}`,
    summary,
    description,
    tags: ['bookings'],
    auth: 'user',
    params: s.idParams,
    status: 200,
    response: s.bookingAnswer,
    errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'INVALID_TRANSITION'],
    graphql: { type: 'mutation' },
  }) satisfies Operation

export const acceptBooking = transition(
  'acceptBooking',
  'accept',
  'The host accepts a booking request',
  'The dates are then held while the guest pays (awaiting_payment). Only the listing’s host; 409 once the request expired.',
)
export const declineBooking = transition('declineBooking', 'decline', 'The host declines a booking request', 'Only the listing’s host.')

export const cancelBooking = {
  ...transition(
    'cancelBooking',
    'cancel',
    'Cancel a booking',
    'By its guest (until the stay begins), its host or staff (until check-out). A paid booking is refunded as its cancellation policy says.',
  ),
  body: s.cancelBookingBody,
  errors: ['VALIDATION_FAILED', 'UNAUTHORIZED', 'NOT_FOUND', 'CONFLICT', 'INVALID_TRANSITION'],
} satisfies Operation

export const cancellationPreview = {
  operationId: 'cancellationPreview',
  method: 'get',
  path: '/api/bookings/{id}/cancellation-preview',
  summary: 'What cancelling a booking now would refund',
  description:
    'For whoever may cancel it (its guest, its host, staff): the refund the booking’s policy gives if they cancel now, and the rule that gives it. Changes nothing. 409 when they could not cancel it now.',
  tags: ['bookings'],
  auth: 'user',
  params: s.idParams,
  status: 200,
  response: s.cancellationPreview,
  errors: ['UNAUTHORIZED', 'NOT_FOUND', 'CONFLICT'],
  graphql: { type: 'query' },
} satisfies Operation

const CONVERSATION_ACCESS =
  'The booking’s guest and the listing’s host; staff read it (read only). Anyone else, signed in or not, gets 404, as if the booking did not exist.'

export const bookingMessages = {
  operationId: 'bookingMessages',
  method: 'get',
  path: '/api/bookings/{booking}/messages',
  summary: 'The conversation of a booking, a page at a time',
  description: `${CONVERSATION_ACCESS} Pages hold the oldest messages first; without \`page\` the last (newest) page. The guest or host reading a page marks the other side’s messages on it read; \`unread\` is their count of unread messages before this read. Until the booking is confirmed, email addresses and phone numbers in the texts are hidden.`,
  tags: ['bookings'],
  auth: 'optional',
  params: s.bookingParams,
  query: s.bookingMessagesQuery,
  status: 200,
  response: s.bookingMessagesResponse,
  errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  graphql: { type: 'query' },
} satisfies Operation

export const sendBookingMessage = {
  operationId: 'sendBookingMessage',
  method: 'post',
  path: '/api/bookings/{booking}/messages',
  summary: 'Write in the conversation of a booking',
  description: `The booking’s guest or the listing’s host; staff get 403 (they read conversations, they do not write in them); anyone else, signed in or not, 404, as if the booking did not exist. 409 once the conversation is closed: declined and expired bookings, and 14 days after check-out or cancellation. The other side is mailed once per burst, after MESSAGE_MAIL_DELAY_MINUTES, with the messages they have not read by then. At most MESSAGE_RATE_LIMIT_PER_MINUTE messages a minute per sender (429 RATE_LIMITED with Retry-After).`,
  tags: ['bookings'],
  auth: 'optional',
  params: s.bookingParams,
  body: s.sendBookingMessageBody,
  status: 201,
  response: s.sentBookingMessage,
  errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED'],
  responseHeaders: [{ name: 'Retry-After', description: 'With 429: seconds until the sender may write again.' }],
  graphql: { type: 'mutation' },
} satisfies Operation

export const createPaymentIntent = {
  operationId: 'createPaymentIntent',
  method: 'post',
  path: '/api/bookings/{id}/payment-intent',
  summary: 'The Stripe PaymentIntent to pay a booking with',
  description: 'The booking’s guest only; the amount is the server’s quote. Calling it again returns the same intent.',
  tags: ['bookings', 'payments'],
  auth: 'user',
  params: s.idParams,
  status: 200,
  response: s.paymentIntentResponse,
  errors: ['UNAUTHORIZED', 'NOT_FOUND', 'CONFLICT', 'PAYMENT_PROVIDER_UNAVAILABLE', 'SERVICE_UNAVAILABLE'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const respondToReview = {
  operationId: 'respondToReview',
  method: 'post',
  path: '/api/reviews/{id}/response',
  summary: 'The listing’s host answers a published review, once',
  tags: ['reviews'],
  auth: 'user',
  params: s.idParams,
  body: s.respondToReviewBody,
  status: 200,
  response: s.reviewAnswer,
  errors: ['VALIDATION_FAILED', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const hideReview = {
  operationId: 'hideReview',
  method: 'post',
  path: '/api/reviews/{id}/hide',
  summary: 'Staff take a published review off the site',
  description: 'The listing’s ratings are recomputed in the same transaction.',
  tags: ['reviews'],
  auth: 'staff',
  params: s.idParams,
  body: s.hideReviewBody,
  status: 200,
  response: s.reviewModerationAnswer,
  errors: ['VALIDATION_FAILED', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const unhideReview = {
  operationId: 'unhideReview',
  method: 'post',
  path: '/api/reviews/{id}/unhide',
  summary: 'Staff publish a hidden review again',
  tags: ['reviews'],
  auth: 'staff',
  params: s.idParams,
  status: 200,
  response: s.reviewModerationAnswer,
  errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const syncCalendarFeed = {
  operationId: 'syncCalendarFeed',
  method: 'post',
  path: '/api/calendar-feeds/{id}/sync',
  summary: 'Sync an imported calendar now',
  description:
    'The listing’s host or staff. The worker fetches the feed soon (at most once a minute per feed; more clicks return the same job); lastSyncedAt, lastStatus and lastError tell how it went. Anyone else gets 404.',
  tags: ['calendar-feeds'],
  auth: 'user',
  params: s.idParams,
  status: 202,
  response: s.syncCalendarFeedAnswer,
  errors: ['UNAUTHORIZED', 'NOT_FOUND', 'SERVICE_UNAVAILABLE'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const runReconciliation = {
  operationId: 'runReconciliation',
  method: 'post',
  path: '/api/reconciliation/run',
  summary: 'Staff start a reconciliation with Stripe now',
  description:
    'The worker runs it like the scheduled one; the report appears in reconciliation-reports. While one is queued or running, that run is returned instead of a new one.',
  tags: ['payments'],
  auth: 'staff',
  status: 202,
  response: s.runReconciliationResponse,
  errors: ['UNAUTHORIZED', 'FORBIDDEN', 'SERVICE_UNAVAILABLE'],
  graphql: { type: 'mutation' },
} satisfies Operation

export const OPERATIONS: Operation[] = [
  searchListings,
  listingQuote,
  listingAvailability,
  unpublishListing,
  reinstateListing,
  regenerateCalendarToken,
  createBooking,
  acceptBooking,
  declineBooking,
  cancelBooking,
  cancellationPreview,
  bookingMessages,
  sendBookingMessage,
  createPaymentIntent,
  respondToReview,
  hideReview,
  unhideReview,
  runReconciliation,
  syncCalendarFeed,
]
