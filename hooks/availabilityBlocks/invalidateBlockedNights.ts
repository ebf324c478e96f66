import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { bumpAfterCommit, nightsDeps } from '@/services/cache'

/** A block added, moved or removed changes which listings a search for those nights may show, and the listing's calendar feed. */
export const invalidateBlockedNights: CollectionAfterChangeHook = async ({ doc, previousDoc, req }) => {
  await bumpAfterCommit(req, nightsDeps(doc, previousDoc))
  return doc
}

export const invalidateUnblockedNights: CollectionAfterDeleteHook = async ({ doc, req }) => {
  await bumpAfterCommit(req, nightsDeps(doc))
}
