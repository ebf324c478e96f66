import type { Access } from 'payload'

/**
 * Documents whose `field` (a relationship to users) is the caller — as a query, so lists, counts and
 * GraphQL filter in SQL. E.g. ownedBy('host') for listings, ownedBy('owner') for media.
 */
export const ownedBy =
  (field: string): Access =>
  ({ req: { user } }) =>
    user ? { [field]: { equals: user.id } } : false
