import type { CollectionBeforeChangeHook } from 'payload'

/** Remembers when a listing first went live (this also freezes its slug). */
export const stampPublishedAt: CollectionBeforeChangeHook = ({ data, operation, originalDoc: stored }) => {
  // On create (a duplicate included) nothing has been published yet.
  const originalDoc = operation === 'update' ? stored : undefined
  if (data._status === 'published' && !originalDoc?.publishedAt) data.publishedAt = new Date().toISOString()
  else if (originalDoc?.publishedAt) data.publishedAt = originalDoc.publishedAt
  return data
}
