import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { storedId } from '@/domain/ids'
import { bumpAfterCommit, deps } from '@/services/cache'

/** Search pages depend on every listing's nights; a listing's iCal feed only on its own. */
const nightsOf = (doc: { property?: unknown }) => {
  const property = storedId(doc.property)
  return property === null ? [deps.availability] : [deps.availability, deps.calendar(property)]
}

/**
 * A booking that is created, changes status (accepted, declined, cancelled, expired — in the web process
 * or the worker, both run these hooks) or is deleted frees or takes nights: cached search pages and the
 * listing's calendar feed are stale. Other booking updates (payment bookkeeping) leave availability as it was.
 */
export const invalidateAvailabilityCache: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation === 'create' || previousDoc?.status !== doc.status) await bumpAfterCommit(req, nightsOf(doc))
  return doc
}

export const invalidateAvailabilityCacheOnDelete: CollectionAfterDeleteHook = async ({ doc, req }) => {
  await bumpAfterCommit(req, nightsOf(doc))
}
