import type { SanitizedCollectionConfig } from 'payload'

import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { moneyRule } from '@/lib/validators'
import { collectionSchemas, schemaName } from './collectionSchemas'

/** Fields → JSON Schema, as field access and validators decide (a made-up collection). */
const collection = {
  slug: 'stays',
  access: {},
  fields: [
    { name: 'checkIn', type: 'text', required: true, custom: { stayDate: true } },
    { name: 'legacyDay', type: 'date', admin: { date: { pickerAppearance: 'dayOnly' } } },
    { name: 'price', type: 'number', required: true, validate: moneyRule('Price', { required: true, min: 1 }) },
    { name: 'status', type: 'select', options: ['a', 'b'], access: { create: never, update: never } },
    { name: 'host', type: 'relationship', relationTo: 'users', access: { create: isStaff, update: isStaff } },
    { name: 'secret', type: 'text', access: { read: never } },
    { name: 'salt', type: 'text', hidden: true },
    { type: 'row', fields: [{ name: 'nights', type: 'number', defaultValue: 1 }] },
    { name: 'lines', type: 'array', fields: [{ name: 'label', type: 'text', required: true }] },
    { name: 'computed', type: 'checkbox', virtual: true },
    { name: 'createdAt', type: 'date', access: { create: never, update: never } },
  ],
} as unknown as SanitizedCollectionConfig

describe('collectionSchemas', () => {
  it('names components in the singular', () => {
    expect([schemaName('bookings'), schemaName('properties'), schemaName('availability-blocks'), schemaName('media')]).toEqual([
      'Booking',
      'Property',
      'AvailabilityBlock',
      'Media',
    ])
  })

  it('reads: every readable field, stay dates as calendar dates, relationships as id or document', async () => {
    const { read } = await collectionSchemas(collection, new Set(['users']))
    const p = read.properties as Record<string, any>
    expect(Object.keys(p).sort()).toEqual([
      'checkIn',
      'computed',
      'createdAt',
      'host',
      'id',
      'legacyDay',
      'lines',
      'nights',
      'price',
      'status',
    ])
    expect(p.checkIn).toMatchObject({ type: 'string', format: 'date' })
    expect(p.legacyDay).toEqual({ type: ['string', 'null'], format: 'date-time' })
    expect(p.price).toEqual({ type: 'integer' })
    expect(p.status).toEqual({ type: ['string', 'null'], enum: ['a', 'b', null] })
    expect(p.host.anyOf[0].anyOf).toEqual([{ type: 'integer', minimum: 1 }, { $ref: '#/components/schemas/User' }])
    expect(p.lines.items.required).toEqual(['id'])
    expect(read.required).toEqual(['id'])
  })

  it('writes: no server-owned, hidden, computed or unreadable-but-owned fields; staff-only fields say so', async () => {
    const { create, update } = await collectionSchemas(collection, new Set(['users']))
    const c = create.properties as Record<string, any>
    expect(Object.keys(c).sort()).toEqual(['checkIn', 'host', 'legacyDay', 'lines', 'nights', 'price', 'secret'])
    expect(c.price).toEqual({ type: 'integer', minimum: 1, maximum: 100_000_000 })
    expect(c.legacyDay).toMatchObject({ type: ['string', 'null'], format: 'date' })
    expect(c.host).toMatchObject({ type: ['integer', 'null'], description: expect.stringMatching(/^Staff only/) })
    expect(create.required).toEqual(['checkIn', 'price'])
    expect(update.required).toBeUndefined()
    expect(Object.keys(update.properties as object).sort()).toEqual(Object.keys(c).sort())
  })
})
