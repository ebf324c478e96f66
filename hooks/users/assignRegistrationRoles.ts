import type { CollectionBeforeOperationHook, CollectionSlug, PayloadRequest } from 'payload'

import { isAdminUser, rolesForRegistration } from '@/domain/roles'
import { badRequest, forbidden } from '@/lib/errors'
import { lockUntilCommit } from '@/services/sqlExecutor'

/**
 * Whether this create makes the first account. Two registrations racing on an empty database would both
 * count zero; so an empty count is re-checked under a transaction-level lock (the create runs in its
 * transaction from before this hook until its commit), and the second one waits, counts one and is not admin.
 */
async function isFirstAccount(req: PayloadRequest, slug: CollectionSlug): Promise<boolean> {
  const count = async () => (await req.payload.count({ collection: slug, overrideAccess: true, req })).totalDocs
  if ((await count()) > 0) return false
  await lockUntilCommit(req, 'first-account', 0)
  return (await count()) === 0
}

/**
 * Decides the roles of a new account before anything is written:
 * - the very first account on an empty database becomes admin (the panel's "create first user");
 * - admins (and trusted Local API code) set roles as they like;
 * - everyone else may ask for guest or host only.
 */
export const assignRegistrationRoles: CollectionBeforeOperationHook = async ({ args, collection, operation, req }) => {
  if (operation !== 'create') return args
  const createArgs = args as { data?: unknown; overrideAccess?: boolean }
  if (createArgs.data === undefined) createArgs.data = {}
  if (typeof createArgs.data !== 'object' || createArgs.data === null || Array.isArray(createArgs.data)) {
    throw badRequest('Send the account as a JSON object: {"email", "password", "name"}.')
  }
  const data = createArgs.data as Record<string, unknown>

  if (await isFirstAccount(req, collection.slug)) {
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
