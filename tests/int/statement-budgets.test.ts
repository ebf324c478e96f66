import { addDays, utcDate } from '../../src/domain/stayDates'
import { type TestUser, gql, rest, signUp } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type SqlCounter, listStatements, startSqlCounter } from '../helpers/sqlCounter'
import { type Stack, startStack } from '../helpers/stack'

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
let counter: SqlCounter
let host: TestUser
let guest: TestUser
let listing: { id: number }

const today = utcDate(new Date())

beforeAll(async () => {
  counter = await startSqlCounter(process.env.STAYBASE_TEST_PG_SERVER!)
  stack = await startStack({ databaseUrlFor: counter.urlFor })
  await signUp(stack, { label: 'admin' }) // the first account becomes the admin
  host = await signUp(stack, { label: 'host', roles: ['host'] })
  guest = await signUp(stack, { label: 'guest' })
  listing = await createListing(stack, host, { title: 'Budgeted flat', instantBook: true }, { publish: true })
}, 180_000)
afterAll(async () => {
  await stack?.stop()
  await counter?.close()
}, 120_000)

/** The statements of one request (the request is expected to answer `status`). */
async function count(request: () => Promise<{ status: number; body: unknown }>, status: number): Promise<string[]> {
  counter.reset()
  const res = await request()
  const statements = counter.statements()
  expect({ status: res.status, body: res.status === status ? 'as expected' : res.body }).toEqual({ status, body: 'as expected' })
  return statements
}

function withinBudget(what: string, statements: string[], budget: number): void {
  if (statements.length > budget) {
    throw new Error(`${what}: ${statements.length} SQL statements, budget ${budget}:\n${listStatements(statements)}`)
  }
  // Shown on success too, so a change that makes a request cheaper is visible in the run's output.
  console.log(`${what}: ${statements.length} SQL statements (budget ${budget})\n${listStatements(statements)}`)
}

let week = 0
const stay = () => {
  const checkIn = addDays(today, 30 + 7 * week++)
  return { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 }
}

describe('statement budgets', () => {
  it('POST /api/bookings', async () => {
    await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay() })
    const statements = await count(() => rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay() }), 201)
    withinBudget('POST /api/bookings', statements, 6)
  })

  it('GraphQL createBooking', async () => {
    const mutation = `mutation ($data: mutationBookingInput!) { createBooking(data: $data) { id status quote { total } } }`
    await gql(stack, mutation, { data: stay() }, { token: guest.token })
    const statements = await count(() => gql(stack, mutation, { data: stay() }, { token: guest.token }), 200)
    withinBudget('GraphQL createBooking', statements, 6)
  })

  it('search with dates', async () => {
    const checkIn = addDays(today, 200)
    const path = `/api/properties/search?checkIn=${checkIn}&checkOut=${addDays(checkIn, 3)}&guests=2`
    await rest(stack, 'GET', path)
    const statements = await count(() => rest(stack, 'GET', path), 200)
    withinBudget('search with dates', statements, 6)
  })

  it('GET /api/properties/:id?depth=1, anonymous', async () => {
    const path = `/api/properties/${listing.id}?depth=1`
    await rest(stack, 'GET', path)
    const statements = await count(() => rest(stack, 'GET', path), 200)
    withinBudget('listing read at depth 1', statements, 6)
  })
})
