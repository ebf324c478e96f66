import type { CollectionBeforeOperationHook } from 'payload'

import { sameId } from '@/domain/ids'
import { isStaffUser } from '@/domain/roles'
import { forbidden } from '@/lib/errors'

/**
 * Duplicating is a shortcut for hosts with several similar places. Payload allows it to anyone who can
 * read the source and create listings — other hosts included, for every published listing — so limit
 * it to the listing's own host (and staff).
 */
export const duplicateOwnListingsOnly: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  const sourceId = (args as { duplicateFromID?: number | string }).duplicateFromID
  if (operation !== 'create' || sourceId === undefined || sourceId === null) return args
  if (!req.user || isStaffUser(req.user) || req.payloadAPI === 'local') return args
  const source = await req.payload.findByID({
    collection: 'properties',
    id: sourceId,
    depth: 0,
    overrideAccess: true,
    disableErrors: true,
    req,
  })
  if (!source || !sameId(source.host, req.user)) throw forbidden('You can duplicate only your own listings.')
  return args
}
