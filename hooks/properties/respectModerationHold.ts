import type { CollectionBeforeChangeHook } from 'payload'

import { isOnModerationHold } from '@/domain/moderation'
import { isStaffUser } from '@/domain/roles'
import { forbidden } from '@/lib/errors'

/**
 * Staff moderation would mean nothing if the host could publish again a second later (or restore an
 * old published version): while a listing is held, only staff may put it back online.
 */
export const respectModerationHold: CollectionBeforeChangeHook = ({ data, operation, originalDoc, req }) => {
  if (operation !== 'update' || data._status !== 'published') return data
  if (!isOnModerationHold(originalDoc?.moderation) || isStaffUser(req.user) || req.payloadAPI === 'local') return data
  const reason = originalDoc?.moderation?.reason ? ` Reason: ${originalDoc.moderation.reason}` : ''
  throw forbidden(`Staff unpublished this listing; it can go online again once staff reinstate it.${reason}`)
}
