import type { Field, SanitizedConfig } from 'payload'

import { serverOwnedTimestamps } from './serverOwnedTimestamps'

const readOwn = () => true
const fields = (): Field[] => [
  { name: 'title', type: 'text' },
  { name: 'checkIn', type: 'date' },
  { name: 'sessions', type: 'array', access: { read: readOwn, update: () => false }, fields: [{ name: 'createdAt', type: 'date' }] },
  { name: 'updatedAt', type: 'date', index: true },
  { name: 'createdAt', type: 'date', index: true, access: { read: readOwn } },
  { name: 'deletedAt', type: 'date' },
]

describe('serverOwnedTimestamps', () => {
  const collection = { slug: 'things', fields: fields(), flattenedFields: [] }
  const global = { slug: 'settings', fields: fields() }
  serverOwnedTimestamps({ collections: [collection], globals: [global] } as unknown as SanitizedConfig)

  it.each([
    ['createdAt', true],
    ['updatedAt', true],
    ['deletedAt', true],
    ['sessions', true],
    ['title', false],
    ['checkIn', false],
  ])('%s server-owned: %s', async (name, serverOwned) => {
    for (const owner of [collection, global]) {
      const field = owner.fields.find((f) => 'name' in f && f.name === name) as unknown as {
        access?: Record<string, (args: unknown) => boolean>
      }
      if (!serverOwned) {
        expect(field.access?.create).toBeUndefined()
        continue
      }
      expect(field.access?.create?.({})).toBe(false)
      expect(field.access?.update?.({})).toBe(false)
    }
  })

  it('keeps who may read them', () => {
    const createdAt = collection.fields.find((f) => 'name' in f && f.name === 'createdAt') as Field & { access: { read: unknown } }
    expect(createdAt.access.read).toBe(readOwn)
    const sessions = collection.fields.find((f) => 'name' in f && f.name === 'sessions') as Field & { access: { read: unknown } }
    expect(sessions.access.read).toBe(readOwn)
  })

  it('leaves nested fields of the same name alone (a payment refund row keeps its Stripe time)', () => {
    const sessions = collection.fields.find((f) => 'name' in f && f.name === 'sessions') as Field & { fields: Field[] }
    expect((sessions.fields[0] as { access?: unknown }).access).toBeUndefined()
  })
})
