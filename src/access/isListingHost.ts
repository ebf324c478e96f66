import type { FieldAccess } from 'payload'

/** Field access on a listing: the caller is its host (`host` may be an id or a populated user). */
export const isListingHost: FieldAccess = ({ req: { user }, doc }) => {
  if (!user || !doc) return false
  const host = (doc as { host?: unknown }).host
  const hostId = host && typeof host === 'object' ? (host as { id?: unknown }).id : host
  return hostId !== undefined && String(hostId) === String(user.id)
}
