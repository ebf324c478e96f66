import type { CollectionConfig, Field } from 'payload'

import { nullGroupsAreAbsent } from '../hooks/shared/nullGroupsAreAbsent'
import { invalidateAvailabilityCache, invalidateAvailabilityCacheOnDelete } from '../hooks/bookings/invalidateAvailabilityCache'
import { countUnreadMessages } from '../hooks/bookings/countUnreadMessages'
import { maskMessageToHost, messageToHostIsNotQueryable } from '../hooks/bookings/maskMessageToHost'
import { keepPaidBookings } from '../hooks/bookings/keepPaidBookings'
import { prepareBooking } from '../hooks/bookings/prepareBooking'
import { scheduleExpiry } from '../hooks/bookings/scheduleExpiry'
import { isAdmin } from '@/access/isAdmin'
import { isSignedIn } from '@/access/isSignedIn'
import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { or } from '@/access/or'
import { ownedBy } from '@/access/ownedBy'
import { BOOKING_STATUSES } from '@/domain/bookingStatus'
import { HISTORY_ACTORS } from '@/domain/bookingHistory'
import { CANCELLATION_POLICIES, humanize } from '@/domain/listing'
import { CURRENCY_CODES } from '@/domain/money'
import { numberRule } from '@/lib/validators'
import { stayDateField } from '@/lib/stayDateField'
import { NOT_QUERYABLE } from '@/lib/queryShape'
import { acceptBooking, cancelBooking, cancellationPreview, declineBooking } from '@/endpoints/bookingTransitions'
import { bookingMessages, sendBookingMessage } from '@/endpoints/bookingMessages'
import { createBooking } from '@/endpoints/createBooking'
import { createPaymentIntent } from '@/endpoints/paymentIntent'

const serverOwned = { create: never, update: never }
const fixedAfterCreate = { update: never }
const amount = (name: string): Field => ({ name, type: 'number', access: serverOwned })

export const Bookings: CollectionConfig = {
  slug: 'bookings',
  admin: {
    useAsTitle: 'title',
    defaultColumns: ['title', 'property', 'guest', 'checkIn', 'checkOut', 'status', 'createdAt'],
    group: 'Reservations',
  },
  access: {
    // Guests see their trips, hosts the bookings of their listings, staff everything.
    read: or(isStaff, ownedBy('guest'), ownedBy('host')),
    create: isSignedIn,
    // Dates, money and status change only through the transition endpoints (accept, decline, cancel).
    update: never,
    delete: isAdmin,
  },
  // createBooking replaces Payload's POST /api/bookings to add Idempotency-Key support.
  endpoints: [
    createBooking,
    acceptBooking,
    declineBooking,
    cancelBooking,
    cancellationPreview,
    createPaymentIntent,
    bookingMessages,
    sendBookingMessage,
  ],
  hooks: {
    beforeOperation: [nullGroupsAreAbsent, messageToHostIsNotQueryable],
    beforeChange: [prepareBooking],
    afterChange: [scheduleExpiry, invalidateAvailabilityCache],
    beforeDelete: [keepPaidBookings],
    afterDelete: [invalidateAvailabilityCacheOnDelete],
    afterOperation: [countUnreadMessages],
  },
  lockDocuments: false,
  disableDuplicate: true,
  fields: [
    // Accept / Decline / Cancel (with its refund preview), for whoever may do them now.
    { name: 'actions', type: 'ui', admin: { position: 'sidebar', components: { Field: '/components/BookingActions#BookingActions' } } },
    // "Sam Lee · Villa on Lake Como · 11–15 Jan 2027" (src/domain/bookingTitle.ts), set when the booking is
    // made: the heading, breadcrumbs and relationship pickers of the panel name bookings by it.
    { name: 'title', type: 'text', access: serverOwned, admin: { readOnly: true, hidden: true } },
    { name: 'property', type: 'relationship', relationTo: 'properties', required: true, index: true, access: fixedAfterCreate },
    { name: 'guest', type: 'relationship', relationTo: 'users', index: true, access: serverOwned, admin: { readOnly: true } },
    // The listing's host when booked: lets hosts read their bookings without a join.
    { name: 'host', type: 'relationship', relationTo: 'users', index: true, access: serverOwned, admin: { readOnly: true } },
    {
      type: 'row',
      fields: [
        stayDateField('checkIn', 'Check-in', { access: fixedAfterCreate }),
        stayDateField('checkOut', 'Check-out', { access: fixedAfterCreate }),
      ],
    },
    {
      name: 'guests',
      type: 'number',
      required: true,
      access: fixedAfterCreate,
      validate: numberRule({ label: 'Guests', required: true, integer: true, min: 1, max: 50 }),
    },
    {
      name: 'status',
      type: 'select',
      index: true,
      options: BOOKING_STATUSES.map((s) => ({ label: humanize(s), value: s })),
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar' },
    },
    // Every status the booking took, when and by whom (src/domain/bookingHistory.ts): written by its
    // creation and by applyTransition (src/services/bookingLifecycle.ts), never by a client. The panel
    // shows it as the timeline below, not as rows.
    { name: 'timeline', type: 'ui', admin: { components: { Field: '/components/BookingTimeline#BookingTimeline' } } },
    {
      name: 'history',
      type: 'array',
      access: serverOwned,
      admin: { readOnly: true, hidden: true },
      fields: [
        { name: 'status', type: 'select', required: true, options: BOOKING_STATUSES.map((s) => ({ label: humanize(s), value: s })) },
        { name: 'at', type: 'date', required: true, admin: { date: { pickerAppearance: 'dayAndTime' } } },
        { name: 'actor', type: 'select', required: true, options: HISTORY_ACTORS.map((a) => ({ label: humanize(a), value: a })) },
        // Which user acted. Staff read it; the guest and the host read the actor's role only, so a staff
        // member's account id never reaches them (the guest's and host's own ids are on the booking anyway).
        { name: 'by', type: 'relationship', relationTo: 'users', access: { read: isStaff } },
        { name: 'note', type: 'text' },
      ],
    },
    // The quote as a receipt; the stored integers stay in the API.
    { name: 'receipt', type: 'ui', admin: { components: { Field: '/components/BookingReceipt#BookingReceipt' } } },
    {
      name: 'quote',
      type: 'group',
      access: serverOwned,
      admin: { readOnly: true, hidden: true },
      fields: [
        { name: 'currency', type: 'select', options: CURRENCY_CODES.map((c) => ({ label: c, value: c })) },
        { name: 'nights', type: 'number' },
        amount('nightlySubtotal'),
        amount('discount'),
        amount('cleaningFee'),
        amount('serviceFee'),
        amount('taxes'),
        amount('total'),
        {
          name: 'perNight',
          type: 'array',
          fields: [
            { name: 'date', type: 'text' },
            { name: 'rate', type: 'number' },
            { name: 'weekend', type: 'checkbox' },
          ],
        },
      ],
    },
    {
      name: 'cancellationPolicy',
      type: 'select',
      options: CANCELLATION_POLICIES.map((p) => ({ label: humanize(p), value: p })),
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar', description: 'As it was when the booking was made' },
    },
    {
      name: 'holdExpiresAt',
      type: 'date',
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar', date: { pickerAppearance: 'dayAndTime' } },
    },
    {
      name: 'confirmedAt',
      type: 'date',
      access: serverOwned,
      admin: {
        readOnly: true,
        position: 'sidebar',
        description: 'When the payment went through',
        date: { pickerAppearance: 'dayAndTime' },
      },
    },
    {
      name: 'cancelledAt',
      type: 'date',
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar', date: { pickerAppearance: 'dayAndTime' } },
    },
    {
      name: 'cancelledBy',
      type: 'select',
      options: ['guest', 'host', 'staff'].map((v) => ({ label: humanize(v), value: v })),
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar' },
    },
    { name: 'cancellationReason', type: 'textarea', access: serverOwned, admin: { readOnly: true } },
    // Shown as money in the booking's currency; the API keeps the integer in minor units.
    {
      name: 'refundAmount',
      label: 'Refund',
      type: 'number',
      access: serverOwned,
      admin: {
        readOnly: true,
        position: 'sidebar',
        components: {
          Field: { path: '/components/MoneyField#MoneyField', clientProps: { currencyPath: 'quote.currency' } },
          Cell: '/components/MoneyCell#MoneyCell',
        },
      },
    },
    // Set once the cancellation's refund (if owed) and mails were handed to the job queue. Reconciliation
    // hands over the cancellations without it (Redis was down), and never twice, long after the queue
    // has forgotten its jobs.
    {
      name: 'cancellationQueuedAt',
      type: 'date',
      access: { ...serverOwned, read: isStaff },
      admin: {
        readOnly: true,
        position: 'sidebar',
        description: 'When the refund and mails of the cancellation were queued',
        date: { pickerAppearance: 'dayAndTime' },
      },
    },
    // The guest's first words to the host; also the conversation's first message (collections/Messages.ts),
    // read masked as the conversation is until the booking is confirmed, and never a filter or sort key.
    {
      name: 'messageToHost',
      type: 'textarea',
      maxLength: 1000,
      access: fixedAfterCreate,
      admin: { hidden: true },
      hooks: { afterRead: [maskMessageToHost] },
      // Not through a reference either (payments' booking, calendar events' echoOf, feeds' conflicts).
      custom: NOT_QUERYABLE,
    },
    // The conversation between guest and host (GET/POST /api/bookings/:id/messages), read by staff.
    { name: 'conversation', type: 'ui', admin: { components: { Field: '/components/BookingConversation#BookingConversation' } } },
    // For the reader: the other side's messages they have not read (null for staff), filled by countUnreadMessages.
    {
      name: 'unreadMessages',
      type: 'number',
      virtual: true,
      access: serverOwned,
      admin: { hidden: true },
    },
  ],
}
