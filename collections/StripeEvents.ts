import type { CollectionConfig } from 'payload'

import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { humanize } from '@/domain/listing'

export const STRIPE_EVENT_STATUSES = ['pending', 'processed', 'failed', 'ignored'] as const

/**
 * The webhook inbox: every event whose signature checked out, stored before we answer Stripe, then
 * processed by a job (job id = event id). `eventId` is unique, so a redelivered event is stored and
 * processed once. Staff read it to see what Stripe told us and what became of it.
 */
export const StripeEvents: CollectionConfig = {
  slug: 'stripe-events',
  labels: { singular: 'Stripe event', plural: 'Stripe events' },
  admin: {
    useAsTitle: 'eventId',
    defaultColumns: ['eventId', 'type', 'status', 'receivedAt', 'processedAt'],
    group: 'Money',
    hidden: ({ user }) => !isStaff({ req: { user } as never }),
  },
  access: { read: isStaff, create: never, update: never, delete: never },
  lockDocuments: false,
  disableDuplicate: true,
  fields: [
    { name: 'eventId', type: 'text', required: true, unique: true, admin: { readOnly: true } },
    { name: 'type', type: 'text', required: true, index: true, admin: { readOnly: true } },
    { name: 'payload', type: 'json', required: true, admin: { readOnly: true } },
    { name: 'receivedAt', type: 'date', required: true, admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } } },
    {
      name: 'status',
      type: 'select',
      required: true,
      index: true,
      defaultValue: 'pending',
      options: STRIPE_EVENT_STATUSES.map((s) => ({ label: humanize(s), value: s })),
      admin: { readOnly: true, position: 'sidebar' },
    },
    { name: 'processedAt', type: 'date', admin: { readOnly: true, position: 'sidebar', date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'error', type: 'textarea', admin: { readOnly: true } },
  ],
}
