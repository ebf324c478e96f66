import type { CollectionBeforeDeleteHook } from 'payload'

import { ACTIVE_STATUSES } from '../../src/domain/bookingStatus'
import { conflict } from '../../src/lib/errors'

/**
 * A listing with guests still to come cannot disappear under them. Stays that ended, and bookings that
 * were declined, expired or cancelled, do not block.
 */
export const preventDeleteWithFutureBookings: CollectionBeforeDeleteHook = async ({ id, req }) => {
  const today = new Date().toISOString().slice(0, 10)
  const { totalDocs } = await req.payload.count({
    collection: 'bookings',
    where: {
      property: { equals: id },
      checkOut: { greater_than: today },
      status: { in: [...ACTIVE_STATUSES] },
    },
    overrideAccess: true,
    req,
  })
  if (totalDocs > 0) {
    throw conflict(`This listing has ${totalDocs} upcoming booking(s); cancel them before deleting it, or unpublish it instead.`)
  }
}
