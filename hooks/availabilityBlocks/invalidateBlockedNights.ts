import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { bumpAfterCommit, deps } from '@/services/cache'

/** A block added, moved or removed changes which listings a search for those nights may show. */
export const invalidateBlockedNights: CollectionAfterChangeHook = async ({ doc, req }) => {
  await bumpAfterCommit(req, [deps.availability])
  return doc
}

export const invalidateUnblockedNights: CollectionAfterDeleteHook = async ({ req }) => {
  await bumpAfterCommit(req, [deps.availability])
}
