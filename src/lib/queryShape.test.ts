import type { FlattenedField } from 'payload'

import { NOT_QUERYABLE, checkJoins, checkPaging, checkSort, checkWhere, pinnedIdCount } from './queryShape'

const users = [
  { name: 'name', type: 'text' },
  { name: 'email', type: 'email' },
] as unknown as FlattenedField[]
const properties = [
  { name: 'title', type: 'text' },
  {
    name: '_status',
    type: 'select',
    options: [
      { label: 'Draft', value: 'draft' },
      { label: 'Published', value: 'published' },
    ],
  },
  { name: 'host', type: 'relationship', relationTo: 'users' },
  { name: 'amenities', type: 'select', hasMany: true, options: ['wifi', 'kitchen'] },
  { name: 'maxGuests', type: 'number' },
  { name: 'instantBook', type: 'checkbox' },
  { name: 'createdAt', type: 'date' },
  { name: 'pricing', type: 'group', flattenedFields: [{ name: 'nightlyRate', type: 'number' }] },
  {
    name: 'perNight',
    type: 'array',
    flattenedFields: [
      { name: 'id', type: 'text' },
      { name: 'rate', type: 'number' },
    ],
  },
  { name: 'description', type: 'richText' },
  { name: 'checkIn', type: 'text', custom: { stayDate: true } },
] as unknown as FlattenedField[]
const context = { fields: properties, fieldsOf: (slug: string) => (slug === 'users' ? users : undefined), versions: true }
const problem = (where: unknown) => checkWhere(where, context)?.field ?? null

describe('checkWhere', () => {
  it.each([
    [{ title: { like: 'lake' } }, null],
    [{ _status: { equals: 'published' } }, null],
    [{ host: { equals: '3' } }, null],
    [{ host: { in: '3,4' } }, null],
    [{ host: { equals: 'null' } }, null],
    [{ 'host.name': { like: 'Ann' } }, null],
    [{ 'host.id': { equals: 'x' } }, 'where[host.id][equals]'],
    [{ 'perNight.id': { equals: '6650f0c2a1b2' } }, null], // array rows have text ids
    [{ 'pricing.nightlyRate': { greater_than: '100' } }, null],
    [{ createdAt: { greater_than: '2027-01-01' } }, null],
    [{ instantBook: { equals: 'true' } }, null],
    // Stay dates: YYYY-MM-DD for equality and comparisons, any text for like/contains.
    [{ checkIn: { greater_than_equal: '2027-04-01' } }, null],
    [{ checkIn: { in: '2027-04-01,2027-04-02' } }, null],
    [{ checkIn: { like: '2027-04' } }, null],
    [{ checkIn: { contains: '04-2' } }, null],
    [{ checkIn: { equals: null } }, null],
    [{ checkIn: { less_than: '2027-04-01T12:00:00.000Z' } }, 'where[checkIn][less_than]'],
    [{ checkIn: { equals: '2027-02-30' } }, 'where[checkIn][equals]'],
    [{ checkIn: { in: ['2027-04-01', 'soon'] } }, 'where[checkIn][in]'],
    [{ checkIn: { near: '1,2' } }, 'where[checkIn][near]'],
    [{ amenities: { contains: 'wifi' } }, null],
    [{ amenities: { all: ['wifi', 'kitchen'] } }, null],
    [{ id: { not_equals: '' } }, null], // the admin panel's "select all" bulk delete
    [{ id: { in: [1, 2, 3] } }, null],
    [{ id: { like: '12' } }, null], // the admin panel's search on collections titled by id
    [{ amenities: { contains: ['wifi'] } }, 'where[amenities][contains]'],
    [{ or: [{ title: { equals: 'a' } }, { and: [{ maxGuests: { less_than: 4 } }] }] }, null],
    [{ 'version.title': { like: 'x' } }, null],
    [{ parent: { equals: 5 } }, null],
    [{ unknownField: { equals: 'left to Payload' } }, null],
    [{ description: { like: 'x' } }, null],
    [{ id: { equals: '99999999999999999999' } }, 'where[id][equals]'],
    [{ _status: { equals: 'x' } }, 'where[_status][equals]'],
    [{ host: { equals: 'x' } }, 'where[host][equals]'],
    [{ host: { in: '3,x' } }, 'where[host][in]'],
    [{ parent: { equals: 'x' } }, 'where[parent][equals]'],
    [{ createdAt: { like: 'x' } }, 'where[createdAt][like]'],
    [{ createdAt: { equals: 'x' } }, 'where[createdAt][equals]'],
    [{ maxGuests: { equals: 'x' } }, 'where[maxGuests][equals]'],
    [{ title: { near: '1,2' } }, 'where[title][near]'],
    [{ title: { bogus: 'x' } }, 'where[title][bogus]'],
    [{ 'host.name': { all: 'x' } }, 'where[host.name][all]'],
    [{ _status: { like: 'pub' } }, 'where[_status][like]'],
    [{ title: { exists: 'maybe' } }, 'where[title][exists]'],
    [{ instantBook: { equals: 'yes' } }, 'where[instantBook][equals]'],
    [{ title: 'lake' }, 'where[title]'],
    [{ title: {} }, 'where[title]'],
    [{ or: { 0: { title: { equals: 'a' } } } }, 'where[or]'],
    [{ 'title;drop': { equals: 'a' } }, 'where[title;drop]'],
    ['title', 'where'],
  ])('%#: %j → %s', (where, field) => {
    expect(problem(where)).toBe(field)
  })

  it('bounds nesting and the number of conditions', () => {
    let deep: Record<string, unknown> = { title: { equals: 'x' } }
    for (let i = 0; i < 10; i++) deep = { and: [deep] }
    expect(problem(deep)).toMatch(/^where(\[and\]\[0\])+$/)
    const many = { or: Array.from({ length: 150 }, (_, i) => ({ title: { equals: String(i) } })) }
    expect(checkWhere(many, context)?.message).toMatch(/more than 100 conditions/)
  })

  it('all and near are not for a single text', () => {
    expect(checkWhere({ name: { all: 'x' } }, { ...context, fields: users })?.field).toBe('where[name][all]')
    expect(checkWhere({ name: { near: '1,2' } }, { ...context, fields: users })?.field).toBe('where[name][near]')
  })
})

describe('a field that is masked when read (custom: NOT_QUERYABLE) cannot be queried, directly or through a reference', () => {
  const bookings = [
    { name: 'status', type: 'text' },
    { name: 'messageToHost', type: 'textarea', custom: NOT_QUERYABLE },
  ] as unknown as FlattenedField[]
  const payments = [
    { name: 'amount', type: 'number' },
    { name: 'booking', type: 'relationship', relationTo: 'bookings' },
  ] as unknown as FlattenedField[]
  const fieldsOf = (slug: string) => (slug === 'bookings' ? bookings : undefined)
  const on = (fields: FlattenedField[]) => ({ fields, fieldsOf, versions: false })
  it.each<[FlattenedField[], unknown, string | null]>([
    [bookings, { messageToHost: { like: 'jane' } }, 'where[messageToHost]'],
    [bookings, { or: [{ status: { equals: 'x' } }, { messageToHost: { exists: true } }] }, 'where[or][1][messageToHost]'],
    [payments, { 'booking.messageToHost': { like: 'jane' } }, 'where[booking.messageToHost]'],
    [payments, { booking__messageToHost: { contains: '@' } }, 'where[booking__messageToHost]'],
    [payments, { 'booking.status': { equals: 'confirmed' } }, null],
    [payments, { booking: { equals: 3 } }, null],
  ])('where %#', (fields, where, field) => expect(checkWhere(where, on(fields))?.field ?? null).toBe(field))
  it.each<[FlattenedField[], unknown, boolean]>([
    [bookings, 'messageToHost', true],
    [bookings, '-messageToHost', true],
    [bookings, 'status, messageToHost', true],
    [payments, 'booking.messageToHost', true],
    [payments, ['amount', '-booking.messageToHost'], true],
    [payments, '-booking.status', false],
    [payments, undefined, false],
  ])('sort %#: %j', (fields, sort, refused) => expect(checkSort(sort, on(fields)) !== null).toBe(refused))
})

describe('checkJoins', () => {
  const events = [
    { name: 'uid', type: 'text' },
    { name: 'feed', type: 'relationship', relationTo: 'feeds' },
  ] as unknown as FlattenedField[]
  const feeds = [
    { name: 'url', type: 'text' },
    { name: 'events', type: 'join', collection: 'events', on: 'feed' },
  ] as unknown as FlattenedField[]
  const joinContext = { fields: feeds, fieldsOf: (slug: string) => (slug === 'events' ? events : slug === 'feeds' ? feeds : undefined) }
  it.each<[unknown, string | null]>([
    [undefined, null],
    [false, null],
    ['abc', null],
    [{ events: { sort: 'uid', limit: 5 } }, null],
    [{ events: { sort: '-feed' } }, null],
    [{ events: { where: { uid: { like: 'x' } } } }, null],
    [{ nope: { sort: 'a.b' } }, null],
    [{ events: { sort: 'feed.url' } }, 'joins[events][sort]'],
    [{ events: { sort: '-feed.url' } }, 'joins[events][sort]'],
    [{ events: { sort: 'uid,feed.url' } }, 'joins[events][sort]'],
    [{ events: { sort: ['uid', 'feed.url'] } }, 'joins[events][sort]'],
    [{ events: { where: { 'feed.url': { like: 'x' } } } }, 'joins[events][where][feed.url]'],
    [{ events: { where: { or: [{ 'feed.url': { like: 'x' } }] } } }, 'joins[events][where][feed.url]'],
    [{ events: { where: { uid: { bogus: 'x' } } } }, 'joins[events][where][uid][bogus]'],
  ])('%j → %s', (joins, field) => expect(checkJoins(joins, joinContext)?.field ?? null).toBe(field))
})

describe('checkPaging', () => {
  const open = { bounded: false }
  const bounded = { bounded: true }
  it.each([
    [{ limit: 10, page: 2, depth: 1 }, bounded, null],
    [{ limit: 100 }, bounded, null],
    [{ pagination: false, limit: 20 }, bounded, null],
    [{ limit: 0 }, open, null],
    [{ pagination: false }, open, null],
    [{ limit: 5000 }, open, null],
    [{ limit: 0 }, bounded, 'limit'],
    [{ limit: 101 }, bounded, 'limit'],
    [{ pagination: false }, bounded, 'pagination'],
    [{ limit: 1e308 }, open, 'limit'],
    [{ limit: -5 }, open, 'limit'],
    [{ limit: 2.5 }, open, 'limit'],
    [{ limit: 'x' }, open, 'limit'],
    [{ page: -1 }, open, 'page'],
    [{ page: 0 }, open, 'page'],
    [{ page: 1e9 }, open, 'page'],
    [{ depth: 1e308 }, open, 'depth'],
    [{ depth: 11 }, open, 'depth'],
    [{ depth: 'x' }, open, 'depth'],
    [{ limit: 100_000, page: 30_000 }, open, 'page'],
    [{ limit: 1_000, page: 2_000 }, open, null],
  ])('%#: %j %j → %s', (args, options, field) => {
    expect(checkPaging(args, options)?.field ?? null).toBe(field)
  })
})

describe('pinnedIdCount', () => {
  it.each([
    ['id in a list (REST: comma-separated)', { id: { in: '1,2,3' } }, 3],
    ['id in an array', { id: { in: [1, 2] } }, 2],
    ['id equals', { id: { equals: 7 } }, 1],
    ['inside a top-level and', { and: [{ status: { equals: 'x' } }, { id: { in: [1, 2, 3, 4] } }] }, 4],
    ['or does not pin', { or: [{ id: { in: [1] } }, { title: { like: 'a' } }] }, null],
    ['another field', { title: { in: 'a,b' } }, null],
    ['no where', undefined, null],
  ])('%s → %s', (_, where, expected) => {
    expect(pinnedIdCount(where)).toBe(expected)
  })
})
