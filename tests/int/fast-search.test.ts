import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, answeredBy, startStack } from '../helpers/stack'

/**
 * GET /api/properties/search is answered by express in front of Next (src/fastSearch.ts). That must be
 * invisible: `fast` and `plain` (FAST_SEARCH=false, Next and Payload's endpoint) share one database and
 * give the same status, body and headers for the same request — results, pages, cursors, every kind of
 * refusal, cache misses and hits — and the fast server's access log says express answered.
 */
let fast: Stack
let plain: Stack
let cast: Cast

const today = utcDate(new Date())
const checkIn = addDays(today, 30)
const checkOut = addDays(checkIn, 3)

beforeAll(async () => {
  fast = await startStack({ env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } })
  plain = await startStack({
    env: { DATABASE_URL: fast.databaseUrl, SERVER_URL: fast.url, MEDIA_DIR: fast.mediaDir, FAST_SEARCH: 'false' },
  })
  cast = await signUpCast(fast)
  for (const [i, city] of ['Zürich', 'Zürich', 'Zürich', 'Basel'].entries()) {
    await createListing(
      fast,
      cast.host,
      {
        title: `Searched flat ${i}`,
        address: { line1: `Gasse ${i}`, city, postalCode: '8000', country: 'CH' },
        pricing: { currency: 'CHF', nightlyRate: 10000 + 1000 * i, cleaningFee: 3000 },
      },
      { publish: true },
    )
  }
}, 240_000)

afterAll(async () => {
  await plain?.stop()
  await fast?.stop()
}, 120_000)

type Sent = { status: number; text: string; headers: Headers }
async function get(stack: Stack, path: string, headers: Record<string, string> = {}): Promise<Sent> {
  const res = await fetch(`${stack.url}${path}`, { headers, signal: AbortSignal.timeout(20_000) })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

const HEADERS = [
  'content-type',
  'content-encoding',
  'vary',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'x-cache',
  'cache-control',
]
const answer = (sent: Sent) => ({
  status: sent.status,
  text: sent.text,
  headers: Object.fromEntries(HEADERS.map((name) => [name, sent.headers.get(name)])),
})

const search = (query: string) => `/api/properties/search${query}`

describe('the search fast path answers as Next does', () => {
  it.each([
    ['dates, guests and a city', `?checkIn=${checkIn}&checkOut=${checkOut}&guests=2&city=Z%C3%BCrich`],
    ['the whole catalogue, cheapest first, two a page', '?sort=price&limit=2'],
    ['page 2', '?sort=price&limit=2&page=2'],
    ['a country, a price band and amenities', '?country=CH&minPrice=10500&maxPrice=20000&amenities=wifi,kitchen&currency=CHF'],
    ['a radius by distance', '?lat=47.36&lng=8.53&radiusKm=50&sort=distance'],
    ['an empty parameter and a repeated one', '?city=&guests=2&guests=3'],
    ['no match', '?city=Nowhere'],
    ['a bad date', '?checkIn=soon&checkOut=2030-01-01'],
    ['checkIn without checkOut', `?checkIn=${checkIn}`],
    ['an unknown sort', '?sort=vibes'],
    ['a forged cursor', '?cursor=abc.def'],
    ['too large a limit', '?limit=5000'],
    ['an unknown parameter', '?colour=blue'],
  ])('%s: a miss, then a hit', async (_label, query) => {
    for (const round of ['miss', 'hit']) {
      const viaFast = answer(await get(fast, search(query)))
      const viaNext = answer(await get(plain, search(query)))
      expect({ round, ...viaFast }).toEqual({ round, ...viaNext })
    }
  })

  it('a cursor from one server walks the other the same way', async () => {
    const first = JSON.parse((await get(fast, search('?sort=price&limit=2'))).text)
    expect(first.nextCursor).toEqual(expect.any(String))
    const next = search(`?sort=price&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
    expect(answer(await get(fast, next))).toEqual(answer(await get(plain, next)))
  })

  it.each([['identity'], ['gzip, deflate, br'], ['deflate']])('Accept-Encoding: %s', async (encoding) => {
    const path = search('?city=Basel')
    expect(answer(await get(fast, path, { 'accept-encoding': encoding }))).toEqual(
      answer(await get(plain, path, { 'accept-encoding': encoding })),
    )
  })

  it('a signed-in caller gets the same answer as anyone', async () => {
    const path = search('?city=Z%C3%BCrich&sort=price')
    const signedIn = await get(fast, path, { authorization: `JWT ${cast.guest.token}` })
    expect(answer(signedIn).text).toBe(answer(await get(plain, path)).text)
  })
})

describe('which path answers', () => {
  it('express answers searches and their refusals; Next answers odd encodings', async () => {
    const cases: [string, Record<string, string>, string | null][] = [
      ['?city=Basel', {}, 'express'],
      ['?limit=5000', {}, 'express'],
      ['?city=Basel', { 'accept-encoding': 'gzip;q=1.0' }, null],
    ]
    for (const [i, [query, headers, expected]] of cases.entries()) {
      const requestId = `fast-search-${i}-${Date.now()}`
      const sent = await get(fast, search(query), { ...headers, 'x-request-id': requestId })
      expect(sent.status).toBeLessThan(500)
      expect({ query, answeredBy: await answeredBy(fast, requestId) }).toEqual({ query, answeredBy: expected })
    }
  })
})
