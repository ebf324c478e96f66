import type { CollectionBeforeChangeHook } from 'payload'

import { nightsBetween } from '@/domain/stayDates'
import { badRequest, conflict } from '@/lib/errors'
import { requireStayDate } from '@/lib/stayDateField'
import { isBooked, lockListingCalendar } from '@/services/reservations'
import { ownListing } from '../shared/ownListing'

/** Hosts block dates on their own listings only, and never over a booking or another block. */
export const checkBlock: CollectionBeforeChangeHook = async ({ collection, data, operation, originalDoc, req }) => {
  const listing = await ownListing(req, data.property ?? originalDoc?.property, 'You can block dates only on your own listings.')
  const propertyId = listing.id
  const start = requireStayDate(collection, 'startDate', data.startDate ?? originalDoc?.startDate)
  const end = requireStayDate(collection, 'endDate', data.endDate ?? originalDoc?.endDate)
  if (nightsBetween(start, end) < 1) throw badRequest('endDate must be after startDate.', { field: 'endDate' })
  if (nightsBetween(start, end) > 366) throw badRequest('A block can cover at most 366 nights.', { field: 'endDate' })

  await lockListingCalendar(req, propertyId)
  // Imported nights do not stop a block: both only say "not bookable here" (README "Calendar import").
  const ignore = { imports: false, ...(operation === 'update' ? { blockId: originalDoc?.id } : {}) }
  if (await isBooked(req, propertyId, start, end, ignore)) {
    throw conflict('Those dates overlap a booking or another block on this listing.', { code: 'DATES_UNAVAILABLE', field: 'startDate' })
  }
  return { ...data, property: propertyId, host: listing.host }
}
