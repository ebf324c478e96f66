import type { CollectionAfterChangeHook } from 'payload'

import { parseId } from '@/domain/ids'
import { reassignListingHost } from '@/services/reservations'

/**
 * Bookings and blocks carry the listing's host (their access rules read it). When staff hand a listing
 * to another host, its bookings and blocks go along, in the same transaction.
 */
export const moveCalendarWithHost: CollectionAfterChangeHook = async ({ doc, operation, previousDoc, req }) => {
  if (operation !== 'update') return doc
  const before = parseId(previousDoc?.host)
  const after = parseId(doc.host)
  if (after !== null && before !== after) await reassignListingHost(req, doc.id, after)
  return doc
}
