import type { CollectionConfig } from 'payload'

import { checkFeed } from '../hooks/calendarFeeds/checkFeed'
import { syncNewFeed } from '../hooks/calendarFeeds/syncNewFeed'
import { invalidateFeedNights } from '../hooks/calendarFeeds/invalidateFeedNights'
import { isHostOrStaff } from '@/access/isHost'
import { syncCalendarFeed } from '@/endpoints/syncCalendarFeed'
import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { or } from '@/access/or'
import { ownedBy } from '@/access/ownedBy'
import { FEED_STATUSES } from '@/domain/calendarImport'
import { MAX_FEED_URL_LENGTH } from '@/domain/feedUrl'

const serverOwned = { create: never, update: never }
/** Set on create, then kept: a feed's events, nights and host belong to its listing (README "Calendar import"). */
const fixedAfterCreate = { update: never }

/**
 * An iCal feed of another booking site (Airbnb, Booking.com, Vrbo…) for one listing: the calendar-sync
 * queue fetches it every CALENDAR_SYNC_MINUTES and mirrors its events into `calendar-events`, whose
 * nights are taken here (README "Calendar import (iCal)"). Hosts attach feeds to their own listings;
 * everything the sync learns (status, counts, conflicts) is server-owned.
 */
export const CalendarFeeds: CollectionConfig = {
  slug: 'calendar-feeds',
  labels: { singular: 'Calendar feed', plural: 'Calendar feeds' },
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'property', 'lastStatus', 'lastSyncedAt', 'eventCount'],
    group: 'Reservations',
    description: 'Calendars of other booking sites imported into a listing: their nights are taken here.',
  },
  access: {
    read: or(isStaff, ownedBy('host')),
    create: isHostOrStaff,
    update: or(isStaff, ownedBy('host')),
    delete: or(isStaff, ownedBy('host')),
  },
  endpoints: [syncCalendarFeed],
  hooks: {
    beforeChange: [checkFeed],
    afterChange: [syncNewFeed],
    afterDelete: [invalidateFeedNights],
  },
  lockDocuments: false,
  fields: [
    {
      name: 'property',
      type: 'relationship',
      relationTo: 'properties',
      required: true,
      index: true,
      // To move a feed, delete it and create it on the other listing: a sent `property` is ignored on update.
      access: fixedAfterCreate,
    },
    {
      name: 'host',
      type: 'relationship',
      relationTo: 'users',
      index: true,
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar' },
    },
    {
      name: 'name',
      type: 'text',
      required: true,
      maxLength: 80,
      admin: { description: 'Where the calendar comes from, e.g. “Airbnb” — shown on the listing’s calendar.' },
    },
    {
      name: 'url',
      type: 'text',
      required: true,
      maxLength: MAX_FEED_URL_LENGTH,
      admin: { description: 'The other site’s iCal export address (http or https).' },
    },
    {
      name: 'lastStatus',
      type: 'select',
      defaultValue: 'pending',
      options: FEED_STATUSES.map((value) => ({ label: value, value })),
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar' },
    },
    {
      name: 'lastSyncedAt',
      type: 'date',
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar', date: { pickerAppearance: 'dayAndTime' } },
    },
    { name: 'lastError', type: 'text', access: serverOwned, admin: { readOnly: true, position: 'sidebar' } },
    { name: 'eventCount', type: 'number', defaultValue: 0, access: serverOwned, admin: { readOnly: true, position: 'sidebar' } },
    {
      name: 'conflicts',
      type: 'array',
      access: serverOwned,
      admin: {
        readOnly: true,
        description: 'Imported events that overlap a Staybase booking. The booking stays; settle it with the other site.',
      },
      fields: [
        { name: 'uid', type: 'text', required: true },
        { name: 'booking', type: 'relationship', relationTo: 'bookings', required: true },
        { name: 'startDate', type: 'text', required: true },
        { name: 'endDate', type: 'text', required: true },
        { name: 'firstSeenAt', type: 'date', required: true },
      ],
    },
    {
      name: 'events',
      type: 'join',
      collection: 'calendar-events',
      on: 'feed',
      defaultLimit: 50,
      // Events are the sync's: the panel lists them, nobody adds one.
      admin: { allowCreate: false, defaultColumns: ['startDate', 'endDate', 'summary', 'echo'] },
    },
  ],
}
