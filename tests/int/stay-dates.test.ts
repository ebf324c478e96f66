import { addDays, utcDate } from '@/domain/stayDates'
import { type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, queryDatabase, startStack } from '../helpers/stack'

/**
 * Stay dates are written `YYYY-MM-DD` in and out, on REST and GraphQL, for bookings (checkIn, checkOut)
 * and blocks (startDate, endDate): never `2027-04-24T12:00:00.000Z`, which a client in
 * Pacific/Auckland (UTC+12/+13) would show as the 25th. The server here runs in Pacific/Auckland, so a
 * date that passed through the server's local time anywhere (a JS Date at local midnight) would come
 * out as the day before; the assertions compare exact strings.
 */
let stack: Stack
let host: TestUser
let guest: TestUser
let staff: TestUser
let listing: { id: number }

const today = utcDate(new Date())
const DAY = /^\d{4}-\d{2}-\d{2}$/
// A Monday about four months ahead, so every stay rule (lead time, min nights) is met.
const base = addDays(today, 120)
const monday = addDays(base, (8 - new Date(`${base}T00:00:00Z`).getUTCDay()) % 7)
const checkIn = monday
const checkOut = addDays(monday, 3)
const blockStart = addDays(monday, 14)
const blockEnd = addDays(monday, 17)

const BOOKING_FIELDS = 'id checkIn checkOut'
const BLOCK_FIELDS = 'id startDate endDate'

beforeAll(async () => {
  stack = await startStack({ env: { TZ: 'Pacific/Auckland' } })
  ;({ host, guest, staff } = await signUpCast(stack))
  listing = await createListing(stack, host, { title: 'Harbour bach', instantBook: true }, { publish: true })
})
afterAll(async () => {
  await stack?.stop()
})

describe('bookings: checkIn and checkOut are YYYY-MM-DD', () => {
  let bookingId: number

  it('REST create answers the dates exactly as sent, and the database holds calendar dates', async () => {
    const res = await rest(stack, 'POST', '/api/bookings', {
      token: guest.token,
      body: { property: listing.id, checkIn, checkOut, guests: 2 },
    })
    expect(res.status).toBe(201)
    expect(res.body.doc.checkIn).toBe(checkIn)
    expect(res.body.doc.checkOut).toBe(checkOut)
    bookingId = res.body.doc.id
    const { rows } = await queryDatabase(
      stack,
      `SELECT check_in::text AS ci, check_out::text AS co, pg_typeof(check_in)::text AS type,
      (SELECT nights::text FROM stay_reservations WHERE booking_id = $1) AS nights FROM bookings WHERE id = $1`,
      [bookingId],
    )
    expect(rows[0]).toEqual({ ci: checkIn, co: checkOut, type: 'date', nights: `[${checkIn},${checkOut})` })
  })

  it('REST findByID and find (guest, host, staff) answer YYYY-MM-DD', async () => {
    for (const who of [guest, host, staff]) {
      const one = await rest(stack, 'GET', `/api/bookings/${bookingId}?depth=0`, { token: who.token })
      expect(one.status).toBe(200)
      expect([one.body.checkIn, one.body.checkOut]).toEqual([checkIn, checkOut])
      const list = await rest(stack, 'GET', `/api/bookings?depth=0&where[id][equals]=${bookingId}`, { token: who.token })
      expect(list.body.docs.map((d: { checkIn: string; checkOut: string }) => [d.checkIn, d.checkOut])).toEqual([[checkIn, checkOut]])
    }
  })

  it.each([
    ['equals', `where[checkIn][equals]=${checkIn}`, true],
    ['equals another day', `where[checkIn][equals]=${addDays(checkIn, 1)}`, false],
    ['in', `where[checkOut][in]=${addDays(checkOut, -1)},${checkOut}`, true],
    ['not_equals', `where[checkIn][not_equals]=${checkIn}`, false],
    ['greater_than_equal (inclusive)', `where[checkIn][greater_than_equal]=${checkIn}`, true],
    ['greater_than (exclusive)', `where[checkIn][greater_than]=${checkIn}`, false],
    ['less_than', `where[checkOut][less_than]=${addDays(checkOut, 1)}`, true],
    ['less_than_equal', `where[checkOut][less_than_equal]=${addDays(checkOut, -1)}`, false],
    [
      'a range',
      `where[and][0][checkIn][greater_than_equal]=${addDays(checkIn, -7)}&where[and][1][checkIn][less_than]=${addDays(checkIn, 1)}`,
      true,
    ],
    ['like a month', `where[checkIn][like]=${checkIn.slice(0, 7)}`, true],
    ['contains', `where[checkIn][contains]=${checkIn.slice(5)}`, true],
    // Payload's not_like on text is NOT ILIKE the value as given (no wildcards added, unlike like).
    ['not_like', `where[checkIn][not_like]=${checkIn}`, false],
    ['exists', 'where[checkIn][exists]=true', true],
  ])('REST where %s', async (_, query, found) => {
    const res = await rest(stack, 'GET', `/api/bookings?depth=0&where[id][equals]=${bookingId}&${query}`, { token: guest.token })
    expect(res.status).toBe(200)
    expect(res.body.docs).toEqual(found ? [expect.objectContaining({ id: bookingId, checkIn, checkOut })] : [])
  })

  it('REST where with a value that is not a calendar date is a 400 naming the condition', async () => {
    for (const bad of ['2027-02-30', 'tomorrow', '2027-04-24T12:00:00.000Z']) {
      const res = await rest(stack, 'GET', `/api/bookings?where[checkIn][greater_than]=${encodeURIComponent(bad)}`, { token: guest.token })
      expect(res.status).toBe(400)
      expect(res.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'where[checkIn][greater_than]' })
      expect(res.body.errors[0].message).toMatch(/YYYY-MM-DD/)
    }
  })

  it('GraphQL create, find by id, find and where answer YYYY-MM-DD (String)', async () => {
    const created = await gql(
      stack,
      `mutation($data: mutationBookingInput!) { createBooking(data: $data) { ${BOOKING_FIELDS} } }`,
      { data: { property: listing.id, checkIn: addDays(checkIn, 7), checkOut: addDays(checkOut, 7), guests: 2 } },
      { token: guest.token },
    )
    expect(created.body.errors).toBeUndefined()
    const id = created.body.data.createBooking.id
    expect(created.body.data.createBooking).toEqual({ id, checkIn: addDays(checkIn, 7), checkOut: addDays(checkOut, 7) })

    const one = await gql(stack, `query($id: Int!) { Booking(id: $id) { ${BOOKING_FIELDS} } }`, { id: bookingId }, { token: guest.token })
    expect(one.body.data.Booking).toEqual({ id: bookingId, checkIn, checkOut })

    const where = await gql(
      stack,
      `query($from: String, $to: String) { Bookings(sort: "checkIn", where: { AND: [{ checkIn: { greater_than_equal: $from } }, { checkIn: { less_than: $to } }] }) { docs { ${BOOKING_FIELDS} } } }`,
      { from: checkIn, to: addDays(checkIn, 8) },
      { token: guest.token },
    )
    expect(where.body.errors).toBeUndefined()
    expect(where.body.data.Bookings.docs).toEqual([
      { id: bookingId, checkIn, checkOut },
      { id, checkIn: addDays(checkIn, 7), checkOut: addDays(checkOut, 7) },
    ])

    const equals = await gql(
      stack,
      `query($d: String) { Bookings(where: { checkOut: { equals: $d } }) { docs { id checkOut } } }`,
      { d: checkOut },
      { token: host.token },
    )
    expect(equals.body.data.Bookings.docs).toEqual([{ id: bookingId, checkOut }])
    const like = await gql(
      stack,
      `{ Bookings(where: { checkIn: { like: "${checkIn.slice(0, 7)}" } }) { docs { checkIn } } }`,
      {},
      { token: host.token },
    )
    expect(like.body.errors).toBeUndefined()
    expect(like.body.data.Bookings.docs.length).toBeGreaterThan(0)
    for (const doc of like.body.data.Bookings.docs) expect(doc.checkIn).toMatch(DAY)
  })

  it('GraphQL where with a value that is not a calendar date is a 400, not a 500', async () => {
    const res = await gql(stack, `{ Bookings(where: { checkIn: { greater_than: "soon" } }) { docs { id } } }`, {}, { token: guest.token })
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ statusCode: 400 })
  })

  it('a date not written as YYYY-MM-DD is refused with the field named, on REST and GraphQL', async () => {
    const number = await rest(stack, 'POST', '/api/bookings', {
      token: guest.token,
      body: { property: listing.id, checkIn: 20270424, checkOut, guests: 2 },
    })
    expect(number.status).toBe(400)
    expect(number.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'checkIn' })
    for (const value of ['2027-02-30', `${checkIn}T12:00:00.000Z`, '24/04/2027', '']) {
      const res = await rest(stack, 'POST', '/api/bookings', {
        token: guest.token,
        body: { property: listing.id, checkIn: value, checkOut, guests: 2 },
      })
      expect(res.status).toBe(400)
      // POST /api/bookings checks its input against the contract first (src/contract/schemas.ts).
      expect(res.body.errors[0]).toMatchObject({
        code: 'VALIDATION_FAILED',
        field: 'checkIn',
        message: 'checkIn and checkOut must be dates as YYYY-MM-DD.',
      })
    }
    const res = await gql(
      stack,
      `mutation($data: mutationBookingInput!) { createBooking(data: $data) { id } }`,
      { data: { property: listing.id, checkIn, checkOut: `${checkOut}T00:00:00Z`, guests: 2 } },
      { token: guest.token },
    )
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' })
    expect(res.body.errors?.[0]?.message).toBe('checkIn and checkOut must be dates as YYYY-MM-DD.')
  })
})

describe('availability blocks: startDate and endDate are YYYY-MM-DD', () => {
  it('REST create, update, findByID and where', async () => {
    const created = await rest(stack, 'POST', '/api/availability-blocks', {
      token: host.token,
      body: { property: listing.id, startDate: blockStart, endDate: blockEnd },
    })
    expect(created.status).toBe(201)
    expect([created.body.doc.startDate, created.body.doc.endDate]).toEqual([blockStart, blockEnd])
    const id = created.body.doc.id

    const updated = await rest(stack, 'PATCH', `/api/availability-blocks/${id}`, {
      token: host.token,
      body: { endDate: addDays(blockEnd, 1) },
    })
    expect(updated.status).toBe(200)
    expect([updated.body.doc.startDate, updated.body.doc.endDate]).toEqual([blockStart, addDays(blockEnd, 1)])
    const { rows } = await queryDatabase(stack, 'SELECT nights::text AS nights FROM stay_reservations WHERE block_id = $1', [id])
    expect(rows[0].nights).toBe(`[${blockStart},${addDays(blockEnd, 1)})`)

    const one = await rest(stack, 'GET', `/api/availability-blocks/${id}?depth=0`, { token: host.token })
    expect([one.body.startDate, one.body.endDate]).toEqual([blockStart, addDays(blockEnd, 1)])
    const list = await rest(
      stack,
      'GET',
      `/api/availability-blocks?depth=0&where[startDate][greater_than_equal]=${blockStart}&where[endDate][less_than_equal]=${addDays(blockEnd, 1)}`,
      { token: host.token },
    )
    expect(list.body.docs.map((d: { id: number; startDate: string; endDate: string }) => [d.id, d.startDate, d.endDate])).toEqual([
      [id, blockStart, addDays(blockEnd, 1)],
    ])

    const bad = await rest(stack, 'PATCH', `/api/availability-blocks/${id}`, {
      token: host.token,
      body: { startDate: `${blockStart}T12:00:00.000Z` },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0]).toMatchObject({ field: 'startDate' })
    expect(JSON.stringify(bad.body.errors)).toContain('First blocked night must be a date as YYYY-MM-DD.')
  })

  it('GraphQL create, update, find by id and where', async () => {
    const start = addDays(blockStart, 21)
    const created = await gql(
      stack,
      `mutation($data: mutationAvailabilityBlockInput!) { createAvailabilityBlock(data: $data) { ${BLOCK_FIELDS} } }`,
      { data: { property: listing.id, startDate: start, endDate: addDays(start, 2), reason: 'maintenance' } },
      { token: host.token },
    )
    expect(created.body.errors).toBeUndefined()
    const id = created.body.data.createAvailabilityBlock.id
    expect(created.body.data.createAvailabilityBlock).toEqual({ id, startDate: start, endDate: addDays(start, 2) })

    const updated = await gql(
      stack,
      `mutation($id: Int!, $data: mutationAvailabilityBlockUpdateInput!) { updateAvailabilityBlock(id: $id, data: $data) { ${BLOCK_FIELDS} } }`,
      { id, data: { endDate: addDays(start, 3) } },
      { token: host.token },
    )
    expect(updated.body.data.updateAvailabilityBlock).toEqual({ id, startDate: start, endDate: addDays(start, 3) })

    const one = await gql(stack, `query($id: Int!) { AvailabilityBlock(id: $id) { ${BLOCK_FIELDS} } }`, { id }, { token: host.token })
    expect(one.body.data.AvailabilityBlock).toEqual({ id, startDate: start, endDate: addDays(start, 3) })

    const where = await gql(
      stack,
      `query($d: String) { AvailabilityBlocks(where: { startDate: { greater_than: $d } }) { docs { ${BLOCK_FIELDS} } } }`,
      { d: addDays(start, -1) },
      { token: host.token },
    )
    expect(where.body.data.AvailabilityBlocks.docs).toEqual([{ id, startDate: start, endDate: addDays(start, 3) }])
  })

  it('an overlapping block is still a 409 DATES_UNAVAILABLE', async () => {
    const res = await rest(stack, 'POST', '/api/availability-blocks', {
      token: host.token,
      body: { property: listing.id, startDate: addDays(checkIn, 1), endDate: addDays(checkIn, 2) },
    })
    expect(res.status).toBe(409)
    expect(res.body.errors[0]).toMatchObject({ code: 'DATES_UNAVAILABLE' })
  })
})
