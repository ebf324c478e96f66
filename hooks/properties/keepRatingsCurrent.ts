import type { CollectionBeforeChangeHook } from 'payload'

import { currentListingRatings } from '@/services/reviews'

/**
 * Ratings are written by review publishing straight into the listing's row, not into its drafts. A
 * host who publishes a draft saved before the latest review must not bring back the old numbers: any
 * write of a listing takes its ratings from the live row.
 */
export const keepRatingsCurrent: CollectionBeforeChangeHook = async ({ data, operation, originalDoc, req }) => {
  if (operation !== 'update' || !originalDoc?.id) return data
  const current = await currentListingRatings(req, Number(originalDoc.id))
  return current ? { ...data, ...current } : data
}
