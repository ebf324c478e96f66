import type { CollectionBeforeChangeHook } from 'payload'

import { hasRole, isStaffUser } from '@/domain/roles'
import { badRequest } from '@/lib/errors'
import { parseId } from '@/domain/ids'

/**
 * A host's new listing is theirs. Only staff name (or change) the host of a listing, and the person
 * they name must be a host.
 */
export const assignHost: CollectionBeforeChangeHook = async ({ data, operation, originalDoc, req }) => {
  if (operation === 'create' && req.user && !isStaffUser(req.user)) {
    data.host = req.user.id
    return data
  }
  if (data.host === undefined || data.host === null) return data
  const host = parseId(data.host)
  if (host === null) throw badRequest('The host of a listing must be a user with the host role.', { field: 'host' })
  if (host !== parseId(originalDoc?.host)) {
    const user = await req.payload.findByID({ collection: 'users', id: host, depth: 0, overrideAccess: true, req }).catch(() => null)
    if (!user || !hasRole(user, 'host')) throw badRequest('The host of a listing must be a user with the host role.', { field: 'host' })
  }
  return data
}
