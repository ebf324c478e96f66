import type { CollectionBeforeReadHook } from 'payload'

/**
 * Public profiles do not show roles (a list of staff accounts is an attacker's shortlist); they only
 * say whether someone hosts. Runs before field read access strips `roles` from other people's profiles.
 */
export const exposeHostFlag: CollectionBeforeReadHook = ({ doc }) => {
  const roles = (doc as { roles?: unknown }).roles
  return { ...doc, isHost: Array.isArray(roles) && roles.includes('host') }
}
