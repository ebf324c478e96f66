import type { z } from 'zod'

import type * as s from './schemas'

/**
 * The answers of Staybase's custom endpoints (and the matching GraphQL fields), as TypeScript types —
 * inferred from the schemas the endpoints validate and answer with, and used by the endpoints
 * themselves, so they cannot drift. A frontend imports them next to Payload's generated
 * `payload-types.ts` (see the README, "Typed answers for frontends"). The documents inside (`doc`) are
 * described by their main fields; `Booking`, `Property` and `Review` in payload-types.ts have them all.
 */

/** GET /api/properties/search · GraphQL `searchListings` */
export type SearchListingsResponse = z.output<typeof s.searchListingsResponse>
export type ListingSearchHit = z.output<typeof s.listingSearchHit>
export type SearchListingsQuery = z.input<typeof s.searchListingsQuery>

/** GET /api/properties/:id/quote · GraphQL `listingQuote` */
export type ListingQuoteResponse = z.output<typeof s.listingQuoteResponse>
export type StayQuote = z.output<typeof s.stayQuote>
export type ListingQuoteQuery = z.input<typeof s.listingQuoteQuery>

/** GET /api/properties/:id/availability · GraphQL `listingAvailability` */
export type ListingAvailabilityResponse = z.output<typeof s.listingAvailabilityResponse>
export type ListingAvailabilityQuery = z.input<typeof s.listingAvailabilityQuery>

/** POST /api/bookings (201), /api/bookings/:id/accept | decline | cancel · GraphQL `createBooking`, `acceptBooking`, `declineBooking`, `cancelBooking` (GraphQL answers the `doc`) */
export type BookingAnswer = z.output<typeof s.bookingAnswer>
export type BookingDocument = z.output<typeof s.bookingDocument>
export type CreateBookingBody = z.output<typeof s.createBookingBody>
export type CancelBookingBody = z.input<typeof s.cancelBookingBody>

/** GET /api/bookings/:id/messages · GraphQL `bookingMessages`; POST …/messages (201) · `sendBookingMessage` */
export type BookingMessagesResponse = z.output<typeof s.bookingMessagesResponse>
export type BookingMessage = z.output<typeof s.bookingMessage>
export type BookingMessagesQuery = z.input<typeof s.bookingMessagesQuery>
export type SentBookingMessage = z.output<typeof s.sentBookingMessage>
export type SendBookingMessageBody = z.input<typeof s.sendBookingMessageBody>

/** POST /api/bookings/:id/payment-intent · GraphQL `createPaymentIntent` */
export type PaymentIntentResponse = z.output<typeof s.paymentIntentResponse>

/** POST /api/properties/:id/unpublish | reinstate · GraphQL `unpublishListing`, `reinstateListing` (GraphQL answers the `doc`) */
export type ListingAnswer = z.output<typeof s.listingAnswer>
export type UnpublishListingBody = z.input<typeof s.unpublishListingBody>

/** POST /api/reviews/:id/response · GraphQL `respondToReview` (GraphQL answers the `doc`) */
export type ReviewAnswer = z.output<typeof s.reviewAnswer>
export type RespondToReviewBody = z.input<typeof s.respondToReviewBody>

/** POST /api/reviews/:id/hide | unhide · GraphQL `hideReview`, `unhideReview` (GraphQL answers the `doc`) */
export type ReviewModerationAnswer = z.output<typeof s.reviewModerationAnswer>
export type HideReviewBody = z.input<typeof s.hideReviewBody>
export type ListingRatings = z.output<typeof s.listingRatings>

/** POST /api/reconciliation/run (202) · GraphQL `runReconciliation` */
export type RunReconciliationResponse = z.output<typeof s.runReconciliationResponse>

/**
 * Every error answer of the API (REST); GraphQL carries `code` and `field` in `errors[].extensions`.
 * `code` is the union of the documented codes (src/lib/errors.ts), so a frontend's switch is checked.
 */
export type { ApiErrorBody as ErrorResponse, ApiErrorItem as ErrorItem } from '@/lib/errorCodes'
export type { ErrorCode } from '@/lib/errors'
