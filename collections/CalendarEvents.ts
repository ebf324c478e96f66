import type { CollectionConfig } from 'payload'

import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { or } from '@/access/or'
import { ownedBy } from '@/access/ownedBy'
import { stayDateField } from '@/lib/stayDateField'

/**
 * The events of an imported calendar feed, one row per (feed, uid), written only by the calendar sync
 * (jobs/processors/calendarSync.ts, under the listing's calendar lock). Their nights [startDate, endDate)
 * are taken here unless the event is an echo of one of our own bookings. Not availability blocks: events
 * of two feeds, a block and a booking may overlap (that is what conflicts are), so they live outside
 * stay_reservations and its exclusion constraint; a trigger refuses a booking over them instead.
 */
export const CalendarEvents: CollectionConfig = {
  slug: 'calendar-events',
  labels: { singular: 'Imported event', plural: 'Imported events' },
  admin: {
    useAsTitle: 'summary',
    defaultColumns: ['feed', 'startDate', 'endDate', 'summary', 'echo'],
    group: 'Reservations',
    description: 'Nights taken on other booking sites, imported from the calendar feeds. Read-only.',
  },
  access: {
    read: or(isStaff, ownedBy('host')),
    create: never,
    update: never,
    delete: never,
  },
  lockDocuments: false,
  indexes: [{ fields: ['feed', 'uid'], unique: true }],
  fields: [
    { name: 'feed', type: 'relationship', relationTo: 'calendar-feeds', required: true, index: true, admin: { readOnly: true } },
    { name: 'property', type: 'relationship', relationTo: 'properties', required: true, index: true, admin: { readOnly: true } },
    { name: 'host', type: 'relationship', relationTo: 'users', index: true, admin: { readOnly: true } },
    { name: 'uid', type: 'text', required: true, admin: { readOnly: true } },
    {
      type: 'row',
      fields: [stayDateField('startDate', 'First night'), stayDateField('endDate', 'Free again from')],
    },
    { name: 'summary', type: 'text', admin: { readOnly: true } },
    {
      name: 'echo',
      type: 'checkbox',
      defaultValue: false,
      admin: { readOnly: true, description: 'One of our own bookings, exported to the other site and read back: takes no nights.' },
    },
    { name: 'echoOf', type: 'relationship', relationTo: 'bookings', admin: { readOnly: true } },
  ],
}
