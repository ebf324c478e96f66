import type { CollectionBeforeChangeHook } from 'payload'

import { decideNewBooking, firstHistoryEntry } from '@/services/newBooking'
import { lockListingCalendar } from '@/services/reservations'

/**
 * Everything about a new booking that the server decides: who the guest is, whether the stay is
 * allowed, what it costs, its title, status, hold and first history entry (src/services/newBooking.ts, shared with POST
 * /api/bookings, which writes its bookings in one statement of its own). Client-sent values for these
 * never survive (field access strips them before this runs). Overlaps are the exclusion constraint's
 * (src/lib/constraints.ts answers its 23P01 with 409 DATES_UNAVAILABLE); the listing's calendar lock,
 * held until this create's transaction ends, keeps it from racing another writer of those nights into
 * a deadlock.
 */
export const prepareBooking: CollectionBeforeChangeHook = async ({ collection, data, operation, req }) => {
  if (operation !== 'create') return data
  const { booking } = await decideNewBooking(req, collection, data)
  await lockListingCalendar(req, booking.property)
  return { ...data, ...booking, history: [firstHistoryEntry(booking, new Date().toISOString())] }
}
