import type { FilterOptions } from 'payload'

import { type WithRoles, isStaffUser } from '@/domain/roles'

/**
 * filterOptions for upload fields (listing photos, avatars): people pick from — and may save — only
 * their own uploads; staff any. Without a user only trusted Local API code (seed) may attach media.
 */
export const ownMediaOnly: FilterOptions = ({ req, user }) => {
  if (!user) return req.payloadAPI === 'local'
  return isStaffUser(user as WithRoles) ? true : { owner: { equals: user.id } }
}
