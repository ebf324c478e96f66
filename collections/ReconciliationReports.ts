import type { CollectionConfig } from 'payload'

import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { humanize } from '@/domain/listing'
import { DISCREPANCY_KINDS } from '@/domain/reconciliation'

const dateTime = { readOnly: true, date: { pickerAppearance: 'dayAndTime' as const } }

/**
 * One document per reconciliation run (scheduled or started by staff): the window compared, how many
 * PaymentIntents and refunds were checked, what was fixed, and every discrepancy a person must look at.
 */
export const ReconciliationReports: CollectionConfig = {
  slug: 'reconciliation-reports',
  labels: { singular: 'Reconciliation report', plural: 'Reconciliation reports' },
  admin: {
    useAsTitle: 'title',
    defaultColumns: ['title', 'status', 'checked', 'fixed', 'discrepancyCount', 'finishedAt'],
    group: 'Money',
    hidden: ({ user }) => !isStaff({ req: { user } as never }),
    components: { beforeListTable: ['/components/RunReconciliationButton#RunReconciliationButton'] },
  },
  access: { read: isStaff, create: never, update: never, delete: never },
  defaultSort: '-startedAt',
  lockDocuments: false,
  disableDuplicate: true,
  fields: [
    { name: 'title', type: 'text', required: true, admin: { readOnly: true } },
    {
      name: 'trigger',
      type: 'select',
      required: true,
      options: ['scheduled', 'manual'].map((v) => ({ label: humanize(v), value: v })),
      admin: { readOnly: true },
    },
    { name: 'requestedBy', label: 'Requested by', type: 'relationship', relationTo: 'users', admin: { readOnly: true } },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'running',
      options: ['running', 'completed', 'failed'].map((v) => ({ label: humanize(v), value: v })),
      admin: { readOnly: true },
    },
    {
      type: 'row',
      fields: [
        { name: 'windowStart', label: 'Window start', type: 'date', required: true, admin: dateTime },
        { name: 'windowEnd', label: 'Window end', type: 'date', required: true, admin: dateTime },
      ],
    },
    {
      type: 'row',
      fields: [
        { name: 'startedAt', label: 'Started', type: 'date', required: true, index: true, admin: dateTime },
        { name: 'finishedAt', label: 'Finished', type: 'date', admin: dateTime },
      ],
    },
    {
      type: 'row',
      fields: [
        {
          name: 'checked',
          type: 'number',
          defaultValue: 0,
          admin: { readOnly: true, description: 'PaymentIntents, refunds and local payments compared' },
        },
        {
          name: 'fixed',
          type: 'number',
          defaultValue: 0,
          admin: { readOnly: true, description: 'Payments brought in line with Stripe (missed webhooks)' },
        },
        { name: 'discrepancyCount', label: 'Discrepancies', type: 'number', defaultValue: 0, admin: { readOnly: true } },
      ],
    },
    {
      name: 'discrepancies',
      type: 'array',
      admin: { readOnly: true },
      fields: [
        { name: 'kind', type: 'select', required: true, options: DISCREPANCY_KINDS.map((k) => ({ label: humanize(k), value: k })) },
        { name: 'stripeObjectId', type: 'text' },
        { name: 'payment', type: 'relationship', relationTo: 'payments' },
        { name: 'details', type: 'textarea' },
      ],
    },
    { name: 'error', type: 'textarea', admin: { readOnly: true } },
  ],
}
