import type { CollectionAfterOperationHook } from 'payload'

import { unreadCounts } from '@/services/messages'

type Doc = { id?: unknown; guest?: unknown; host?: unknown; unreadMessages?: number | null }

/**
 * The booking's virtual `unreadMessages` for whoever reads it: the guest the host's messages they have
 * not read, the host the guest's, staff and anyone else null. One grouped statement per list or
 * document (src/services/messages.ts), after Payload's read — never a query per booking of a list.
 * Reads without a caller (jobs, the server's own reads) skip it.
 */
export const countUnreadMessages: CollectionAfterOperationHook = async ({ operation, result, req }) => {
  if (!req.user || (operation !== 'find' && operation !== 'findByID')) return result
  const docs = (operation === 'find' ? (result as { docs?: Doc[] }).docs : [result as Doc]) ?? []
  const readable = docs.filter((doc): doc is Doc & { id: number } => !!doc && typeof doc.id === 'number')
  if (readable.length === 0) return result
  const counts = await unreadCounts(req, readable)
  for (const doc of readable) doc.unreadMessages = counts.get(doc.id) ?? null
  return result
}
