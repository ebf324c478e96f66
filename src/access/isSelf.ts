import type { Access } from 'payload'

/** The user document of the caller, as a query so lists, counts and GraphQL all filter in SQL. */
export const isSelf: Access = ({ req: { user } }) => (user ? { id: { equals: user.id } } : false)
