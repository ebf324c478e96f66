import type { CollectionBeforeOperationHook } from 'payload'

import { isAdminUser, rolesForRegistration } from '../../src/domain/roles'
import { forbidden } from '../../src/lib/errors'

/**
 * Decides the roles of a new account before anything is written:
 * - the very first account on an empty database becomes admin (the panel's "create first user");
 * - admins (and trusted Local API code) set roles as they like;
 * - everyone else may ask for guest or host only.
 */
export const assignRegistrationRoles: CollectionBeforeOperationHook = async ({ args, collection, operation, req }) => {
  if (operation !== 'create') return args
  const createArgs = args as { data?: Record<string, unknown>; overrideAccess?: boolean }
  const data = (createArgs.data ??= {})

  const { totalDocs } = await req.payload.count({ collection: collection.slug, overrideAccess: true, req })
  if (totalDocs === 0) {
    data.roles = ['admin']
    return args
  }
  if (createArgs.overrideAccess === true || isAdminUser(req.user)) {
    if (data.roles === undefined || (Array.isArray(data.roles) && data.roles.length === 0)) data.roles = ['guest']
    return args
  }
  const decision = rolesForRegistration(data.roles)
  if (!decision.ok) throw forbidden(decision.message)
  data.roles = decision.roles
  return args
}
