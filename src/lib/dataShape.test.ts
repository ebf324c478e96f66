import type { FlattenedField } from 'payload'

import { checkDataShape, deeperThan, findNul } from './dataShape'
import { isIdValue } from '@/domain/ids'

const fields = [
  { name: 'title', type: 'text' },
  { name: 'propertyType', type: 'select', options: ['apartment', 'house'] },
  { name: 'amenities', type: 'select', hasMany: true, options: ['wifi'] },
  { name: 'maxGuests', type: 'number' },
  { name: 'instantBook', type: 'checkbox' },
  { name: 'publishedAt', type: 'date' },
  { name: 'host', type: 'relationship', relationTo: 'users' },
  { name: 'photos', type: 'upload', relationTo: 'media', hasMany: true },
  {
    name: 'pricing',
    type: 'group',
    flattenedFields: [
      { name: 'currency', type: 'select', options: ['EUR'] },
      { name: 'nightlyRate', type: 'number' },
    ],
  },
  { name: 'perNight', type: 'array', flattenedFields: [{ name: 'rate', type: 'number' }] },
  { name: 'payload', type: 'json' },
] as unknown as FlattenedField[]

describe('checkDataShape', () => {
  it.each([
    [
      {
        title: 'Flat',
        propertyType: 'apartment',
        maxGuests: 2,
        instantBook: true,
        host: 3,
        photos: [1, '2'],
        pricing: { currency: 'EUR', nightlyRate: 100 },
      },
      null,
    ],
    [{ title: null, pricing: null, publishedAt: '2027-03-20T12:00:00.000Z', host: { id: 4, name: 'populated' } }, null],
    [{ payload: { anything: [1, 'two'] }, unknownKey: ['kept for Payload'] }, null],
    [{ title: ['a title'] }, 'title'],
    [{ propertyType: ['apartment'] }, 'propertyType'],
    [{ amenities: 'wifi' }, 'amenities'],
    [{ amenities: [1] }, 'amenities'],
    [{ maxGuests: '2' }, 'maxGuests'],
    [{ pricing: { nightlyRate: "1' OR '1'='1" } }, 'pricing.nightlyRate'],
    [{ pricing: { currency: 1 } }, 'pricing.currency'],
    [{ pricing: 'cheap' }, 'pricing'],
    [{ instantBook: 'true' }, 'instantBook'],
    [{ publishedAt: 'not a date' }, 'publishedAt'],
    [{ publishedAt: '2030-13-45' }, 'publishedAt'],
    [{ host: '3 OR 1=1' }, 'host'],
    [{ host: 1.5 }, 'host'],
    [{ host: 3_000_000_000 }, 'host'],
    [{ photos: 5 }, 'photos'],
    [{ perNight: [{ rate: 'x' }] }, 'perNight.0.rate'],
    [{ perNight: ['row'] }, 'perNight.0'],
    [{ maxGuests: Number.POSITIVE_INFINITY }, 'maxGuests'],
  ])('%#: %j → %s', (data, field) => {
    expect(checkDataShape(fields, data as Record<string, unknown>)?.field ?? null).toBe(field)
  })
})

describe('findNul, deeperThan, isIdValue', () => {
  it('finds a NUL in keys and values, nested', () => {
    expect(findNul({ a: { b: ['x', 'y\0'] } })).toBe('a.b.1')
    expect(findNul({ 'k\0': 1 })).toBe('k\0')
    expect(findNul({ a: 'clean', b: [1, null] })).toBeNull()
  })

  it('measures depth without walking all the way down', () => {
    let deep: unknown = 1
    for (let i = 0; i < 10_000; i++) deep = [deep]
    expect(deeperThan(deep, 32)).toBe(true)
    expect(deeperThan({ a: [{ b: 1 }] }, 3)).toBe(false)
    expect(deeperThan({ a: [{ b: {} }] }, 3)).toBe(true)
  })

  it.each([
    [1, true],
    ['12', true],
    [2147483647, true],
    [0, false],
    ['012', false],
    [2147483648, false],
    ['1 OR 1=1', false],
    [Number.NaN, false],
  ])('isIdValue(%p) → %p', (value, expected) => {
    expect(isIdValue(value)).toBe(expected)
  })
})
