import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { bumpAfterCommit, deps } from '@/services/cache'

/**
 * A booking that is created, changes status (accepted, declined, cancelled, expired — in the web process
 * or the worker, both run these hooks) or is deleted frees or takes nights: cached search pages are
 * stale. Other booking updates (payment bookkeeping) leave availability as it was.
 */
export const invalidateAvailabilityCache: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation === 'create' || previousDoc?.status !== doc.status) await bumpAfterCommit(req, [deps.availability])
  return doc
}

export const invalidateAvailabilityCacheOnDelete: CollectionAfterDeleteHook = async ({ req }) => {
  await bumpAfterCommit(req, [deps.availability])
}
