import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { bumpAfterCommit, deps } from '@/services/cache'

/**
 * Photos are embedded in listings read at depth ≥ 1 and give search results their cover: an edited
 * (alt text, focal point, replaced file) or deleted media document makes those stale. A new upload is
 * in no listing yet — attaching it is a listing change.
 */
export const invalidateListingPhotos: CollectionAfterChangeHook = async ({ doc, operation, req }) => {
  if (operation === 'update') await bumpAfterCommit(req, [deps.related, deps.listings])
  return doc
}

export const invalidateDeletedListingPhotos: CollectionAfterDeleteHook = async ({ req }) => {
  await bumpAfterCommit(req, [deps.related, deps.listings])
}
