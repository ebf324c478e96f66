import { randomBytes } from 'node:crypto'

import { Redis } from 'ioredis'

import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, gql, rest, signUpCast, uploadImage } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'
import { type RedisServer, startRedisServer } from '../helpers/redisServer'
import { eventually } from '../helpers/wait'

/**
 * The Redis cache (src/services/cache.ts) and the express fast path for public listing reads
 * (src/publicReads.ts):
 *
 * - the fast path answers exactly what Payload answers (status, body bytes, headers) — compared with a
 *   second server on the same database with the fast path and the cache switched off, which sends every
 *   request through Next to Payload's REST handler;
 * - nothing is served stale: a price edit, a booking (REST and GraphQL), a block;
 * - a Redis outage answers from the database, and the cache heals when Redis is back.
 *
 * The suite runs its own redis-server (tests/helpers/redisServer.ts: with an RDB file, so what it held
 * comes back after the outage, as with a production Redis that restarts), which it stops and starts.
 */
// Long enough that an entry warmed before a change is still alive when it is read after it (so a test
// of invalidation cannot pass by expiry), short enough for the outage test's healing (one TTL).
const TTL_SECONDS = 20
let redis: RedisServer
let fast: Stack
let plain: Stack
let cast: Cast
const city = `Cachetown ${randomBytes(3).toString('hex')}`
const otherCity = `Othertown ${randomBytes(3).toString('hex')}`
const today = utcDate(new Date())
let published: { id: number; slug: string }
let second: { id: number; slug: string }
let draft: { id: number; slug: string }
let sparse: { id: number; slug: string }
let photo: { id: number }
let secondPhoto: { id: number }

const DESCRIPTION = {
  root: {
    type: 'root',
    format: '',
    indent: 0,
    version: 1,
    direction: 'ltr',
    children: [
      {
        type: 'paragraph',
        format: '',
        indent: 0,
        version: 1,
        direction: 'ltr',
        textStyle: '',
        textFormat: 0,
        children: [{ mode: 'normal', text: 'Beams and a view.', type: 'text', style: '', detail: 0, format: 0, version: 1 }],
      },
    ],
  },
}

beforeAll(async () => {
  redis = await startRedisServer()
  fast = await startStack({ env: { REDIS_URL: redis.url, CACHE_TTL_SECONDS: String(TTL_SECONDS) } })
  // Payload's own answers: the same database and public URL, no fast path, no cache.
  plain = await startStack({
    env: {
      DATABASE_URL: fast.databaseUrl,
      SERVER_URL: fast.url,
      MEDIA_DIR: fast.mediaDir,
      FAST_PUBLIC_READS: 'false',
      CACHE_ENABLED: 'false',
    },
  })
  cast = await signUpCast(fast)
  photo = await uploadImage(fast, cast.host.token, { alt: 'The chalet from the garden', filename: 'chalet.jpg' })
  secondPhoto = await uploadImage(fast, cast.host.token, { alt: 'The kitchen', filename: 'kitchen.jpg' })
  // A host with an avatar and a bio (embedded at depth ≥ 1, the avatar as an id).
  const avatar = await uploadImage(fast, cast.host.token, { alt: 'The host, smiling', filename: 'host.jpg' })
  const profile = await rest(fast, 'PATCH', `/api/users/${cast.host.id}`, {
    token: cast.host.token,
    body: { avatar: avatar.id, bio: 'Skier and baker.' },
  })
  expect(profile.status).toBe(200)
  // Every optional field set (src/listingDocument.ts must mirror each), and one with the optional ones empty.
  published = await createListing(
    fast,
    cast.host,
    {
      title: 'Cached chalet one',
      description: DESCRIPTION,
      houseRules: 'No parties.',
      address: { line1: 'Weg 1', line2: 'Top floor', city, region: 'Valais', postalCode: '3920', country: 'CH' },
      // Not in upload order: photos keep the host's order.
      photos: [secondPhoto.id, photo.id],
      amenities: ['wifi', 'kitchen', 'fireplace'],
      pricing: {
        currency: 'CHF',
        nightlyRate: 18000,
        weekendRate: 21000,
        cleaningFee: 5000,
        weeklyDiscountPercent: 10,
        monthlyDiscountPercent: 20,
        taxPercent: 3.5,
      },
      checkInTime: '16:00',
      instantBook: false,
    },
    { publish: true },
  )
  sparse = await createListing(
    fast,
    cast.otherHost,
    { title: 'Sparse chalet', amenities: [], address: { city, country: 'CH' }, pricing: { currency: 'EUR', nightlyRate: 9000 } },
    { publish: true },
  )
  second = await createListing(
    fast,
    cast.otherHost,
    { title: 'Cached chalet two', address: { line1: 'Weg 2', city, postalCode: '3920', country: 'CH' } },
    { publish: true },
  )
  draft = await createListing(fast, cast.host, {
    title: 'Never published chalet',
    address: { line1: 'Weg 3', city, postalCode: '3920', country: 'CH' },
  })
  // Next starts Payload at its first API request; the fast path uses that instance.
  await eventually(
    'the fast path to answer',
    async () => (await rest(fast, 'GET', `/api/properties/${published.id}?depth=0`)).headers.get('x-cache') !== null,
  )
}, 180_000)

afterAll(async () => {
  await plain?.stop()
  await fast?.stop()
  await redis?.stop()
  redis?.remove()
  // Each stop is bounded (a worker 30 s, a server 15 s), but together they can outlast jest's default 60 s.
}, 120_000)

/** Headers that differ per request or per transfer, whoever answers. */
const PER_REQUEST = new Set([
  'date',
  'x-request-id',
  'content-security-policy',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'x-cache',
])

async function raw(stack: Stack, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.url}${path}`, { headers, signal: AbortSignal.timeout(20_000) })
  const body = Buffer.from(await res.arrayBuffer()).toString('base64')
  const kept = Object.fromEntries([...res.headers].filter(([name]) => !PER_REQUEST.has(name)))
  return { status: res.status, body, headers: kept, cache: res.headers.get('x-cache') }
}

describe('the fast path answers what Payload answers', () => {
  const paths = () => {
    const byId = (id: number | string) => ['', '?depth=0', '?depth=1', '?depth=2'].map((q) => `/api/properties/${id}${q}`)
    return [
      ...byId(published.id),
      ...byId(second.id),
      ...byId(sparse.id),
      `/api/properties?where[slug][equals]=${published.slug}`,
      `/api/properties?where[slug][equals]=${second.slug}&depth=0`,
      `/api/properties?where%5Bslug%5D%5Bequals%5D=${published.slug}&depth=1&limit=1`,
      `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}&limit=10`,
      `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}&limit=10&depth=0`,
      `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}`,
      `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}&depth=2`,
      // Three published listings in the city: a page that holds them all, one short of them (so the
      // matches are counted), one per page.
      `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}&limit=3&depth=1`,
      `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}&limit=2&depth=1`,
      `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}&limit=1&depth=0`,
      `/api/properties?where[slug][equals]=${sparse.slug}&limit=1&depth=2`,
      `/api/properties?where[address.city][equals]=Nowhere&limit=10`,
      // A draft is not found by its slug: an empty page, as Payload answers it.
      `/api/properties?where[slug][equals]=${draft.slug}`,
    ]
  }

  it.each([
    ['identity', { 'accept-encoding': 'identity' }],
    ['gzip', { 'accept-encoding': 'gzip, deflate, br' }],
    ['deflate', { 'accept-encoding': 'deflate' }],
    ['an allowed Origin', { origin: 'SERVER_URL' }],
  ])(
    'published listings by id at each depth, by slug and a city page (%s): same status, bytes and headers, answered by the fast path',
    async (_, given) => {
      const headers = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v === 'SERVER_URL' ? fast.url : v])) as Record<
        string,
        string
      >
      for (const path of paths()) {
        const first = await raw(fast, path, headers)
        // The next read is a hit, unless its Redis read took over 250 ms (a stall on a loaded machine): then
        // it is answered from the database (bypass) and a later one is the hit.
        const again = await eventually(`a hit for ${path}`, async () => {
          const answer = await raw(fast, path, headers)
          return answer.cache === 'hit' && answer
        })
        const payload = await raw(plain, path, headers)
        expect({ path, ...first, cache: undefined }).toEqual({ path, ...payload, cache: undefined })
        expect({ path, ...again, cache: undefined }).toEqual({ path, ...payload, cache: undefined })
        expect(first.cache).not.toBeNull()
        expect(payload.cache).toBeNull()
      }
    },
  )

  it('what is not public or not plain falls through to Payload unchanged: drafts, bad ids, other parameters, signed-in callers', async () => {
    const cases: [string, Record<string, string>][] = [
      [`/api/properties/${draft.id}`, {}],
      [`/api/properties/${draft.id}?depth=0`, {}],
      ['/api/properties/999999', {}],
      ['/api/properties/abc', {}],
      ['/api/properties/0', {}],
      ['/api/properties/1.5', {}],
      ['/api/properties/99999999999', {}],
      [`/api/properties/${published.id}?depth=9`, {}],
      [`/api/properties/${published.id}?depth=0&draft=true`, {}],
      [`/api/properties/${published.id}?depth=0&depth=1`, {}],
      [`/api/properties/${published.id}?select[title]=true`, {}],
      [`/api/properties?where[slug][equals]=${published.slug}&page=2`, {}],
      [`/api/properties?where[address.city][like]=${encodeURIComponent(city)}`, {}],
      [`/api/properties?where[address.city][equals]=${encodeURIComponent(city)}&limit=abc`, {}],
      [`/api/properties/${published.id}?depth=0`, { 'accept-encoding': 'gzip;q=0, identity' }],
    ]
    for (const [path, headers] of cases) {
      const mine = await raw(fast, path, headers)
      const payload = await raw(plain, path, headers)
      expect({ path, ...mine }).toEqual({ path, ...payload })
      expect({ path, cache: mine.cache }).toEqual({ path, cache: null })
    }
    // A signed-in host sees their draft — through Payload, never from the cache.
    const own = await rest(fast, 'GET', `/api/properties/${draft.id}?depth=0`, { token: cast.host.token })
    expect(own.status).toBe(200)
    expect(own.headers.get('x-cache')).toBeNull()
    const staff = await rest(fast, 'GET', `/api/properties/${published.id}?depth=0`, { token: cast.staff.token })
    expect(staff.headers.get('x-cache')).toBeNull()
    expect(staff.body).toHaveProperty('moderation')
    const anonymous = await rest(fast, 'GET', `/api/properties/${published.id}?depth=0`)
    expect(anonymous.body).not.toHaveProperty('moderation')
  })
})

describe('nothing is served stale', () => {
  const stay = (days: number) => ({ checkIn: addDays(today, days), checkOut: addDays(today, days + 3) })
  const search = (dates: { checkIn: string; checkOut: string }) =>
    rest(
      fast,
      'GET',
      `/api/properties/search?city=${encodeURIComponent(otherCity)}&guests=1&checkIn=${dates.checkIn}&checkOut=${dates.checkOut}&limit=50`,
    )
  const ids = (res: { body: { docs: { id: number }[] } }) => res.body.docs.map((d) => d.id)

  /** Reads until the answer came from the cache, so the next read after a change would be a hit if not invalidated. */
  const cachedRead = (path: string) =>
    eventually(`a cache hit for ${path}`, async () => {
      const res = await rest(fast, 'GET', path)
      return res.headers.get('x-cache') === 'hit' ? res : null
    })

  it('a price edit shows at once by id, by slug, in the city page and in search', async () => {
    const listing = await createListing(
      fast,
      cast.host,
      { title: 'Price edit chalet', address: { line1: 'Weg 9', city: otherCity, postalCode: '3920', country: 'CH' } },
      { publish: true },
    )
    const dates = stay(200)
    const paths = {
      byId: `/api/properties/${listing.id}?depth=0`,
      byIdDeep: `/api/properties/${listing.id}`,
      bySlug: `/api/properties?where[slug][equals]=${listing.slug}`,
      city: `/api/properties?where[address.city][equals]=${encodeURIComponent(otherCity)}&limit=10`,
    }
    for (let round = 1; round <= 3; round += 1) {
      const price = 20_000 + round * 111
      for (const path of Object.values(paths)) await cachedRead(path)
      await eventually('a cached search', async () => (await search(dates)).headers.get('x-cache') === 'hit')
      const edit = await rest(fast, 'PATCH', `/api/properties/${listing.id}`, {
        token: cast.host.token,
        body: { pricing: { nightlyRate: price } },
      })
      expect(edit.status).toBe(200)
      expect((await rest(fast, 'GET', paths.byId)).body.pricing.nightlyRate).toBe(price)
      expect((await rest(fast, 'GET', paths.byIdDeep)).body.pricing.nightlyRate).toBe(price)
      expect((await rest(fast, 'GET', paths.bySlug)).body.docs[0].pricing.nightlyRate).toBe(price)
      expect((await rest(fast, 'GET', paths.city)).body.docs.find((d: { id: number }) => d.id === listing.id).pricing.nightlyRate).toBe(
        price,
      )
      expect((await search(dates)).body.docs.find((d: { id: number }) => d.id === listing.id).nightlyRate).toBe(price)
    }
  })

  it('a booking (REST, then GraphQL) takes the listing out of a search for its nights at once', async () => {
    const listing = await createListing(
      fast,
      cast.host,
      { title: 'Booked chalet', address: { line1: 'Weg 10', city: otherCity, postalCode: '3920', country: 'CH' }, minNights: 1 },
      { publish: true },
    )
    const viaRest = stay(300)
    await eventually('a cached search showing the listing', async () => {
      const res = await search(viaRest)
      return res.headers.get('x-cache') === 'hit' && ids(res).includes(listing.id)
    })
    const booked = await rest(fast, 'POST', '/api/bookings', {
      token: cast.guest.token,
      body: { property: listing.id, ...viaRest, guests: 1 },
    })
    expect(booked.status).toBe(201)
    expect(ids(await search(viaRest))).not.toContain(listing.id)

    const viaGraphql = stay(320)
    await eventually('a cached search showing the listing', async () => {
      const res = await search(viaGraphql)
      return res.headers.get('x-cache') === 'hit' && ids(res).includes(listing.id)
    })
    const mutation = await gql(
      fast,
      'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id } }',
      { data: { property: listing.id, ...viaGraphql, guests: 1 } },
      { token: cast.otherGuest.token },
    )
    expect(mutation.body.errors).toBeUndefined()
    expect(ids(await search(viaGraphql))).not.toContain(listing.id)
  })

  it('an edited photo shows at once in the listings that embed it', async () => {
    const path = `/api/properties/${published.id}?depth=1`
    await eventually('a cache hit', async () => (await rest(fast, 'GET', path)).headers.get('x-cache') === 'hit')
    const edit = await rest(fast, 'PATCH', `/api/media/${photo.id}`, { token: cast.host.token, body: { alt: 'The chalet in winter' } })
    expect(edit.status).toBe(200)
    const photos = (await rest(fast, 'GET', path)).body.photos as { id: number; alt: string }[]
    expect(photos.map((p) => [p.id, p.alt])).toEqual([
      [secondPhoto.id, 'The kitchen'],
      [photo.id, 'The chalet in winter'],
    ])
  })

  it("a host's profile change shows at once in their listings read at depth 1", async () => {
    const path = `/api/properties/${published.id}?depth=1`
    await eventually('a cache hit', async () => (await rest(fast, 'GET', path)).headers.get('x-cache') === 'hit')
    const edit = await rest(fast, 'PATCH', `/api/users/${cast.host.id}`, { token: cast.host.token, body: { name: 'Renamed Host' } })
    expect(edit.status).toBe(200)
    expect((await rest(fast, 'GET', path)).body.host.name).toBe('Renamed Host')
  })

  it('a block takes the listing out of a search for those nights at once', async () => {
    const listing = await createListing(
      fast,
      cast.host,
      { title: 'Blocked chalet', address: { line1: 'Weg 11', city: otherCity, postalCode: '3920', country: 'CH' }, minNights: 1 },
      { publish: true },
    )
    const dates = stay(400)
    await eventually('a cached search showing the listing', async () => {
      const res = await search(dates)
      return res.headers.get('x-cache') === 'hit' && ids(res).includes(listing.id)
    })
    const block = await rest(fast, 'POST', '/api/availability-blocks', {
      token: cast.host.token,
      body: { property: listing.id, startDate: dates.checkIn, endDate: dates.checkOut, reason: 'other' },
    })
    expect(block.status).toBe(201)
    expect(ids(await search(dates))).not.toContain(listing.id)
  })
})

describe('a Redis outage', () => {
  it(
    'answers from the database (200s, x-cache: bypass, never an error) and heals when Redis is back',
    async () => {
      const path = `/api/properties/${published.id}?depth=0`
      const searchPath = `/api/properties/search?city=${encodeURIComponent(city)}&guests=1`
      const expected = await rest(plain, 'GET', path)
      // What every process compares its entries with: the listing's version counter in Redis.
      const listingVersion = async () => {
        const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 })
        try {
          await client.connect()
          return Number((await client.get(`${fast.env.REDIS_PREFIX}cache:v:l:${published.id}`)) ?? 0)
        } finally {
          client.disconnect()
        }
      }
      const versionBefore = await listingVersion()
      await redis.stop()
      try {
        for (let i = 0; i < 5; i += 1) {
          const res = await rest(fast, 'GET', path)
          expect(res.status).toBe(200)
          expect(res.body).toEqual(expected.body)
          expect(res.headers.get('x-cache')).toBe('bypass')
          const found = await rest(fast, 'GET', searchPath)
          expect(found.status).toBe(200)
          expect(found.body.docs.map((d: { id: number }) => d.id)).toContain(published.id)
        }
        // A write while Redis is away cannot bump the versions; it must still be seen afterwards.
        const edit = await rest(fast, 'PATCH', `/api/properties/${published.id}`, {
          token: cast.host.token,
          body: { pricing: { nightlyRate: 31_337 } },
        })
        expect(edit.status).toBe(200)
        expect((await rest(fast, 'GET', path)).body.pricing.nightlyRate).toBe(31_337)
      } finally {
        await redis.start()
      }
      // The edit's bump failed; it is retried until Redis takes it, so a process that served nothing during
      // the outage (and so never saw it) does not keep serving the entry it cached before.
      await eventually('the failed bump to reach Redis once it is back', async () => (await listingVersion()) > versionBefore)
      expect((await rest(fast, 'GET', path)).body.pricing.nightlyRate).toBe(31_337)
      await eventually('cache hits again', async () => (await rest(fast, 'GET', path)).headers.get('x-cache') === 'hit', {
        timeoutMs: TTL_SECONDS * 1000 + 30_000,
      })
      expect((await rest(fast, 'GET', path)).body.pricing.nightlyRate).toBe(31_337)
      // Healing waits out one TTL of distrust after the outage.
    },
    TTL_SECONDS * 1000 + 90_000,
  )
})
