import fc from 'fast-check'
import * as qs from 'qs-esm'

import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { makeImage } from '../helpers/images'
import { createListing } from '../helpers/listings'
import { type Stack, queryDatabase, startStack } from '../helpers/stack'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * No input gives a 500 on REST, and input refused with a 4xx changes nothing: a table of the requests
 * found by attack (each with the status and stable code it must get), then a seeded property-based fuzz
 * of query strings and bodies. Every 4xx is followed by a check that no table changed.
 * The fuzz runs FUZZ_RUNS cases per body family and half that per read path (default 60, 750 in all,
 * about two minutes on a loaded machine) from FUZZ_SEED; it prints how many ran.
 */
let stripe: StripeStandIn
let stack: Stack
let cast: Cast
let listing: { id: number }
let booking: { id: number }
let block: { id: number }
let feed: { id: number }
let media: { id: number; filename: string }

const day = (offset: number) => addDays(utcDate(new Date()), offset)

beforeAll(async () => {
  stripe = await startStripeStandIn()
  stack = await startStack({ env: stripe.env })
  cast = await signUpCast(stack)
  listing = await createListing(stack, cast.host, { title: 'No-500 test flat' }, { publish: true })
  const booked = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listing.id, checkIn: day(30), checkOut: day(32), guests: 2 },
  })
  expect(booked.status).toBe(201)
  booking = booked.body.doc
  const blocked = await rest(stack, 'POST', '/api/availability-blocks', {
    token: cast.host.token,
    body: { property: listing.id, startDate: day(60), endDate: day(62), note: 'painting' },
  })
  expect(blocked.status).toBe(201)
  block = blocked.body.doc
  const imported = await rest(stack, 'POST', '/api/calendar-feeds', {
    token: cast.host.token,
    body: { property: listing.id, name: 'Airbnb', url: 'https://calendar.example.com/no-500.ics' },
  })
  expect(imported.status).toBe(201)
  feed = imported.body.doc
  const uploaded = await upload(cast.host, await makeImage(64, 48), 'avatar.jpg', { alt: 'The host, smiling' })
  expect(uploaded.status).toBe(201)
  media = uploaded.body.doc
  expect((await rest(stack, 'PATCH', `/api/users/${cast.host.id}`, { token: cast.host.token, body: { avatar: media.id } })).status).toBe(
    200,
  )
}, 180_000)

afterAll(async () => {
  await stack?.stop()
  await stripe?.close()
})

// --- helpers ------------------------------------------------------------------------------------------

async function upload(who: TestUser, file: Buffer, name: string, fields: Record<string, unknown>) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(file)], { type: 'image/jpeg' }), name)
  form.append('_payload', JSON.stringify(fields))
  const res = await fetch(`${stack.url}/api/media`, {
    method: 'POST',
    body: form,
    headers: { authorization: `JWT ${who.token}` },
    signal: AbortSignal.timeout(30_000),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

/** A cheap fingerprint of everything a request could write: row counts and last change per table. */
const TABLES = [
  'users',
  'properties',
  '_properties_v',
  'bookings',
  'availability_blocks',
  'calendar_feeds',
  'calendar_events',
  'media',
  'reviews',
  'payments',
  'stripe_events',
  'messages',
]
async function fingerprint(): Promise<string> {
  const parts = TABLES.map((t) => `(select count(*) || ':' || coalesce(max(updated_at)::text, '') from ${t}) as "${t}"`)
  const { rows } = await queryDatabase(stack, `select ${parts.join(', ')}`)
  return JSON.stringify(rows[0])
}

type Who = 'anonymous' | 'guest' | 'host' | 'staff' | 'admin'
const tokenOf = (who: Who) => (who === 'anonymous' ? undefined : cast[who].token)

type Case = {
  name: string
  who: Who
  method: string
  path: () => string
  body?: unknown
  raw?: () => string
  headers?: Record<string, string>
  status: number
  code: string
  message?: RegExp
  field?: string
}

const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n)

// --- the table ----------------------------------------------------------------------------------------

const COLLECTIONS = [
  'users',
  'properties',
  'bookings',
  'availability-blocks',
  'calendar-feeds',
  'calendar-events',
  'media',
  'reviews',
  'payments',
  'stripe-events',
  'reconciliation-reports',
]

const cases: Case[] = [
  // Ids are whole numbers, parsed strictly, on every collection and every custom endpoint.
  ...COLLECTIONS.flatMap((slug): Case[] => [
    { name: `GET /api/${slug}/abc`, who: 'staff', method: 'GET', path: () => `/api/${slug}/abc`, status: 404, code: 'NOT_FOUND' },
    { name: `GET /api/${slug}/1.5`, who: 'staff', method: 'GET', path: () => `/api/${slug}/1.5`, status: 404, code: 'NOT_FOUND' },
    {
      name: `GET /api/${slug}/99999999999`,
      who: 'staff',
      method: 'GET',
      path: () => `/api/${slug}/99999999999`,
      status: 404,
      code: 'NOT_FOUND',
    },
  ]),
  {
    name: 'anonymous /api/users/abc',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/users/abc',
    status: 404,
    code: 'NOT_FOUND',
    message: /whole numbers/,
  },
  {
    name: 'user 1 OR 1=1',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/users/1%20OR%201=1',
    status: 404,
    code: 'NOT_FOUND',
    field: 'id',
  },
  {
    name: 'PATCH block id OR 1=1',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/availability-blocks/${block.id}%20OR%201=1`,
    body: { note: 'changed' },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'DELETE block id OR 1=1',
    who: 'host',
    method: 'DELETE',
    path: () => `/api/availability-blocks/${block.id}%20OR%201=1`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'PATCH /api/properties/1.5',
    who: 'host',
    method: 'PATCH',
    path: () => '/api/properties/1.5',
    body: { title: 'Renamed listing' },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'NUL in a preference value (Payload writes preferences straight to the database)',
    who: 'host',
    method: 'POST',
    path: () => '/api/payload-preferences/no-500-probe',
    body: { value: { a: 'x\u0000y' } },
    status: 400,
    code: 'VALIDATION_FAILED',
    message: /NUL/,
  },
  {
    name: 'cancel booking abc',
    who: 'guest',
    method: 'POST',
    path: () => '/api/bookings/abc/cancel',
    body: {},
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'cancel booking id OR 1=1',
    who: 'guest',
    method: 'POST',
    path: () => `/api/bookings/${booking.id}%20OR%201=1/cancel`,
    body: {},
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'accept booking 1.5',
    who: 'host',
    method: 'POST',
    path: () => '/api/bookings/1.5/accept',
    body: {},
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'payment intent for booking x',
    who: 'guest',
    method: 'POST',
    path: () => `/api/bookings/${booking.id}x/payment-intent`,
    body: {},
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'quote for listing abc',
    who: 'anonymous',
    method: 'GET',
    path: () => `/api/properties/abc/quote?checkIn=${day(40)}&checkOut=${day(42)}`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'availability for listing 1e3',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties/1e3/availability',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'unpublish listing abc',
    who: 'staff',
    method: 'POST',
    path: () => '/api/properties/abc/unpublish',
    body: { reason: 'x' },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'hide review abc',
    who: 'staff',
    method: 'POST',
    path: () => '/api/reviews/abc/hide',
    body: { reason: 'x' },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'duplicate listing abc',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties/abc/duplicate',
    body: {},
    status: 404,
    code: 'NOT_FOUND',
  },
  { name: 'listing version abc', who: 'host', method: 'GET', path: () => '/api/properties/versions/abc', status: 404, code: 'NOT_FOUND' },
  // Payload routes /versions for every collection and answers 500 for one that keeps none.
  { name: 'GET /api/bookings/versions', who: 'staff', method: 'GET', path: () => '/api/bookings/versions', status: 404, code: 'NOT_FOUND' },
  { name: 'GET /api/users/versions/1', who: 'guest', method: 'GET', path: () => '/api/users/versions/1', status: 404, code: 'NOT_FOUND' },
  {
    name: 'restore a booking version',
    who: 'staff',
    method: 'POST',
    path: () => '/api/bookings/versions/1',
    body: {},
    status: 404,
    code: 'NOT_FOUND',
  },
  { name: 'GET /api/users/access', who: 'anonymous', method: 'GET', path: () => '/api/users/access', status: 404, code: 'NOT_FOUND' },
  { name: 'GET /api/users/access/abc', who: 'guest', method: 'GET', path: () => '/api/users/access/abc', status: 404, code: 'NOT_FOUND' },

  // Query strings.
  {
    name: 'id beyond int4 in where',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/users?where[id][equals]=99999999999999999999',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'where[id][equals]',
  },
  {
    name: 'page=-1',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties?page=-1',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'page',
  },
  {
    name: 'limit=1e308 (staff too)',
    who: 'staff',
    method: 'GET',
    path: () => '/api/properties?limit=1e308',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'limit',
  },
  {
    name: 'depth=x',
    who: 'guest',
    method: 'GET',
    path: () => '/api/properties?depth=x',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'depth',
  },
  {
    name: 'enum value',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties?where[_status][equals]=x',
    status: 400,
    code: 'VALIDATION_FAILED',
    message: /draft, published/,
  },
  {
    name: 'relationship value',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties?where[host][equals]=x',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'where[host][equals]',
  },
  {
    name: 'relationship value in count',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties/count?where[host][equals]=x',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'page=-1 on versions',
    who: 'host',
    method: 'GET',
    path: () => '/api/properties/versions?page=-1',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'page',
  },
  {
    name: 'limit=0 on versions (non-staff)',
    who: 'host',
    method: 'GET',
    path: () => '/api/properties/versions?limit=0',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'limit',
  },
  {
    name: 'an offset past int4 (staff too)',
    who: 'staff',
    method: 'GET',
    path: () => '/api/properties?limit=100000&page=30000',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'page',
  },
  {
    name: 'relationship value in versions',
    who: 'host',
    method: 'GET',
    path: () => '/api/properties/versions?where[parent][equals]=x',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'like on a date',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties?where[createdAt][like]=x',
    status: 400,
    code: 'VALIDATION_FAILED',
    message: /cannot be used on a date/,
  },
  {
    name: 'date value',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties?where[createdAt][greater_than]=soon',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'near on text',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties?where[title][near]=1,2',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'all on a single text',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/users?where[name][all]=x',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'unknown operator',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/users?where[name][bogus]=x',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'where as broken JSON',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/users?where={"name"',
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'bad percent-encoding',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/users?where[name][equals]=%E0%A4%A',
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'DELETE /api/properties without where',
    who: 'host',
    method: 'DELETE',
    path: () => '/api/properties',
    status: 400,
    code: 'VALIDATION_FAILED',
    message: /where/,
  },
  {
    name: 'a file that does not exist',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/media/file/does-not-exist.jpg',
    status: 404,
    code: 'NOT_FOUND',
  },

  // Joins are sorted and filtered by the joined collection's own fields (Payload's SQL fails on a relationship path).
  ...[
    ['a feed, its events sorted by feed.url', () => `/api/calendar-feeds/${feed.id}?joins[events][sort]=feed.url`],
    ['feeds, their events sorted by -feed.url', () => '/api/calendar-feeds?joins[events][sort]=-feed.url'],
    ['feeds, their events filtered by feed.url', () => '/api/calendar-feeds?joins[events][where][feed.url][like]=x'],
    ['a listing, its feeds sorted by property.title', () => `/api/properties/${listing.id}?joins[calendarFeeds][sort]=property.title`],
    ['listings, their feeds sorted by host.name', () => '/api/properties?joins[calendarFeeds][sort]=host.name'],
  ].map(([name, path]) => ({
    name: `join sort/where through a relationship: ${name as string}`,
    who: 'host' as const,
    method: 'GET',
    path: path as () => string,
    status: 400,
    code: 'VALIDATION_FAILED',
  })),

  // NUL bytes, wherever a string goes.
  {
    name: 'NUL in a where value',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/users?where[name][equals]=a%00b',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL in sort',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/properties?sort=title%00',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL in a search parameter',
    who: 'anonymous',
    method: 'GET',
    path: () => `/api/properties/search?checkIn=${day(40)}%00`,
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL in a file name',
    who: 'anonymous',
    method: 'GET',
    path: () => '/api/media/file/%00.jpg',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL in login',
    who: 'anonymous',
    method: 'POST',
    path: () => '/api/users/login',
    body: { email: 'a\u0000@example.test', password: 'x' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'email',
  },
  {
    name: 'NUL in forgot-password',
    who: 'anonymous',
    method: 'POST',
    path: () => '/api/users/forgot-password',
    body: { email: 'a\u0000@example.test' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL in reset-password',
    who: 'anonymous',
    method: 'POST',
    path: () => '/api/users/reset-password',
    body: { token: 'a\u0000', password: 'Another-Good-Passw0rd' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL in a name',
    who: 'guest',
    method: 'PATCH',
    path: () => `/api/users/${cast.guest.id}`,
    body: { name: 'Gina\u0000' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'name',
  },
  {
    name: 'NUL in a bio',
    who: 'guest',
    method: 'PATCH',
    path: () => `/api/users/${cast.guest.id}`,
    body: { bio: 'a\u0000b' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'bio',
  },
  {
    name: 'NUL in messageToHost',
    who: 'guest',
    method: 'POST',
    path: () => '/api/bookings',
    body: { property: 0, checkIn: day(50), checkOut: day(52), guests: 1, messageToHost: 'hi\u0000' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL in a listing title',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    body: { title: 'Nice\u0000 flat' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'title',
  },
  {
    name: 'NUL in a key',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    body: { 'ti\u0000tle': 'x' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },

  // Bodies that are not a JSON object of fields.
  {
    name: 'body null',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties',
    raw: () => 'null',
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'body a string',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties',
    raw: () => '"a listing"',
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'body a list',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    raw: () => '[{"title":"Listed"}]',
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'body a number',
    who: 'guest',
    method: 'PATCH',
    path: () => `/api/users/${cast.guest.id}`,
    raw: () => '42',
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'malformed JSON',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties',
    raw: () => '{"title": "Unclosed',
    status: 400,
    code: 'MALFORMED_REQUEST',
    message: /not valid JSON/,
  },
  {
    name: 'malformed JSON on login',
    who: 'anonymous',
    method: 'POST',
    path: () => '/api/users/login',
    raw: () => '{email',
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'text/plain',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties',
    raw: () => 'title=x',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'multipart without boundary (listing)',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties',
    raw: () => 'xx',
    headers: { 'content-type': 'multipart/form-data' },
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'multipart without boundary (media)',
    who: 'host',
    method: 'POST',
    path: () => '/api/media',
    raw: () => 'xx',
    headers: { 'content-type': 'multipart/form-data' },
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'multipart with a broken body',
    who: 'host',
    method: 'POST',
    path: () => '/api/media',
    raw: () => '--b\r\nbroken',
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: '10,000 nested lists',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties',
    raw: () => deep(10_000, '[', ']'),
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: '10,000 nested objects',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties',
    raw: () => deep(10_000, '{"a":', '}'),
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: '10,000 nested lists in a field',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    raw: () => `{"title":"Deep listing","amenities":${deep(10_000, '[', ']', '"wifi"')}}`,
    status: 400,
    code: 'MALFORMED_REQUEST',
  },

  // Wrong JSON types are refused, never coerced.
  {
    name: 'enum as a list',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    body: { propertyType: ['apartment'] },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'propertyType',
  },
  {
    name: 'currency as a number',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    body: { pricing: { currency: 1 } },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'pricing.currency',
  },
  {
    name: 'nightly rate as SQL text',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    body: { pricing: { nightlyRate: "1' OR '1'='1" } },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'pricing.nightlyRate',
  },
  {
    name: 'nightly rate as a numeric string',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    body: { pricing: { nightlyRate: '15000' } },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'pricing.nightlyRate',
  },
  {
    name: 'title as a list',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    body: { title: ['A list for a title'] },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'title',
  },
  {
    name: 'phone as a list',
    who: 'guest',
    method: 'PATCH',
    path: () => `/api/users/${cast.guest.id}`,
    body: { phone: ['+41 79 123 45 67'] },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'phone',
  },
  {
    name: 'email as a list',
    who: 'guest',
    method: 'PATCH',
    path: () => `/api/users/${cast.guest.id}`,
    body: { email: ['a@example.test'] },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'email',
  },
  {
    name: 'email as a list on login',
    who: 'anonymous',
    method: 'POST',
    path: () => '/api/users/login',
    body: { email: ['a@example.test'], password: 'x' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'email',
  },
  {
    name: 'password as a number on login',
    who: 'anonymous',
    method: 'POST',
    path: () => '/api/users/login',
    body: { email: 'a@example.test', password: 12345678 },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'password',
  },
  {
    name: 'guests as text',
    who: 'guest',
    method: 'POST',
    path: () => '/api/bookings',
    body: { property: 0, checkIn: day(50), checkOut: day(52), guests: '2' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'guests',
  },
  {
    name: 'invalid timestamp',
    who: 'guest',
    method: 'PATCH',
    path: () => `/api/users/${cast.guest.id}`,
    body: { createdAt: 'not a date' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'createdAt',
  },
  {
    name: 'invalid stay date',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/availability-blocks/${block.id}`,
    body: { startDate: '2030-13-45' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a group as text',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    body: { pricing: 'cheap' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'pricing',
  },
  {
    name: 'a reference as SQL',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/users/${cast.host.id}`,
    body: { avatar: `${0} OR 1=1` },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'avatar',
  },

  // Bounded reads for everyone but staff.
  ...(['anonymous', 'guest', 'host'] as Who[]).flatMap((who): Case[] => [
    {
      name: `${who}: limit=0`,
      who,
      method: 'GET',
      path: () => '/api/users?limit=0',
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'limit',
    },
    {
      name: `${who}: pagination=false`,
      who,
      method: 'GET',
      path: () => '/api/properties?pagination=false',
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'pagination',
    },
    {
      name: `${who}: limit=101`,
      who,
      method: 'GET',
      path: () => '/api/properties?limit=101',
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'limit',
    },
  ]),
]

describe('bad input → a 4xx that says what is wrong, and nothing changes', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const fixed = c.body as Record<string, unknown> | undefined
    if (fixed && fixed.property === 0) fixed.property = listing.id
    const before = await fingerprint()
    const res = await rest(stack, c.method, c.path(), {
      token: tokenOf(c.who),
      body: c.raw ? undefined : c.body,
      raw: c.raw?.(),
      headers: c.headers,
    })
    const detail = `${c.method} ${c.path().slice(0, 120)} → ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`
    expect({ status: res.status, detail }).toEqual({ status: c.status, detail })
    const error = res.body?.errors?.[0]
    expect(error?.code).toBe(c.code)
    expect(typeof error?.message).toBe('string')
    expect(error.message).not.toMatch(/unknown error|something went wrong/i)
    if (c.message) expect(error.message).toMatch(c.message)
    if (c.field) expect(error.field).toBe(c.field)
    expect(await fingerprint()).toBe(before)
  })
})

describe('what still works', () => {
  it('staff may read everything at once (limit=0, pagination=false)', async () => {
    for (const path of ['/api/users?limit=0', '/api/properties?pagination=false', '/api/bookings?limit=500']) {
      expect((await rest(stack, 'GET', path, { token: cast.staff.token })).status).toBe(200)
    }
  })

  it("the admin panel's bulk delete (limit=0 with a where) works for a host", async () => {
    const extra = await rest(stack, 'POST', '/api/availability-blocks', {
      token: cast.host.token,
      body: { property: listing.id, startDate: day(90), endDate: day(91) },
    })
    expect(extra.status).toBe(201)
    // Exactly what @payloadcms/ui's DeleteMany sends for selected rows.
    const query = qs.stringify({ limit: 0, select: {}, where: { and: [{ id: { in: [extra.body.doc.id] } }] } }, { addQueryPrefix: true })
    const res = await rest(stack, 'DELETE', `/api/availability-blocks${query}`, {
      token: cast.host.token,
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(200)
    expect(res.body.docs.map((d: { id: number }) => d.id)).toEqual([extra.body.doc.id])
    const left = await queryDatabase(stack, 'select count(*)::int as n from availability_blocks where id = $1', [extra.body.doc.id])
    expect(left.rows[0].n).toBe(0)
  })

  it("the admin panel's relationship titles (where[id][in] with limit=250) load for a host; 101 ids do not", async () => {
    // Exactly what @payloadcms/ui's RelationshipProvider sends for the list view's relationship cells.
    const titles = await rest(stack, 'GET', `/api/properties?depth=0&draft=true&limit=250&where[id][in]=${listing.id}`, {
      token: cast.host.token,
    })
    expect(titles.status).toBe(200)
    expect(titles.body.docs.map((d: { id: number }) => d.id)).toEqual([listing.id])
    const ids = Array.from({ length: 101 }, (_, i) => i + 1).join(',')
    const tooMany = await rest(stack, 'GET', `/api/properties?depth=0&limit=250&where[id][in]=${ids}`, { token: cast.host.token })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.errors[0].field).toBe('limit')
  })

  it('anonymous readers get references one level deep at most; signed-in readers as asked', async () => {
    const anonymous = await rest(stack, 'GET', `/api/properties/${listing.id}?depth=3`)
    expect(anonymous.status).toBe(200)
    expect(anonymous.body.host.name).toBeDefined()
    expect(anonymous.body.host.avatar).toBe(media.id)
    const list = await rest(stack, 'GET', `/api/properties?where[id][equals]=${listing.id}`)
    expect(list.body.docs[0].host.avatar).toBe(media.id)
    const signedIn = await rest(stack, 'GET', `/api/properties/${listing.id}?depth=2`, { token: cast.guest.token })
    expect(signedIn.body.host.avatar.id).toBe(media.id)
  })

  it('an existing file is still served, and a good id still answers', async () => {
    const file = await fetch(`${stack.url}/api/media/file/${media.filename}`, { signal: AbortSignal.timeout(20_000) })
    expect(file.status).toBe(200)
    expect((await rest(stack, 'GET', `/api/users/${cast.host.id}`)).status).toBe(200)
  })

  it('a signed Stripe webhook whose event id holds a NUL byte → 400, nothing stored', async () => {
    const before = await fingerprint()
    const event = {
      id: 'evt_\u0000bad',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'pi_x', object: 'payment_intent' } },
    }
    const res = await stripe.deliver(`${stack.url}/api/stripe/webhook`, event as never)
    expect(res.status).toBe(400)
    expect(await fingerprint()).toBe(before)
  })

  it('a NUL byte in an uploaded file name or its alt text → 400, nothing stored', async () => {
    const image = await makeImage(32, 32)
    let before = await fingerprint()
    const badAlt = await upload(cast.host, image, 'fine.jpg', { alt: 'A fine\u0000 photo' })
    expect(badAlt.status).toBe(400)
    expect(badAlt.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'alt' })
    expect(await fingerprint()).toBe(before)
    // Depending on where it sits in the part header, the multipart parser or the guard refuses it.
    before = await fingerprint()
    const badName = await upload(cast.host, image, 'a\u0000.jpg', { alt: 'A fine photo' })
    expect(badName.status).toBe(400)
    expect(['MALFORMED_REQUEST', 'VALIDATION_FAILED']).toContain(badName.body.errors[0].code)
    expect(await fingerprint()).toBe(before)
  })
})

// --- fuzz ---------------------------------------------------------------------------------------------

/** Strings that have broken parsers before: NUL, huge and odd numbers, SQL, unicode, escapes. */
const nasty = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    '\u0000',
    'null',
    'true',
    '-1',
    '0',
    '1.5',
    '1e308',
    '99999999999999999999',
    'NaN',
    "1' OR '1'='1",
    '%00',
    '%',
    '%E0%A4%A',
    '[]',
    '{}',
    '2027-02-30',
    'x'.repeat(300),
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.string({ unit: 'binary', maxLength: 12 }),
)
const FIELDS = [
  'id',
  'title',
  'name',
  'email',
  '_status',
  'host',
  'createdAt',
  'updatedAt',
  'maxGuests',
  'pricing.nightlyRate',
  'amenities',
  'status',
  'guest',
  'property',
  'checkIn',
  'sessions.id',
  'x',
]
const paramKey = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...FIELDS),
      fc.constantFrom(
        'equals',
        'not_equals',
        'in',
        'not_in',
        'all',
        'exists',
        'contains',
        'like',
        'not_like',
        'greater_than',
        'less_than_equal',
        'near',
        'within',
        'intersects',
        'bogus',
      ),
    )
    .map(([f, op]) => `where[${f}][${op}]`),
  fc
    .tuple(fc.constantFrom('or', 'and'), fc.nat(3), fc.constantFrom(...FIELDS), fc.constantFrom('equals', 'like', 'in'))
    .map(([g, i, f, op]) => `where[${g}][${i}][${f}][${op}]`),
  fc.constantFrom(
    'limit',
    'page',
    'depth',
    'sort',
    'pagination',
    'draft',
    'where',
    'select[title]',
    'populate[host][name]',
    'joins',
    'locale',
    'trash',
    'checkIn',
    'checkOut',
    'guests',
    'q',
  ),
)
const queryString = fc
  .array(fc.tuple(paramKey, nasty), { minLength: 1, maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'))
const who = fc.constantFrom<Who>('anonymous', 'guest', 'host', 'staff')

const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { maxDepth: 3 },
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('currency', 'nightlyRate', 'city', 'country', 'id', 'value', 'relationTo'), nasty, { maxKeys: 3 }),
)

type Family = { name: string; who: Who; method: string; path: () => string; keys: string[] }
const BODY_FAMILIES: Family[] = [
  {
    name: 'create listing',
    who: 'host',
    method: 'POST',
    path: () => '/api/properties',
    keys: [
      'title',
      'propertyType',
      'address',
      'location',
      'pricing',
      'maxGuests',
      'amenities',
      'photos',
      'host',
      'createdAt',
      '_status',
      'minNights',
      'description',
    ],
  },
  {
    name: 'update listing',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/properties/${listing.id}`,
    keys: [
      'title',
      'propertyType',
      'pricing',
      'maxGuests',
      'amenities',
      'photos',
      'checkInTime',
      'instantBook',
      'cancellationPolicy',
      'publishedAt',
      'description',
    ],
  },
  {
    name: 'update profile',
    who: 'guest',
    method: 'PATCH',
    path: () => `/api/users/${cast.guest.id}`,
    keys: ['name', 'bio', 'phone', 'avatar', 'roles', 'createdAt', 'sessions', '_verified'],
  },
  {
    name: 'book',
    who: 'guest',
    method: 'POST',
    path: () => '/api/bookings',
    keys: ['property', 'checkIn', 'checkOut', 'guests', 'messageToHost', 'status', 'quote'],
  },
  {
    name: 'block dates',
    who: 'host',
    method: 'POST',
    path: () => '/api/availability-blocks',
    keys: ['property', 'startDate', 'endDate', 'reason', 'note'],
  },
  {
    name: 'update block',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/availability-blocks/${block.id}`,
    keys: ['startDate', 'endDate', 'reason', 'note', 'property'],
  },
  {
    name: 'add calendar feed',
    who: 'host',
    method: 'POST',
    path: () => '/api/calendar-feeds',
    keys: ['property', 'name', 'url', 'lastStatus', 'conflicts'],
  },
  {
    name: 'update calendar feed',
    who: 'host',
    method: 'PATCH',
    path: () => `/api/calendar-feeds/${feed.id}`,
    keys: ['property', 'name', 'url', 'eventCount'],
  },
  {
    name: 'send a booking message',
    who: 'guest',
    method: 'POST',
    path: () => `/api/bookings/${booking.id}/messages`,
    keys: ['text', 'fromRole', 'readAt', 'booking', 'sender', 'createdAt'],
  },
  {
    name: 'create a message through the generic route',
    who: 'host',
    method: 'POST',
    path: () => '/api/messages',
    keys: ['text', 'fromRole', 'booking', 'sender', 'readAt'],
  },
  { name: 'log in', who: 'anonymous', method: 'POST', path: () => '/api/users/login', keys: ['email', 'password'] },
  { name: 'reset password', who: 'anonymous', method: 'POST', path: () => '/api/users/reset-password', keys: ['token', 'password'] },
]

/** A body: mostly an object of known keys with odd values, sometimes odd JSON, sometimes not JSON at all. */
const bodyFor = (family: Family) =>
  fc.oneof(
    { arbitrary: fc.dictionary(fc.constantFrom(...family.keys), jsonish, { maxKeys: 4 }).map((o) => JSON.stringify(o)), weight: 6 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  )

const RUNS_PER_FAMILY = Number(process.env.FUZZ_RUNS ?? 60)
const SEED = Number(process.env.FUZZ_SEED ?? 20_271_103)

describe('fuzz (seeded, bounded): no 5xx, and no write on a 4xx', () => {
  const counts = { query: 0, body: 0, fourxx: 0 }
  afterAll(() => {
    console.log(
      `no-500 fuzz: ${counts.query} query-string cases, ${counts.body} body cases (${counts.fourxx} answered 4xx, each checked for writes), seed ${SEED}`,
    )
  })

  const READ_PATHS = [
    '/api/properties',
    '/api/users',
    '/api/bookings',
    '/api/reviews',
    '/api/availability-blocks',
    '/api/calendar-feeds',
    '/api/calendar-events',
    '/api/media',
    '/api/properties/count',
    '/api/properties/versions',
    '/api/properties/search',
    '/api/messages',
    // The booking made in beforeAll (its id is known only then).
    '/api/bookings/{booking}/messages',
  ]
  it.each(READ_PATHS)(
    'GET %s?…',
    async (template) => {
      const path = template.replace('{booking}', String(booking.id))
      await fc.assert(
        fc.asyncProperty(queryString, who, async (query, as) => {
          counts.query++
          const before = await fingerprint()
          const res = await rest(stack, 'GET', `${path}?${query}`, { token: tokenOf(as) })
          if (res.status >= 500) throw new Error(`${as} GET ${path}?${query} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
          if (res.status >= 400) {
            counts.fourxx++
            expect(res.body?.errors?.[0]?.code).toEqual(expect.any(String))
            expect(await fingerprint()).toBe(before)
          }
        }),
        { numRuns: Math.round(RUNS_PER_FAMILY / 2), seed: SEED, endOnFailure: true },
      )
    },
    240_000,
  )

  it.each(BODY_FAMILIES.map((f) => [f.name, f] as const))(
    '%s',
    async (_, family) => {
      await fc.assert(
        fc.asyncProperty(bodyFor(family), async (raw) => {
          counts.body++
          const before = await fingerprint()
          const res = await rest(stack, family.method, family.path(), { token: tokenOf(family.who), raw })
          if (res.status >= 500)
            throw new Error(
              `${family.method} ${family.path()} ${raw.slice(0, 200)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
            )
          if (res.status >= 400) {
            counts.fourxx++
            expect(res.body?.errors?.[0]?.code).toEqual(expect.any(String))
            expect(await fingerprint()).toBe(before)
          }
        }),
        { numRuns: RUNS_PER_FAMILY, seed: SEED, endOnFailure: true },
      )
    },
    240_000,
  )
})
