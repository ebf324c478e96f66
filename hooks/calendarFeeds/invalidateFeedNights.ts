import type { CollectionAfterDeleteHook } from 'payload'

import { bumpAfterCommit, nightsDeps } from '@/services/cache'

/** A deleted feed's events went with it (ON DELETE CASCADE): their nights are free again. */
export const invalidateFeedNights: CollectionAfterDeleteHook = async ({ doc, req }) => {
  await bumpAfterCommit(req, nightsDeps(doc))
}
