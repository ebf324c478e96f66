import { startBare } from '../../bench/bare'
import { addDays, utcDate } from '@/domain/stayDates'
import { type TestUser, rest, signUp } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'

/**
 * The benchmark's floor (bench/bare.ts) must answer what the API answers, or its ratios compare
 * different work: the same search rows in the same order, the same listing by id and by slug, the same
 * first page of a city. No timings here: benchmarks are not tests.
 */
let stack: Stack
let bare: Awaited<ReturnType<typeof startBare>>
let host: TestUser
const ids: number[] = []
const slugs: string[] = []

beforeAll(async () => {
  stack = await startStack()
  await signUp(stack, { label: 'admin' })
  host = await signUp(stack, { label: 'host', roles: ['host'] })
  const places = [
    { city: 'Lucerne', country: 'CH', latitude: 47.05, longitude: 8.31 },
    { city: 'Porto', country: 'PT', latitude: 41.15, longitude: -8.61 },
  ]
  for (let i = 0; i < 8; i++) {
    const place = places[i % 2]!
    const doc = await createListing(
      stack,
      host,
      {
        title: `Bench twin ${i}`,
        address: { line1: `Street ${i}`, city: place.city, postalCode: '1000', country: place.country },
        location: { latitude: place.latitude + i / 100, longitude: place.longitude },
        maxGuests: 2 + (i % 3),
        amenities: i % 2 ? ['wifi'] : ['wifi', 'kitchen'],
        pricing: { currency: 'EUR', nightlyRate: 10000 + ((i * 3700) % 9000), cleaningFee: 0 },
        minNights: 1,
      },
      { publish: i !== 7 },
    )
    ids.push(doc.id)
    slugs.push(doc.slug)
  }
  bare = await startBare({ databaseUrl: stack.databaseUrl, port: 0, poolMax: 2 })
}, 180_000)

afterAll(async () => {
  await bare?.close()
  await stack?.stop()
})

const json = async (url: string) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
  return { status: res.status, body: (await res.json()) as any }
}

it('answers the same search rows, in the same order, with the same total', async () => {
  const checkIn = addDays(utcDate(new Date()), 20)
  const stay = `checkIn=${checkIn}&checkOut=${addDays(checkIn, 3)}&guests=2`
  for (const query of [
    `${stay}&city=Lucerne`,
    stay,
    `${stay}&lat=47.05&lng=8.31&radiusKm=50&sort=distance`,
    'guests=2&country=CH&amenities=wifi,kitchen&minPrice=10000&maxPrice=20000',
    `${stay}&limit=2&page=2`,
  ]) {
    const api = await json(`${stack.url}/api/properties/search?${query}`)
    const floor = await json(`${bare.url}/search?${query}`)
    expect(api.status).toBe(200)
    expect(floor.status).toBe(200)
    expect(floor.body.docs.map((d: { id: number }) => d.id)).toEqual(api.body.docs.map((d: { id: number }) => d.id))
    expect(floor.body.totalDocs).toBe(api.body.totalDocs)
  }
})

it('reads the same listing by id and by slug, and nothing for a draft', async () => {
  const api = await rest(stack, 'GET', `/api/properties/${ids[0]}?depth=0`)
  const byId = await json(`${bare.url}/properties/${ids[0]}`)
  expect(byId.body).toMatchObject({ id: api.body.id, title: api.body.title, slug: api.body.slug, amenities: api.body.amenities })
  const bySlug = await json(`${bare.url}/properties/by-slug/${slugs[0]}`)
  expect(bySlug.body.docs[0].id).toBe(ids[0])
  expect((await json(`${bare.url}/properties/${ids[7]}`)).status).toBe(404)
  expect((await rest(stack, 'GET', `/api/properties/${ids[7]}?depth=0`)).status).toBe(404)
})

it('reads the same first page of a city, newest first, with the same total', async () => {
  const api = await rest(stack, 'GET', '/api/properties?where[address.city][equals]=Porto&limit=10')
  const floor = await json(`${bare.url}/properties/city/Porto`)
  expect(floor.body.docs.map((d: { id: number }) => d.id)).toEqual(api.body.docs.map((d: { id: number }) => d.id))
  expect(floor.body.totalDocs).toBe(api.body.totalDocs)
  expect(floor.body.docs[0].host.id).toBe(host.id)
})
