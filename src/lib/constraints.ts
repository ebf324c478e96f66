import { causedBy } from './errors'
import type { ErrorCode } from './errors'

/** The exclusion constraint that keeps a listing's booked and blocked nights from overlapping. */
export const NO_OVERLAP_CONSTRAINT = 'stay_reservations_no_overlap'
/** Named by the bookings trigger that refuses nights an imported calendar took (migration calendar_import). */
export const IMPORTED_NIGHTS_CONSTRAINT = 'calendar_events_taken'
/** Named by Payload from the reviews collection's compound index (booking, subject). */
export const ONE_REVIEW_PER_SIDE_INDEX = 'booking_subject_idx'

/** Two stays (or a stay and a block) on the same nights: the constraint refused the write. */
export const isOverlapViolation = (error: unknown): boolean =>
  causedBy(error, (e) => e.code === '23P01' && (e.constraint === NO_OVERLAP_CONSTRAINT || e.constraint === IMPORTED_NIGHTS_CONSTRAINT))

/** The unique (booking, subject) index refused a second review of one side, however the adapter wrapped it. */
export const isDuplicateReview = (error: unknown): boolean =>
  causedBy(
    error,
    (e) =>
      (e.code === '23505' && e.constraint === ONE_REVIEW_PER_SIDE_INDEX) ||
      // Payload's postgres adapter turns 23505 into a ValidationError naming the index's columns.
      !!e.data?.errors?.some((x) => /booking_id/.test(x.path ?? '') && /subject/.test(x.path ?? '')),
  )

/**
 * Database guarantees whose violation is the client's conflict, not a bug. The pre-checks answer these
 * first; a write that races past them reaches the constraint, and is answered the same on REST and
 * GraphQL (src/lib/errorCodes.ts) — never a 500.
 */
export function constraintAnswer(error: unknown): { code: ErrorCode; status: number; message: string; field?: string } | null {
  if (isOverlapViolation(error)) {
    return { code: 'DATES_UNAVAILABLE', status: 409, message: 'Those dates are no longer available for this listing.', field: 'checkIn' }
  }
  if (isDuplicateReview(error))
    return { code: 'ALREADY_REVIEWED', status: 409, message: 'This side of the stay has already been reviewed.' }
  return null
}
