import type { CollectionAfterErrorHook } from 'payload'

import { causedBy } from '../../src/lib/errors'

// Named by Payload from the collection's compound index (booking, subject).
export const ONE_REVIEW_PER_SIDE_INDEX = 'booking_subject_idx'

/** The unique (booking, subject) index refused the insert, however the adapter wrapped it. */
export const isDuplicateReview = (error: unknown): boolean =>
  causedBy(
    error,
    (e) =>
      (e.code === '23505' && e.constraint === ONE_REVIEW_PER_SIDE_INDEX) ||
      // Payload's postgres adapter turns 23505 into a ValidationError naming the index's columns.
      !!e.data?.errors?.some((x) => /booking_id/.test(x.path ?? '') && /subject/.test(x.path ?? '')),
  )

/** Backstop for the unique (booking, subject) index: a second review of the same side is a 409, never a 400 or 500. */
export const explainDuplicateReview: CollectionAfterErrorHook = ({ error }) => {
  if (!isDuplicateReview(error)) return
  return { status: 409, response: { errors: [{ message: 'This side of the stay has already been reviewed.', code: 'ALREADY_REVIEWED' }] } }
}
