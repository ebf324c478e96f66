import { nullGroupsAreAbsent } from '../hooks/shared/nullGroupsAreAbsent'
import { keepRatingsCurrent } from '../hooks/properties/keepRatingsCurrent'
import { SUB_RATINGS } from '@/domain/reviews'
import type { CollectionConfig, Where } from 'payload'

import { assignCalendarToken } from '../hooks/properties/assignCalendarToken'
import { assignHost } from '../hooks/properties/assignHost'
import { deriveSlug } from '../hooks/properties/deriveSlug'
import { invalidateDeletedListingCache, invalidateListingCache } from '../hooks/properties/invalidateListingCache'
import { duplicateOwnListingsOnly } from '../hooks/properties/duplicateOwnListingsOnly'
import { keepServerOwnedFields } from '../hooks/properties/keepServerOwnedFields'
import { moveCalendarWithHost } from '../hooks/properties/moveCalendarWithHost'
import { preventDeleteWithBookings } from '../hooks/properties/preventDeleteWithBookings'
import { respectModerationHold } from '../hooks/properties/respectModerationHold'
import { stampPublishedAt } from '../hooks/properties/stampPublishedAt'
import { isAdmin } from '@/access/isAdmin'
import { isHostOrStaff } from '@/access/isHost'
import { isListingHost } from '@/access/isListingHost'
import { isPublished } from '@/access/isPublished'
import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { or } from '@/access/or'
import { ownMediaOnly } from '@/access/ownMediaOnly'
import { ownedBy } from '@/access/ownedBy'
import { isCountryCode } from '@/domain/countries'
import { AMENITIES, CANCELLATION_POLICIES, MAX_PHOTOS, PROPERTY_TYPES, humanize, isClockTime } from '@/domain/listing'
import { CURRENCY_CODES } from '@/domain/money'
import { type WithRoles, isStaffUser } from '@/domain/roles'
import { calendarExport, regenerateCalendarToken } from '@/endpoints/calendarExport'
import { listingAvailability, quoteListing } from '@/endpoints/listingCalendar'
import { reinstateListing, unpublishListing } from '@/endpoints/moderateListing'
import { searchListingsEndpoint } from '@/endpoints/searchListings'
import { ownColumnLabels } from '@/lib/ownColumnLabels'
import { moneyRule, numberRule, textRule } from '@/lib/validators'

/** Prices typed in the currency's major unit ("160.00"), stored in minor units (16000). */
const MONEY_INPUT = '/components/MoneyInput#MoneyInput'

const options = (values: readonly string[]) => values.map((value) => ({ label: humanize(value), value }))
const serverOwned = { create: never, update: never }

export const Properties: CollectionConfig = {
  slug: 'properties',
  labels: { singular: 'Listing', plural: 'Listings' },
  admin: {
    useAsTitle: 'title',
    defaultColumns: ['title', 'photos', 'address.city', 'address.country', 'host', '_status', 'pricing.nightlyRate', 'updatedAt'],
    group: 'Hosting',
    listSearchableFields: ['title', 'slug', 'address.city'],
    // Hosts see their own listings in the panel (published ones of others are public, but not theirs to manage).
    baseFilter: ({ req }) => (isStaffUser(req.user as WithRoles) || !req.user ? null : ({ host: { equals: req.user.id } } as Where)),
  },
  versions: { drafts: true, maxPerDoc: 50 },
  // Payload's edit locks live in a collection any signed-in user may write; a guest could lock hosts
  // out of their listings. Hosts rarely co-edit one listing, so do without.
  lockDocuments: false,
  access: {
    read: or(isStaff, isPublished, ownedBy('host')),
    // Version documents keep the listing under `version`.
    readVersions: or(isStaff, ownedBy('version.host')),
    create: isHostOrStaff,
    // Staff moderate through POST /api/properties/:id/unpublish and /reinstate instead of editing.
    update: or(isAdmin, ownedBy('host')),
    delete: or(isAdmin, ownedBy('host')),
  },
  endpoints: [
    searchListingsEndpoint,
    quoteListing,
    listingAvailability,
    unpublishListing,
    reinstateListing,
    calendarExport,
    regenerateCalendarToken,
  ],
  hooks: {
    beforeOperation: [nullGroupsAreAbsent, duplicateOwnListingsOnly],
    beforeValidate: [deriveSlug],
    beforeChange: [keepServerOwnedFields, keepRatingsCurrent, assignHost, assignCalendarToken, stampPublishedAt, respectModerationHold],
    afterChange: [moveCalendarWithHost, invalidateListingCache],
    beforeDelete: [preventDeleteWithBookings],
    afterDelete: [invalidateDeletedListingCache],
  },
  fields: [
    // Staff: Unpublish… / Reinstate, through the moderation endpoints.
    {
      name: 'moderationActions',
      type: 'ui',
      admin: {
        position: 'sidebar',
        components: { Field: { path: '/components/ModerationActions#ModerationActions', clientProps: { collection: 'properties' } } },
      },
    },
    // Its month of prices, stays and blocks (/admin/calendar/:id), where the host blocks dates.
    {
      name: 'calendarLink',
      type: 'ui',
      admin: { position: 'sidebar', components: { Field: '/components/calendar/ListingCalendarLink#ListingCalendarLink' } },
    },
    { name: 'title', type: 'text', required: true, minLength: 5, maxLength: 120 },
    {
      name: 'slug',
      type: 'text',
      unique: true,
      access: serverOwned,
      admin: { position: 'sidebar', readOnly: true, description: 'Follows the title until first published, then never changes.' },
    },
    {
      name: 'host',
      type: 'relationship',
      relationTo: 'users',
      required: true,
      index: true,
      // Set to the signed-in host on create (hooks/properties/assignHost); only staff may set or change it.
      access: { create: isStaff, update: isStaff },
      admin: { position: 'sidebar' },
    },
    {
      name: 'propertyType',
      type: 'select',
      required: true,
      options: options(PROPERTY_TYPES),
      admin: { position: 'sidebar' },
    },
    { name: 'description', type: 'richText' },
    { name: 'houseRules', type: 'textarea', maxLength: 5000 },
    {
      name: 'address',
      type: 'group',
      fields: ownColumnLabels([
        { name: 'line1', label: 'Address line 1', type: 'text', maxLength: 200 },
        { name: 'line2', label: 'Address line 2', type: 'text', maxLength: 200 },
        {
          type: 'row',
          fields: [
            { name: 'city', type: 'text', required: true, maxLength: 100, index: true },
            { name: 'region', type: 'text', maxLength: 100 },
          ],
        },
        {
          type: 'row',
          fields: [
            { name: 'postalCode', label: 'Postal code', type: 'text', maxLength: 20 },
            {
              name: 'country',
              type: 'text',
              required: true,
              index: true,
              hooks: { beforeValidate: [({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)] },
              validate: textRule('Country', isCountryCode, 'must be an ISO 3166-1 alpha-2 code such as CH or PT.', true),
              admin: { description: 'Two-letter ISO code, e.g. CH, PT, JP' },
            },
          ],
        },
      ]),
    },
    {
      name: 'location',
      type: 'group',
      admin: { description: 'Used for map and distance search.' },
      fields: [
        {
          type: 'row',
          fields: [
            {
              name: 'latitude',
              type: 'number',
              required: true,
              validate: numberRule({ label: 'Latitude', required: true, min: -90, max: 90 }),
            },
            {
              name: 'longitude',
              type: 'number',
              required: true,
              validate: numberRule({ label: 'Longitude', required: true, min: -180, max: 180 }),
            },
          ],
        },
      ],
    },
    {
      type: 'row',
      fields: [
        {
          name: 'maxGuests',
          type: 'number',
          required: true,
          defaultValue: 2,
          validate: numberRule({ label: 'Max guests', required: true, integer: true, min: 1, max: 50 }),
        },
        { name: 'bedrooms', type: 'number', defaultValue: 1, validate: numberRule({ label: 'Bedrooms', integer: true, min: 0, max: 50 }) },
        { name: 'beds', type: 'number', defaultValue: 1, validate: numberRule({ label: 'Beds', integer: true, min: 0, max: 100 }) },
        { name: 'bathrooms', type: 'number', defaultValue: 1, validate: numberRule({ label: 'Bathrooms', min: 0, max: 50, step: 0.5 }) },
      ],
    },
    { name: 'amenities', type: 'select', hasMany: true, options: options(AMENITIES) },
    {
      name: 'photos',
      type: 'upload',
      relationTo: 'media',
      hasMany: true,
      maxRows: MAX_PHOTOS,
      // In the list, the cover's thumbnail.
      admin: {
        description: `Up to ${MAX_PHOTOS} photos; the first one is the cover.`,
        components: { Cell: '/components/CoverCell#CoverCell' },
      },
      // Hosts attach only their own uploads (enforced on save too, not only in the picker).
      filterOptions: ownMediaOnly,
    },
    {
      name: 'pricing',
      type: 'group',
      admin: {
        description:
          'Prices as you would write them (160.00; yen without decimals). The API carries them in minor units: 16000 EUR = €160.00.',
      },
      fields: ownColumnLabels([
        // Inside the row on purpose: a required field directly in a group makes Payload's GraphQL update
        // input demand the whole group on every update.
        {
          type: 'row',
          fields: [
            {
              name: 'currency',
              type: 'select',
              required: true,
              defaultValue: 'EUR',
              options: CURRENCY_CODES.map((c) => ({ label: c, value: c })),
            },
            {
              name: 'nightlyRate',
              label: 'Nightly rate',
              type: 'number',
              required: true,
              index: true,
              validate: moneyRule('Nightly rate', { required: true, min: 1 }),
              admin: { components: { Cell: '/components/MoneyCell#MoneyCell', Field: MONEY_INPUT } },
            },
            {
              name: 'weekendRate',
              label: 'Weekend rate',
              type: 'number',
              validate: moneyRule('Weekend rate', { min: 1 }),
              admin: { description: 'Friday and Saturday nights', components: { Field: MONEY_INPUT } },
            },
            {
              name: 'cleaningFee',
              label: 'Cleaning fee',
              type: 'number',
              defaultValue: 0,
              validate: moneyRule('Cleaning fee'),
              admin: { components: { Field: MONEY_INPUT } },
            },
          ],
        },
        {
          type: 'row',
          fields: [
            {
              name: 'weeklyDiscountPercent',
              label: 'Weekly discount (%)',
              type: 'number',
              defaultValue: 0,
              validate: numberRule({ label: 'Weekly discount', min: 0, max: 90, step: 0.01 }),
            },
            {
              name: 'monthlyDiscountPercent',
              label: 'Monthly discount (%)',
              type: 'number',
              defaultValue: 0,
              validate: numberRule({ label: 'Monthly discount', min: 0, max: 90, step: 0.01 }),
            },
            {
              name: 'taxPercent',
              label: 'Tax (%)',
              type: 'number',
              defaultValue: 0,
              validate: numberRule({ label: 'Tax', min: 0, max: 30, step: 0.001 }),
            },
          ],
        },
      ]),
    },
    {
      type: 'row',
      fields: [
        {
          name: 'minNights',
          type: 'number',
          required: true,
          defaultValue: 1,
          validate: numberRule({ label: 'Minimum nights', required: true, integer: true, min: 1, max: 365 }),
        },
        {
          name: 'maxNights',
          type: 'number',
          required: true,
          defaultValue: 365,
          validate: (value: unknown, args: { siblingData?: Record<string, unknown> }) => {
            const basic = numberRule({ label: 'Maximum nights', required: true, integer: true, min: 1, max: 365 })(value, args)
            if (basic !== true) return basic
            const min = args.siblingData?.minNights
            return typeof min === 'number' && (value as number) < min
              ? `Maximum nights must be at least the minimum nights (${min}).`
              : true
          },
        },
        {
          name: 'checkInTime',
          type: 'text',
          defaultValue: '15:00',
          validate: textRule('Check-in time', isClockTime, 'must be HH:MM (24-hour), e.g. 15:00.'),
        },
        {
          name: 'checkOutTime',
          type: 'text',
          defaultValue: '11:00',
          validate: textRule('Check-out time', isClockTime, 'must be HH:MM (24-hour), e.g. 11:00.'),
        },
      ],
    },
    { name: 'instantBook', type: 'checkbox', defaultValue: true, admin: { position: 'sidebar' } },
    {
      name: 'cancellationPolicy',
      type: 'select',
      required: true,
      defaultValue: 'moderate',
      options: options(CANCELLATION_POLICIES),
      admin: { position: 'sidebar' },
    },
    // Server-owned aggregates of published reviews of stays, recomputed whenever one is published or hidden.
    { name: 'ratingAverage', type: 'number', access: serverOwned, admin: { position: 'sidebar', readOnly: true } },
    { name: 'reviewCount', type: 'number', defaultValue: 0, access: serverOwned, admin: { position: 'sidebar', readOnly: true } },
    {
      name: 'ratingBreakdown',
      type: 'group',
      access: serverOwned,
      admin: { position: 'sidebar', readOnly: true, description: 'Average of each sub-rating over the reviews that gave it' },
      fields: SUB_RATINGS.map((key) => ({ name: key, type: 'number' as const, admin: { readOnly: true } })),
    },
    { name: 'publishedAt', type: 'date', access: serverOwned, admin: { position: 'sidebar', readOnly: true } },
    // The secret of the listing's iCal feed (GET /api/properties/:id/calendar.ics?token=…): whoever has it
    // reads the listing's booked nights, so only its host and staff see it; renewed by POST …/calendar-token.
    {
      name: 'calendarToken',
      type: 'text',
      access: { ...serverOwned, read: or(isStaff, isListingHost) },
      admin: {
        position: 'sidebar',
        readOnly: true,
        description:
          'Secret of this listing’s calendar feed: /api/properties/<id>/calendar.ics?token=<this>. Share it only with other booking sites.',
      },
    },
    // Calendars of other booking sites imported into this listing (collections/CalendarFeeds.ts).
    {
      name: 'calendarFeeds',
      label: 'Imported calendars',
      type: 'join',
      collection: 'calendar-feeds',
      on: 'property',
      defaultLimit: 20,
      access: { read: or(isStaff, isListingHost) },
      admin: {
        defaultColumns: ['name', 'lastStatus', 'lastSyncedAt', 'eventCount', 'lastError'],
        description:
          'Airbnb, Booking.com, Vrbo…: paste their calendar export link to take the nights booked there. Synced every few minutes.',
      },
    },
    {
      name: 'moderation',
      type: 'group',
      access: { ...serverOwned, read: or(isStaff, isListingHost) },
      admin: { readOnly: true, condition: (data) => Boolean(data?.moderation?.unpublishedAt) },
      fields: [
        { name: 'unpublishedAt', type: 'date' },
        { name: 'unpublishedBy', type: 'relationship', relationTo: 'users' },
        { name: 'reason', type: 'textarea' },
        { name: 'reinstatedAt', type: 'date' },
        { name: 'reinstatedBy', type: 'relationship', relationTo: 'users' },
      ],
    },
  ],
}
