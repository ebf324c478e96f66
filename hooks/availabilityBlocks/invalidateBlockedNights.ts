import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { storedId } from '@/domain/ids'
import { bumpAfterCommit, deps } from '@/services/cache'

/** The listings a block was and is on (a block moved to another listing changes both feeds). */
const nightsOf = (...docs: ({ property?: unknown } | undefined)[]) => {
  const properties = docs.map((doc) => storedId(doc?.property)).filter((id): id is number => id !== null)
  return [deps.availability, ...new Set(properties)].map((dep) => (typeof dep === 'number' ? deps.calendar(dep) : dep))
}

/** A block added, moved or removed changes which listings a search for those nights may show, and the listing's calendar feed. */
export const invalidateBlockedNights: CollectionAfterChangeHook = async ({ doc, previousDoc, req }) => {
  await bumpAfterCommit(req, nightsOf(doc, previousDoc))
  return doc
}

export const invalidateUnblockedNights: CollectionAfterDeleteHook = async ({ doc, req }) => {
  await bumpAfterCommit(req, nightsOf(doc))
}
