import type { CollectionConfig, Field, PayloadRequest } from 'payload'

import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { or } from '@/access/or'
import { ownedBy } from '@/access/ownedBy'
import { PAYMENT_STATUSES } from '@/domain/payments'
import { humanize } from '@/domain/listing'
import { CURRENCY_CODES } from '@/domain/money'
import { sameId } from '@/domain/ids'

const options = (values: readonly string[]) => values.map((v) => ({ label: humanize(v), value: v }))
const MONEY_CELL = '/components/MoneyCell#MoneyCell'
// Amounts as money in the payment's currency, read-only; the API keeps integers in minor units.
const MONEY_FIELD = { path: '/components/MoneyField#MoneyField', clientProps: { currencyPath: 'currency' } }
const staffOnly = { read: isStaff }
// Why a card failed, or why a guest disputed, is between the guest, Stripe and staff: not the host's.
const guestAndStaff = {
  read: ({ req, doc }: { req: PayloadRequest; doc?: { guest?: unknown } }) =>
    isStaff({ req }) || (!!req.user && sameId(doc?.guest, req.user)),
}
const readOnlyDate = (name: string): Field => ({
  name,
  type: 'date',
  admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } },
})

/**
 * One Stripe PaymentIntent for one booking. Written only by the server (the payment-intent endpoint,
 * the webhook processor, refund and reconciliation jobs), always from what Stripe reports; no API user
 * may create, change or delete one. No card data is ever stored: Stripe holds it.
 */
export const Payments: CollectionConfig = {
  slug: 'payments',
  admin: {
    useAsTitle: 'stripePaymentIntentId',
    defaultColumns: ['booking', 'amount', 'currency', 'status', 'amountRefunded', 'needsAttention', 'createdAt'],
    group: 'Money',
    description: 'Mirrors Stripe. Changes come from Stripe webhooks, refund jobs and reconciliation, never by hand.',
  },
  access: {
    // A guest sees the payments of their bookings, a host those of bookings on their listings.
    read: or(isStaff, ownedBy('guest'), ownedBy('host')),
    create: never,
    update: never,
    delete: never,
  },
  lockDocuments: false,
  disableDuplicate: true,
  fields: [
    { name: 'booking', type: 'relationship', relationTo: 'bookings', required: true, index: true, admin: { readOnly: true } },
    { name: 'guest', type: 'relationship', relationTo: 'users', index: true, admin: { readOnly: true } },
    { name: 'host', type: 'relationship', relationTo: 'users', index: true, admin: { readOnly: true } },
    {
      type: 'row',
      fields: [
        {
          name: 'amount',
          type: 'number',
          required: true,
          admin: { readOnly: true, description: 'Minor units (cents; yen for JPY)', components: { Cell: MONEY_CELL, Field: MONEY_FIELD } },
        },
        {
          name: 'currency',
          type: 'select',
          required: true,
          options: CURRENCY_CODES.map((c) => ({ label: c, value: c })),
          admin: { readOnly: true },
        },
        {
          name: 'amountRefunded',
          label: 'Refunded',
          type: 'number',
          defaultValue: 0,
          admin: { readOnly: true, components: { Cell: MONEY_CELL, Field: MONEY_FIELD } },
        },
      ],
    },
    {
      name: 'status',
      type: 'select',
      required: true,
      index: true,
      options: options(PAYMENT_STATUSES),
      admin: { readOnly: true, position: 'sidebar' },
    },
    { name: 'stripePaymentIntentId', type: 'text', required: true, unique: true, admin: { readOnly: true, position: 'sidebar' } },
    {
      name: 'failureMessage',
      type: 'text',
      access: guestAndStaff,
      admin: { readOnly: true, description: 'Why the last attempt failed, as Stripe reported it' },
    },
    {
      name: 'refunds',
      type: 'array',
      admin: { readOnly: true },
      fields: [
        { name: 'stripeRefundId', type: 'text', required: true, unique: true },
        { name: 'amount', type: 'number', required: true, admin: { components: { Field: MONEY_FIELD } } },
        { name: 'status', type: 'text' },
        { name: 'reason', type: 'text' },
        readOnlyDate('createdAt'),
      ],
    },
    {
      name: 'dispute',
      type: 'group',
      access: guestAndStaff,
      admin: { readOnly: true, condition: (data) => Boolean(data?.dispute?.stripeDisputeId) },
      fields: [
        { name: 'stripeDisputeId', type: 'text' },
        { name: 'reason', type: 'text' },
        { name: 'amount', type: 'number', admin: { components: { Field: MONEY_FIELD } } },
        readOnlyDate('openedAt'),
      ],
    },
    // Things a person must look at: a dispute, a refund that kept failing, money taken for dates that
    // were gone. Staff filter the list by this.
    {
      name: 'needsAttention',
      label: 'Needs attention',
      type: 'checkbox',
      defaultValue: false,
      index: true,
      access: staffOnly,
      admin: { readOnly: true, position: 'sidebar' },
    },
    { name: 'attentionReason', type: 'textarea', access: staffOnly, admin: { readOnly: true, position: 'sidebar' } },
    {
      name: 'lastStripeEventAt',
      label: 'Last Stripe event',
      type: 'date',
      admin: { readOnly: true, position: 'sidebar', date: { pickerAppearance: 'dayAndTime' } },
    },
  ],
}
