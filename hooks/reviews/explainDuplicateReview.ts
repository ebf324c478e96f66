import type { CollectionAfterErrorHook } from 'payload'

// Named by Payload from the collection's compound index (booking, subject).
export const ONE_REVIEW_PER_SIDE_INDEX = 'booking_subject_idx'

type Failure = { code?: string; constraint?: string; cause?: unknown; data?: { errors?: { path?: string }[] } }

/** The unique (booking, subject) index refused the insert, however the adapter wrapped it. */
export function isDuplicateReview(error: unknown): boolean {
  for (let e = error as Failure | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code === '23505' && e.constraint === ONE_REVIEW_PER_SIDE_INDEX) return true
    // Payload's postgres adapter turns 23505 into a ValidationError naming the index's columns.
    if (e.data?.errors?.some((x) => /booking_id/.test(x.path ?? '') && /subject/.test(x.path ?? ''))) return true
    e = e.cause as Failure | undefined
  }
  return false
}

/** Backstop for the unique (booking, subject) index: a second review of the same side is a 409, never a 400 or 500. */
export const explainDuplicateReview: CollectionAfterErrorHook = ({ error }) => {
  if (!isDuplicateReview(error)) return
  return { status: 409, response: { errors: [{ message: 'This side of the stay has already been reviewed.' }] } }
}
