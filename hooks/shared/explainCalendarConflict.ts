import type { CollectionAfterErrorHook } from 'payload'

import { isOverlapViolation } from '../../src/services/reservations'

/**
 * Backstop for writes that reach the database constraint without our pre-check (the pre-check answers
 * 409 itself): never a 500 for "those dates are taken".
 */
export const explainCalendarConflict: CollectionAfterErrorHook = ({ error }) => {
  if (!isOverlapViolation(error)) return
  return { status: 409, response: { errors: [{ message: 'Those dates are no longer available for this listing.', code: 'DATES_UNAVAILABLE', field: 'checkIn' }] } }
}
