import type { CollectionBeforeChangeHook } from 'payload'

/** The uploader owns the file. Trusted Local API code (seed) may name an owner itself. */
export const setOwner: CollectionBeforeChangeHook = ({ data, operation, req }) => {
  if (operation === 'create' && req.user) data.owner = req.user.id
  return data
}
