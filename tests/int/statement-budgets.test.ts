import { addDays, utcDate } from '@/domain/stayDates'
import { type TestUser, gql, rest, signUp } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'
import { statementsOf, withinBudget } from '../helpers/statementBudget'

/**
 * Statement budgets: how many SQL statements the server sends to Postgres for one request, counted on
 * the wire by a proxy between the server and Postgres (tests/helpers/sqlCounter.ts) — everything: BEGIN
 * and COMMIT, locks, the auth lookup, child rows. A budget says why it is what it is; a request above
 * its budget fails and prints the statements it ran.
 *
 * Each measured request runs twice and the second is counted: the first warms what a running server
 * has warm (the signed-in user's session, Payload's lazily built state), which is the state the
 * budgets are about.
 */
let stack: Stack
let host: TestUser
let guest: TestUser
let listing: { id: number; slug: string }
const city = `Budgetville ${Date.now().toString(36)}`

const today = utcDate(new Date())

beforeAll(async () => {
  // The budgets are for a cache miss: with the cache on, the counted second request of a search or a
  // listing read would be a Redis hit (0 statements) and the budget could never fail.
  stack = await startStack({ countStatements: true, env: { CACHE_ENABLED: 'false' } })
  await signUp(stack, { label: 'admin' }) // the first account becomes the admin
  host = await signUp(stack, { label: 'host', roles: ['host'] })
  guest = await signUp(stack, { label: 'guest' })
  listing = await createListing(
    stack,
    host,
    { title: 'Budgeted flat', instantBook: true, address: { city, country: 'CH' } },
    { publish: true },
  )
  // A second listing in the city, so that a page of one has to count the matches.
  await createListing(stack, host, { title: 'Budgeted flat two', address: { city, country: 'CH' } }, { publish: true })
}, 180_000)
afterAll(async () => {
  await stack?.stop()
}, 120_000)

let week = 0
const stay = () => {
  const checkIn = addDays(today, 30 + 7 * week++)
  return { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 }
}

/**
 * The budgets, and why:
 * - POST /api/bookings: 3 = the auth lookup of the signed-in user (1; 0 once sessions are cached in
 *   Redis, then the budget is 2 in practice), the listing with the guest's and host's accounts (1), and
 *   the booking with its nightly rows in one INSERT (1: atomic on its own, so no BEGIN/COMMIT; the
 *   listing's calendar lock is taken inside it; no overlap pre-check, the exclusion constraint decides).
 *   The answer is built from those, not read back (src/services/bookingAnswer.ts).
 * - The same with an Idempotency-Key: + 3 = claiming the key (a DELETE of an expired claim and the
 *   INSERT … ON CONFLICT, committed before the work) and recording the answer (1 UPDATE).
 * - GraphQL createBooking: 3 = auth, listing and accounts, INSERT.
 * - Search with dates: 2 = the page (one statement with its availability check and cover photos) and
 *   at most one more (a count or a cursor); 0 on a cache hit.
 * - Public listing reads, anonymous, at depth 1 by id, at the default depth (2) by slug and a city's
 *   first page: 1 = the listings with their arrays, hosts and photos, and the count of matches when
 *   the page is full, in one statement (src/listingDocument.ts); 0 on a cache hit.
 * - A guest's bookings list (REST and GraphQL, 10 bookings): whatever Payload's find costs, plus exactly
 *   one statement for the unread message counts of the whole page (hooks/bookings/countUnreadMessages.ts),
 *   never one per booking.
 */
const BUDGET = { booking: 3, bookingWithKey: 6, graphqlBooking: 3, search: 2, listingRead: 1, unreadCountsPerList: 1 }

describe('statement budgets', () => {
  it('POST /api/bookings', async () => {
    await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay() })
    const statements = await statementsOf(stack, () => rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay() }), 201)
    withinBudget('POST /api/bookings', statements, BUDGET.booking)
  })

  it('POST /api/bookings with an Idempotency-Key', async () => {
    const post = (key: string) =>
      rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay(), headers: { 'idempotency-key': key } })
    await post(`warm-${Date.now()}`)
    const statements = await statementsOf(stack, () => post(`counted-${Date.now()}`), 201)
    withinBudget('POST /api/bookings with an Idempotency-Key', statements, BUDGET.bookingWithKey)
  })

  it('GraphQL createBooking', async () => {
    const mutation = `mutation ($data: mutationBookingInput!) { createBooking(data: $data) { id status quote { total } } }`
    await gql(stack, mutation, { data: stay() }, { token: guest.token })
    const statements = await statementsOf(stack, () => gql(stack, mutation, { data: stay() }, { token: guest.token }), 200)
    withinBudget('GraphQL createBooking', statements, BUDGET.graphqlBooking)
  })

  it.each([
    ['REST', () => rest(stack, 'GET', '/api/bookings?limit=10&depth=0', { token: guest.token })],
    ['GraphQL', () => gql(stack, '{ Bookings(limit: 10) { docs { id unreadMessages } } }', {}, { token: guest.token })],
  ])('a bookings list on %s counts unread messages in one statement', async (what, read) => {
    while (((await rest(stack, 'GET', '/api/bookings?limit=1&depth=0', { token: guest.token })).body.totalDocs ?? 0) < 10)
      await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: { ...stay(), messageToHost: 'Hello' } })
    await read()
    const statements = await statementsOf(stack, read, 200)
    const unreadCounts = statements.filter((s) => /FROM messages/i.test(s))
    withinBudget(`bookings list (${what}): unread counts`, unreadCounts, BUDGET.unreadCountsPerList)
    expect(unreadCounts).toHaveLength(1)
    console.log(`bookings list (${what}): ${statements.length} SQL statements in all`)
  })

  it('search with dates', async () => {
    const checkIn = addDays(today, 200)
    const path = `/api/properties/search?checkIn=${checkIn}&checkOut=${addDays(checkIn, 3)}&guests=2`
    await rest(stack, 'GET', path)
    const statements = await statementsOf(stack, () => rest(stack, 'GET', path), 200)
    withinBudget('search with dates', statements, BUDGET.search)
  })

  it.each([
    ['by id at depth 1', () => `/api/properties/${listing.id}?depth=1`, 1],
    ['by slug', () => `/api/properties?where[slug][equals]=${listing.slug}`, 1],
    [
      "a city's first page of one (its matches counted)",
      () => `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}&limit=1`,
      2,
    ],
  ])('GET a public listing %s, anonymous', async (what, path, expected) => {
    await rest(stack, 'GET', path())
    let docs = 0
    const statements = await statementsOf(
      stack,
      async () => {
        const res = await rest(stack, 'GET', path())
        docs = res.body.docs?.length ?? 1
        expect(res.body.totalDocs ?? 1).toBe(expected)
        return res
      },
      200,
    )
    expect(docs).toBe(1)
    withinBudget(`listing read ${what}`, statements, BUDGET.listingRead)
  })
})
