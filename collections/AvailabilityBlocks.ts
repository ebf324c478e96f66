import type { CollectionConfig } from 'payload'

import { checkBlock } from '../hooks/availabilityBlocks/checkBlock'
import { invalidateBlockedNights, invalidateUnblockedNights } from '../hooks/availabilityBlocks/invalidateBlockedNights'
import { oneBlockAtATime } from '../hooks/availabilityBlocks/oneBlockAtATime'
import { isHostOrStaff } from '@/access/isHost'
import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { or } from '@/access/or'
import { ownedBy } from '@/access/ownedBy'
import { humanize } from '@/domain/listing'
import { stayDateField } from '@/lib/stayDateField'

/** Dates a host takes off the calendar (own use, maintenance); half-open like stays. */
export const AvailabilityBlocks: CollectionConfig = {
  slug: 'availability-blocks',
  labels: { singular: 'Blocked dates', plural: 'Blocked dates' },
  admin: { useAsTitle: 'id', defaultColumns: ['property', 'startDate', 'endDate', 'reason'], group: 'Reservations' },
  access: {
    read: or(isStaff, ownedBy('host')),
    create: isHostOrStaff,
    update: or(isStaff, ownedBy('host')),
    delete: or(isStaff, ownedBy('host')),
  },
  hooks: {
    beforeOperation: [oneBlockAtATime],
    beforeChange: [checkBlock],
    afterChange: [invalidateBlockedNights],
    afterDelete: [invalidateUnblockedNights],
  },
  lockDocuments: false,
  fields: [
    { name: 'property', type: 'relationship', relationTo: 'properties', required: true, index: true },
    {
      name: 'host',
      type: 'relationship',
      relationTo: 'users',
      index: true,
      access: { create: never, update: never },
      admin: { readOnly: true },
    },
    { type: 'row', fields: [stayDateField('startDate', 'First blocked night'), stayDateField('endDate', 'Free again from')] },
    {
      name: 'reason',
      type: 'select',
      required: true,
      defaultValue: 'owner_use',
      options: ['owner_use', 'maintenance', 'other'].map((v) => ({ label: humanize(v), value: v })),
    },
    { name: 'note', type: 'textarea', maxLength: 500 },
  ],
}
