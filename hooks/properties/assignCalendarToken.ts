import type { CollectionBeforeChangeHook } from 'payload'

import { newCalendarToken } from '@/services/calendarFeed'

/**
 * Every new listing (a duplicate too: it must not share its original's feed) gets its own secret for
 * its iCal feed. Later writes keep it (keepServerOwnedFields); only POST /api/properties/:id/calendar-token
 * replaces it.
 */
export const assignCalendarToken: CollectionBeforeChangeHook = ({ data, operation }) => {
  if (operation === 'create') data.calendarToken = newCalendarToken()
  return data
}
