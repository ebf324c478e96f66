import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { bumpAfterCommit, nightsDeps } from '@/services/cache'

/**
 * A booking that is created, changes status (accepted, declined, cancelled, expired — in the web process
 * or the worker, both run these hooks) or is deleted frees or takes nights: cached search pages and the
 * listing's calendar feed are stale. Other booking updates (payment bookkeeping) leave availability as it was.
 */
export const invalidateAvailabilityCache: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation === 'create' || previousDoc?.status !== doc.status) await bumpAfterCommit(req, nightsDeps(doc))
  return doc
}

export const invalidateAvailabilityCacheOnDelete: CollectionAfterDeleteHook = async ({ doc, req }) => {
  await bumpAfterCommit(req, nightsDeps(doc))
}
