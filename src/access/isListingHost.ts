import type { FieldAccess } from 'payload'

import { sameId } from '@/domain/ids'

/** Field access on a listing: the caller is its host (`host` may be an id or a populated user). */
export const isListingHost: FieldAccess = ({ req: { user }, doc }) => {
  if (!user || !doc) return false
  return sameId((doc as { host?: unknown }).host, user)
}
