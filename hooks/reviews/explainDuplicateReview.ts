import type { CollectionAfterErrorHook } from 'payload'

// Named by Payload from the collection's compound index (booking, subject).
export const ONE_REVIEW_PER_SIDE_INDEX = 'booking_subject_idx'

/** Backstop for the unique (booking, subject) index: a second review of the same side is a 409, never a 500. */
export const explainDuplicateReview: CollectionAfterErrorHook = ({ error }) => {
  for (let e = error as { code?: string; constraint?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code === '23505' && e.constraint === ONE_REVIEW_PER_SIDE_INDEX) {
      return { status: 409, response: { errors: [{ message: 'This side of the stay has already been reviewed.' }] } }
    }
    e = e.cause as typeof e
  }
}
