import type { CollectionBeforeDeleteHook } from 'payload'

import { ACTIVE_STATUSES } from '@/domain/bookingStatus'
import { conflict } from '@/lib/errors'

/**
 * A listing with bookings cannot be deleted: guests still to come would lose their stay, and past
 * bookings are the record of stays and money. Unpublishing takes it off the site instead.
 */
export const preventDeleteWithBookings: CollectionBeforeDeleteHook = async ({ id, req }) => {
  const today = new Date().toISOString().slice(0, 10)
  const upcoming = await req.payload.count({
    collection: 'bookings',
    where: { property: { equals: id }, checkOut: { greater_than: today }, status: { in: [...ACTIVE_STATUSES] } },
    overrideAccess: true,
    req,
  })
  if (upcoming.totalDocs > 0) {
    throw conflict(`This listing has ${upcoming.totalDocs} upcoming booking(s); cancel them before deleting it, or unpublish it instead.`)
  }
  const any = await req.payload.count({ collection: 'bookings', where: { property: { equals: id } }, overrideAccess: true, req })
  if (any.totalDocs > 0) {
    throw conflict('This listing has past bookings, which are kept as the record of those stays; unpublish it instead.')
  }
}
