import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { bumpAfterCommit, deps } from '@/services/cache'

/**
 * Listings read at depth ≥ 1 embed their host's public profile (name, bio, avatar, isHost from roles;
 * collections/Users.ts). Only a change to one of those makes cached listings stale — not a login, a
 * password change or a verification.
 */
const PUBLIC_PROFILE = ['name', 'bio', 'avatar', 'roles'] as const

export const invalidateHostProfile: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation !== 'update') return doc
  const changed = PUBLIC_PROFILE.some((field) => JSON.stringify(doc?.[field] ?? null) !== JSON.stringify(previousDoc?.[field] ?? null))
  if (changed) await bumpAfterCommit(req, [deps.related])
  return doc
}

export const invalidateDeletedHostProfile: CollectionAfterDeleteHook = async ({ req }) => {
  await bumpAfterCommit(req, [deps.related, deps.listings])
}
