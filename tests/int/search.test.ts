import fc from 'fast-check'

import { type ListingPricing, quoteStay } from '@/domain/pricing'
import { addDays, staysOverlap, utcDate } from '@/domain/stayDates'
import { type ApiResponse, type TestUser, rest, signUp } from '../helpers/api'
import { listingInput } from '../helpers/listings'
import { type Stack, queryDatabase, startStack } from '../helpers/stack'

/**
 * GET /api/properties/search against a brute-force oracle: random listings, bookings and blocks are
 * created through the API, then random queries must return exactly what filtering the same data in
 * plain TypeScript returns, in the same order.
 */
type Listing = {
  id: number
  published: boolean
  city: string
  country: string
  currency: 'EUR' | 'CHF'
  maxGuests: number
  minNights: number
  maxNights: number
  amenities: string[]
  propertyType: string
  lat: number
  lng: number
  pricing: ListingPricing
}
type Reservation = { property: number; checkIn: string; checkOut: string }

const CITIES = ['Lucerne', 'Porto', 'Kyoto']
const AMENITY_POOL = ['wifi', 'pool', 'kitchen', 'pets_allowed']
const TYPES = ['apartment', 'house', 'cabin']
const CENTER = { lat: 46.8, lng: 8.2 }
const EARTH_RADIUS_M = 6378168 // earthdistance's sphere

let stack: Stack
let hosts: TestUser[]
let guest: TestUser
const listings: Listing[] = []
const reservations: Reservation[] = []
const start = addDays(utcDate(new Date()), 30)

function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLng = (b.lng - a.lng) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2
  return (2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))) / 1000
}

const listingArb = fc.record({
  published: fc.boolean().map((b) => b || Math.random() < 0.6),
  city: fc.constantFrom(...CITIES),
  country: fc.constantFrom('CH', 'PT'),
  currency: fc.constantFrom('EUR' as const, 'CHF' as const),
  maxGuests: fc.integer({ min: 1, max: 8 }),
  minNights: fc.integer({ min: 1, max: 3 }),
  maxNights: fc.integer({ min: 4, max: 30 }),
  amenities: fc.subarray(AMENITY_POOL),
  propertyType: fc.constantFrom(...TYPES),
  lat: fc.double({ min: CENTER.lat - 1.5, max: CENTER.lat + 1.5, noNaN: true }),
  lng: fc.double({ min: CENTER.lng - 2, max: CENTER.lng + 2, noNaN: true }),
  nightlyRate: fc.integer({ min: 5_000, max: 50_000 }),
  weekendRate: fc.option(fc.integer({ min: 5_000, max: 60_000 }), { nil: null }),
  cleaningFee: fc.integer({ min: 0, max: 10_000 }),
  weeklyDiscountPercent: fc.integer({ min: 0, max: 30 }),
  taxPercent: fc.constantFrom(0, 3.5, 7.7),
})

beforeAll(async () => {
  // Search itself, not its cache: this suite writes rows with SQL (no hooks, no cache bumps) and reads
  // the same searches again (tests/int/cache.test.ts covers the cache).
  stack = await startStack({ env: { CACHE_ENABLED: 'false' } })
  await signUp(stack, { label: 'admin' })
  hosts = [await signUp(stack, { label: 'host-a', roles: ['host'] }), await signUp(stack, { label: 'host-b', roles: ['host'] })]
  guest = await signUp(stack, { label: 'guest' })

  const specs = fc.sample(listingArb, { numRuns: 24, seed: 20261125 })
  for (const [i, spec] of specs.entries()) {
    const pricing: ListingPricing = {
      currency: spec.currency,
      nightlyRate: spec.nightlyRate,
      weekendRate: spec.weekendRate,
      cleaningFee: spec.cleaningFee,
      weeklyDiscountPercent: spec.weeklyDiscountPercent,
      monthlyDiscountPercent: 0,
      taxPercent: spec.taxPercent,
    }
    const res = await rest(stack, 'POST', '/api/properties', {
      token: hosts[i % 2]!.token,
      body: listingInput({
        title: `Search listing number ${i}`,
        _status: spec.published ? 'published' : 'draft',
        address: { city: spec.city, country: spec.country },
        location: { latitude: spec.lat, longitude: spec.lng },
        maxGuests: spec.maxGuests,
        minNights: spec.minNights,
        maxNights: spec.maxNights,
        amenities: spec.amenities,
        propertyType: spec.propertyType,
        pricing,
      }),
    })
    expect(res.status).toBe(201)
    listings.push({ ...spec, id: res.body.doc.id, pricing })
  }

  // Bookings and blocks on published listings, where they fit.
  const stays = fc.sample(
    fc.record({
      listing: fc.integer({ min: 0, max: 23 }),
      offset: fc.integer({ min: 0, max: 40 }),
      nights: fc.integer({ min: 1, max: 6 }),
      block: fc.boolean(),
    }),
    { numRuns: 40, seed: 7 },
  )
  for (const s of stays) {
    const listing = listings[s.listing]! // 0 … 23: one of the 24 listings
    if (!listing.published) continue
    const checkIn = addDays(start, s.offset)
    const checkOut = addDays(checkIn, s.nights)
    const res = s.block
      ? await rest(stack, 'POST', '/api/availability-blocks', {
          token: hosts[s.listing % 2]!.token,
          body: { property: listing.id, startDate: checkIn, endDate: checkOut, reason: 'other' },
        })
      : await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: { property: listing.id, checkIn, checkOut, guests: 1 } })
    if (res.status === 201) reservations.push({ property: listing.id, checkIn, checkOut })
    else expect([400, 409]).toContain(res.status)
  }
  expect(reservations.length).toBeGreaterThan(10)
}, 180_000)

afterAll(async () => {
  await stack?.stop()
})

type Query = {
  stay?: { offset: number; nights: number }
  guests?: number
  city?: string
  country?: string
  currency?: string
  maxPrice?: number
  amenities?: string[]
  propertyType?: string
  point?: { lat: number; lng: number; radiusKm: number }
}

function oracle(q: Query): Listing[] {
  const stay = q.stay ? { checkIn: addDays(start, q.stay.offset), checkOut: addDays(start, q.stay.offset + q.stay.nights) } : null
  return listings
    .filter((l) => l.published)
    .filter((l) => l.maxGuests >= (q.guests ?? 1))
    .filter((l) => !q.city || l.city.toLowerCase() === q.city.toLowerCase())
    .filter((l) => !q.country || l.country === q.country)
    .filter((l) => !q.currency || l.currency === q.currency)
    .filter((l) => q.maxPrice === undefined || l.pricing.nightlyRate <= q.maxPrice)
    .filter((l) => (q.amenities ?? []).every((a) => l.amenities.includes(a)))
    .filter((l) => !q.propertyType || l.propertyType === q.propertyType)
    .filter((l) => !q.stay || (l.minNights <= q.stay.nights && l.maxNights >= q.stay.nights))
    .filter((l) => !stay || !reservations.some((r) => r.property === l.id && staysOverlap(r, stay)))
    .filter((l) => !q.point || distanceKm(q.point, l) <= q.point.radiusKm)
    .sort((a, b) => a.pricing.nightlyRate - b.pricing.nightlyRate || a.id - b.id)
}

function toParams(q: Query): string {
  const p = new URLSearchParams({ limit: '50', sort: 'price' })
  if (q.stay) {
    p.set('checkIn', addDays(start, q.stay.offset))
    p.set('checkOut', addDays(start, q.stay.offset + q.stay.nights))
  }
  if (q.guests) p.set('guests', String(q.guests))
  if (q.city) p.set('city', q.city)
  if (q.country) p.set('country', q.country)
  if (q.currency) p.set('currency', q.currency)
  if (q.maxPrice !== undefined) p.set('maxPrice', String(q.maxPrice))
  if (q.amenities?.length) p.set('amenities', q.amenities.join(','))
  if (q.propertyType) p.set('propertyType', q.propertyType)
  if (q.point) {
    p.set('lat', String(q.point.lat))
    p.set('lng', String(q.point.lng))
    p.set('radiusKm', String(q.point.radiusKm))
  }
  return p.toString()
}

/** Present in about a quarter of the queries, so that combined filters still find listings. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 })

const queryArb: fc.Arbitrary<Query> = fc.record({
  // Dates are the point of the search: present more often than not.
  stay: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.record({ offset: fc.integer({ min: 0, max: 45 }), nights: fc.integer({ min: 1, max: 8 }) }), weight: 3 },
  ),
  guests: sometimes(fc.integer({ min: 1, max: 8 })),
  city: sometimes(fc.constantFrom(...CITIES, 'porto', 'LUCERNE')),
  country: sometimes(fc.constantFrom('CH', 'PT')),
  currency: sometimes(fc.constantFrom('EUR', 'CHF')),
  maxPrice: sometimes(fc.integer({ min: 5_000, max: 50_000 })),
  amenities: sometimes(fc.subarray(AMENITY_POOL, { maxLength: 2 })),
  propertyType: sometimes(fc.constantFrom(...TYPES)),
  point: sometimes(
    fc.record({
      lat: fc.double({ min: CENTER.lat - 1, max: CENTER.lat + 1, noNaN: true }),
      lng: fc.double({ min: CENTER.lng - 1, max: CENTER.lng + 1, noNaN: true }),
      radiusKm: fc.integer({ min: 20, max: 250 }),
    }),
  ),
})

it('returns exactly what the oracle returns, for random queries', async () => {
  let nonEmpty = 0
  let excludedByStay = 0
  await fc.assert(
    fc.asyncProperty(queryArb, async (q) => {
      const res = await rest(stack, 'GET', `/api/properties/search?${toParams(q)}`)
      expect(res.status).toBe(200)
      const expected = oracle(q)
      if (expected.length > 0) nonEmpty++
      if (q.stay && oracle({ ...q, stay: undefined }).length > expected.length) excludedByStay++
      expect(res.body.docs.map((d: { id: number }) => d.id)).toEqual(expected.map((l) => l.id))
      expect(res.body.totalDocs).toBe(expected.length)
      for (const [i, doc] of (res.body.docs as { total?: number; distanceKm?: number }[]).entries()) {
        const l = expected[i]! // the ids matched expected's, one to one
        if (q.stay) {
          const checkIn = addDays(start, q.stay.offset)
          expect(doc.total).toBe(quoteStay(l.pricing, checkIn, addDays(checkIn, q.stay.nights), 12).total)
        } else expect(doc.total).toBeUndefined()
        if (q.point) expect(doc.distanceKm).toBeCloseTo(distanceKm(q.point, l), 1)
      }
    }),
    { numRuns: 80, seed: 42 },
  )
  // The property says something only if queries both find listings and lose some to bookings.
  expect(nonEmpty).toBeGreaterThan(30)
  expect(excludedByStay).toBeGreaterThan(3)
})

it('treats checkout day = next check-in day as free', async () => {
  const r = reservations[0]
  if (!r) throw new Error('no booking or block was accepted to test against')
  const listing = listings.find((l) => l.id === r.property)!
  const nights = Math.max(listing.minNights, 1)
  const after = await rest(stack, 'GET', `/api/properties/search?checkIn=${r.checkOut}&checkOut=${addDays(r.checkOut, nights)}&limit=50`)
  const before = await rest(stack, 'GET', `/api/properties/search?checkIn=${addDays(r.checkIn, -nights)}&checkOut=${r.checkIn}&limit=50`)
  const inside = await rest(stack, 'GET', `/api/properties/search?checkIn=${r.checkIn}&checkOut=${addDays(r.checkIn, nights)}&limit=50`)
  const ids = (res: { body: { docs: { id: number }[] } }) => res.body.docs.map((d) => d.id)
  const free = (checkIn: string) =>
    !reservations.some((x) => x.property === r.property && staysOverlap(x, { checkIn, checkOut: addDays(checkIn, nights) }))
  if (nights <= listing.maxNights && listing.maxGuests >= 1) {
    expect(ids(after).includes(r.property)).toBe(free(r.checkOut))
    expect(ids(before).includes(r.property)).toBe(free(addDays(r.checkIn, -nights)))
  }
  expect(ids(inside)).not.toContain(r.property)
})

it('pages, sorts by distance and rating, and names bad input', async () => {
  const page1 = await rest(stack, 'GET', '/api/properties/search?limit=5&page=1')
  const page2 = await rest(stack, 'GET', '/api/properties/search?limit=5&page=2')
  const published = listings.filter((l) => l.published).length
  expect(page1.body).toMatchObject({ totalDocs: published, totalDocsExact: true, limit: 5, page: 1, totalPages: Math.ceil(published / 5) })
  expect(typeof page1.body.nextCursor).toBe('string')
  expect(page2.body.docs[0]?.id).not.toBe(page1.body.docs[0]?.id)
  const beyond = await rest(stack, 'GET', '/api/properties/search?limit=5&page=99')
  expect(beyond.body).toMatchObject({ docs: [], totalDocs: published, totalDocsExact: true, page: 99, nextCursor: null })
  const all = await rest(stack, 'GET', '/api/properties/search?limit=50')
  expect(all.body).toMatchObject({ totalDocs: published, totalDocsExact: true, nextCursor: null })
  const near = await rest(stack, 'GET', `/api/properties/search?lat=${CENTER.lat}&lng=${CENTER.lng}&radiusKm=1000&limit=50`)
  const d = near.body.docs.map((x: { distanceKm: number }) => x.distanceKm)
  expect(d).toEqual([...d].sort((a, b) => a - b))
  expect(near.body.docs[0].coverPhotoUrl).toBeNull()
  expect((await rest(stack, 'GET', '/api/properties/search?sort=rating')).status).toBe(200)
  for (const bad of [
    'limit=51',
    'sort=distance',
    'amenities=helipad',
    'checkIn=2027-01-01',
    'guests=0',
    'lat=91&lng=0',
    'lat=10',
    'minPrice=5&maxPrice=1',
    'propertyType=castle',
    'country=XX',
    'sort=cheapest',
    'page=0',
  ]) {
    const res = await rest(stack, 'GET', `/api/properties/search?${bad}`)
    expect(res.status).toBe(400)
    expect(res.body.errors[0].message).toBeTruthy()
  }
})

type Hit = { id: number; coverPhotoUrl: string | null }
type SearchBody = { docs: Hit[]; totalDocs: number; totalDocsExact: boolean; page: number; totalPages: number; nextCursor: string | null }

/** Every page of a search through nextCursor, failing (not stopping quietly) past `maxPages`. */
async function walkCursor(query: string, maxPages = 200): Promise<{ ids: number[]; pages: SearchBody[] }> {
  const pages: SearchBody[] = []
  let cursor: string | null = null
  do {
    const res: ApiResponse<SearchBody> = await rest<SearchBody>(
      stack,
      'GET',
      `/api/properties/search?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )
    expect(res.status).toBe(200)
    pages.push(res.body)
    cursor = res.body.nextCursor
    if (pages.length > maxPages) throw new Error(`${query}: more than ${maxPages} pages`)
  } while (cursor)
  return { ids: pages.flatMap((p) => p.docs.map((d) => d.id)), pages }
}

async function walkPages(query: string, totalPages: number): Promise<number[]> {
  const ids: number[] = []
  for (let page = 1; page <= totalPages; page++) {
    const res = await rest<SearchBody>(stack, 'GET', `/api/properties/search?${query}&page=${page}`)
    ids.push(...res.body.docs.map((d) => d.id))
  }
  return ids
}

describe('cursor pagination', () => {
  beforeAll(async () => {
    // Ratings with ties (and none), and two listings at the same spot, so every sort has ties to break.
    const published = listings.filter((l) => l.published)
    for (const [i, l] of published.entries()) {
      const rating = i % 4 === 0 ? null : [4.5, 4.25, 4.5][i % 3]
      await queryDatabase(stack, 'UPDATE properties SET rating_average = $2, review_count = $3 WHERE id = $1', [
        l.id,
        rating,
        rating === null ? 0 : i % 2,
      ])
    }
    await queryDatabase(stack, 'UPDATE properties SET location_latitude = $2, location_longitude = $3 WHERE id = ANY($1)', [
      published.slice(0, 3).map((l) => l.id),
      CENTER.lat + 0.1,
      CENTER.lng + 0.1,
    ])
  })

  const around = `lat=${CENTER.lat}&lng=${CENTER.lng}&radiusKm=1000`
  it.each([
    ['price', 'sort=price'],
    ['-price', 'sort=-price'],
    ['rating', 'sort=rating'],
    ['distance', `sort=distance&${around}`],
    ['price with dates', `sort=price&checkIn=${addDays(start, 3)}&checkOut=${addDays(start, 6)}`],
  ])('walks every result exactly once, in the order of the pages (%s)', async (_, query) => {
    const full = await rest<SearchBody>(stack, 'GET', `/api/properties/search?${query}&limit=50`)
    expect(full.body.nextCursor).toBeNull()
    const expected = full.body.docs.map((d) => d.id)
    expect(expected.length).toBeGreaterThan(6)
    const { ids, pages } = await walkCursor(`${query}&limit=3`)
    expect(ids).toEqual(expected)
    expect(new Set(ids).size).toBe(ids.length)
    expect(pages.map((p) => p.page)).toEqual(pages.map((_, i) => i + 1))
    expect(pages.every((p) => p.totalDocs === expected.length && p.totalDocsExact)).toBe(true)
    expect(await walkPages(`${query}&limit=3`, pages[0]!.totalPages)).toEqual(expected)
  })

  it('refuses a cursor that is not one it gave out, or one of another search', async () => {
    const first = await rest<SearchBody>(stack, 'GET', '/api/properties/search?sort=price&limit=2')
    const cursor = first.body.nextCursor!
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const reencode = (changed: object) => Buffer.from(JSON.stringify({ ...body, ...changed })).toString('base64url')
    const bad = [
      'not-a-cursor',
      '%%%',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{"v":1}').toString('base64url'),
      reencode({ k: [body.k[0], body.k[1] + 1] }), // an edited key: the MAC no longer matches
      reencode({ v: 2 }),
      reencode({ s: '-price' }),
      cursor.slice(0, -2),
      'x'.repeat(1001),
    ]
    for (const c of bad) {
      const res = await rest(stack, 'GET', `/api/properties/search?sort=price&limit=2&cursor=${encodeURIComponent(c)}`)
      expect(res.status).toBe(400)
      expect(res.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' })
    }
    for (const other of ['sort=-price&limit=2', 'sort=price&limit=3', 'sort=price&limit=2&country=CH', 'sort=price&limit=2&page=2']) {
      const res = await rest(stack, 'GET', `/api/properties/search?${other}&cursor=${encodeURIComponent(cursor)}`)
      expect(res.status).toBe(400)
      expect(res.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' })
    }
    expect((await rest(stack, 'GET', `/api/properties/search?sort=price&limit=2&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200)
  })
})

it('shows the card size of the first photo, another size without it, the original only without any', async () => {
  const [a, b, c] = listings.filter((l) => l.published)
  if (!a || !b || !c) throw new Error('needs three published listings')
  const media = await queryDatabase(
    stack,
    `INSERT INTO media (alt, filename, mime_type, sizes_card_filename, sizes_thumbnail_filename, updated_at, created_at) VALUES
       ('first photo', 'cover-a.jpg', 'image/jpeg', 'cover-a-800x600.webp', 'cover-a-400x300.webp', now(), now()),
       ('second photo', 'cover-a2.jpg', 'image/jpeg', 'cover-a2-800x600.webp', NULL, now(), now()),
       ('small photo', 'cover-b.jpg', 'image/jpeg', NULL, 'cover-b-400x300.webp', now(), now()),
       ('odd photo', 'cover-c.jpg', 'image/jpeg', NULL, NULL, now(), now())
     RETURNING id`,
  )
  const [m1, m2, m3, m4] = media.rows.map((r) => r.id as number)
  await queryDatabase(
    stack,
    `INSERT INTO properties_rels ("order", parent_id, path, media_id) VALUES (2, $1, 'photos', $2), (1, $1, 'photos', $3), (1, $4, 'photos', $5), (1, $6, 'photos', $7)`,
    [a.id, m2, m1, b.id, m3, c.id, m4],
  )
  const res = await rest<SearchBody>(stack, 'GET', '/api/properties/search?limit=50')
  const cover = (id: number) => res.body.docs.find((d) => d.id === id)?.coverPhotoUrl
  expect(cover(a.id)).toMatch(/\/api\/media\/file\/cover-a-800x600\.webp$/)
  expect(cover(b.id)).toMatch(/\/api\/media\/file\/cover-b-400x300\.webp$/)
  expect(cover(c.id)).toMatch(/\/api\/media\/file\/cover-c\.jpg$/)
})

it('counts exactly up to 1,000 matches, then says 1000 and totalDocsExact: false', async () => {
  const host = listings[0]! // 24 listings from beforeAll
  const hostId = (await queryDatabase(stack, 'SELECT host_id FROM properties WHERE id = $1', [host.id])).rows[0].host_id
  // 1,001 published listings in one city, written straight to the table (the API would take minutes).
  await queryDatabase(
    stack,
    `INSERT INTO properties (title, slug, host_id, property_type, address_line1, address_city, address_country, location_latitude, location_longitude,
                             max_guests, pricing_currency, pricing_nightly_rate, min_nights, max_nights, _status, updated_at, created_at)
     SELECT 'Capped listing ' || g, 'capped-listing-' || g, $1, 'apartment', g || ' Long Street', 'Capville', 'PT', 38.7, -9.1,
            2, 'EUR', 10000 + g, 1, 30, 'published', now(), now()
     FROM generate_series(1, 1001) g`,
    [hostId],
  )
  try {
    const over = await rest<SearchBody>(stack, 'GET', '/api/properties/search?city=capville&limit=50')
    expect(over.body).toMatchObject({ totalDocs: 1000, totalDocsExact: false, totalPages: 20 })
    const deep = await rest<SearchBody>(stack, 'GET', '/api/properties/search?city=capville&limit=50&page=21')
    expect(deep.body).toMatchObject({ totalDocs: 1000, totalDocsExact: false, nextCursor: null })
    expect(deep.body.docs).toHaveLength(1)
    const walked = await walkCursor('city=capville&limit=50', 30)
    expect(walked.ids).toHaveLength(1001)
    expect(new Set(walked.ids).size).toBe(1001)
    expect(walked.pages.every((p) => p.totalDocs === 1000 && !p.totalDocsExact)).toBe(true)

    await queryDatabase(stack, "DELETE FROM properties WHERE slug = 'capped-listing-1001'")
    const exact = await rest<SearchBody>(stack, 'GET', '/api/properties/search?city=capville&limit=50&page=2')
    expect(exact.body).toMatchObject({ totalDocs: 1000, totalDocsExact: true, totalPages: 20 })
  } finally {
    await queryDatabase(stack, "DELETE FROM properties WHERE address_city = 'Capville'")
  }
})
