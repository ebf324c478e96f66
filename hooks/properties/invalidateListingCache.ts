import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { bumpAfterCommit, deps } from '@/services/cache'

/**
 * Any change to a listing — an edit, publish, unpublish (moderation too), a new draft, a host change —
 * makes its cached document and every cached find and search page that could show it stale.
 * A draft save leaves the published document as it was; bumping anyway costs one cache miss.
 */
export const invalidateListingCache: CollectionAfterChangeHook = async ({ doc, req }) => {
  await bumpAfterCommit(req, [deps.listing(doc.id), deps.listings])
  return doc
}

export const invalidateDeletedListingCache: CollectionAfterDeleteHook = async ({ id, req }) => {
  await bumpAfterCommit(req, [deps.listing(id), deps.listings])
}
