import type { CollectionAfterChangeHook } from 'payload'

import { enqueueFeedSync } from '@/services/calendarSync'

/**
 * A new feed, or a feed whose address changed, is synced right away (after the commit, so the worker
 * reads it), not at the next scheduled round: its nights are taken within one sync interval at most.
 */
export const syncNewFeed: CollectionAfterChangeHook = async ({ doc, operation, previousDoc, req }) => {
  if (operation === 'create' || doc.url !== previousDoc?.url) await enqueueFeedSync(req, doc.id, `changed-${Date.parse(doc.updatedAt)}`)
  return doc
}
