import type { CollectionBeforeDeleteHook } from 'payload'

import { conflict } from '../../src/lib/errors'

/**
 * A listing with guests still to come cannot disappear under them. The bookings collection arrives
 * with the bookings issue; until then there is nothing to count. Stays that ended, and bookings that
 * were declined, expired or cancelled, do not block.
 */
export const preventDeleteWithFutureBookings: CollectionBeforeDeleteHook = async ({ id, req }) => {
  if (!('bookings' in req.payload.collections)) return
  const today = new Date().toISOString().slice(0, 10)
  const { totalDocs } = await req.payload.count({
    collection: 'bookings' as never,
    where: {
      property: { equals: id },
      checkOut: { greater_than: today },
      status: { in: ['requested', 'awaiting_payment', 'confirmed'] },
    },
    overrideAccess: true,
    req,
  })
  if (totalDocs > 0) {
    throw conflict(`This listing has ${totalDocs} upcoming booking(s); cancel them before deleting it, or unpublish it instead.`)
  }
}
