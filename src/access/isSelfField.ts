import type { FieldAccess } from 'payload'

import { sameId } from '@/domain/ids'

/**
 * Field access on the users collection: true only when the document is the caller's own. Without a
 * document (e.g. a `where` on this field) it is false, so nobody can search others by it.
 */
export const isSelfField: FieldAccess = ({ req: { user }, doc, id }) => {
  if (!user) return false
  const docId = (doc as { id?: number | string } | undefined)?.id ?? id
  return sameId(docId, user)
}
