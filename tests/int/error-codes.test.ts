import { type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'
import { addDays, utcDate } from '../../src/domain/stayDates'
import { ERROR_STATUS } from '../../src/lib/errors'

/**
 * Every error answer carries a stable `code` (REST `errors[].code`, GraphQL `extensions.code`), a
 * readable `name` (not the minified class name of the production build) and, for rule errors, `field`.
 */
let stack: Stack
let host: TestUser
let guest: TestUser
let listing: { id: number }

beforeAll(async () => {
  stack = await startStack()
  ;({ host, guest } = await signUpCast(stack, { guestName: 'Coda Guest' }))
  listing = await createListing(stack, host, { title: 'Error code cabin', instantBook: true }, { publish: true })
})
afterAll(async () => {
  await stack?.stop()
})

const checkIn = addDays(utcDate(new Date()), 40)

describe('REST errors carry a stable code', () => {
  it.each([
    ['wrong password', () => rest(stack, 'POST', '/api/users/login', { body: { email: guest.email, password: 'not-the-password-at-all' } }), 401, 'INVALID_CREDENTIALS'],
    ['a listing that is not there', () => rest(stack, 'GET', '/api/properties/999999'), 404, 'NOT_FOUND'],
    ['anonymous booking', () => rest(stack, 'POST', '/api/bookings', { body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 2), guests: 1 } }), 403, 'FORBIDDEN'],
    ['a guest creating a listing', () => rest(stack, 'POST', '/api/properties', { token: guest.token, body: { title: 'x' } }), 403, 'FORBIDDEN'],
  ])('%s', async (_, send, status, code) => {
    const res = await send()
    expect(res.status).toBe(status)
    expect(res.body.errors[0]).toMatchObject({ code })
    expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS]).toBe(status)
    if (res.body.errors[0].name !== undefined) expect(res.body.errors[0].name).toMatch(/^[A-Z][A-Za-z]{3,}$/)
  })

  it('a rule error names its field and a validation error is VALIDATION_FAILED', async () => {
    const res = await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 2), guests: 40 } })
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'guests', message: 'This listing sleeps at most 4 guests.' })
  })

  it('taken dates are DATES_UNAVAILABLE and a wrong transition INVALID_TRANSITION', async () => {
    const stay = { property: listing.id, checkIn: addDays(checkIn, 10), checkOut: addDays(checkIn, 12), guests: 1 }
    const first = await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay })
    expect(first.status).toBe(201)
    const second = await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay })
    expect(second.status).toBe(409)
    expect(second.body.errors[0]).toMatchObject({ code: 'DATES_UNAVAILABLE', field: 'checkIn' })
    const cancelled = await rest(stack, 'POST', `/api/bookings/${first.body.doc.id}/cancel`, { token: guest.token, body: {} })
    expect(cancelled.status).toBe(200)
    const again = await rest(stack, 'POST', `/api/bookings/${first.body.doc.id}/cancel`, { token: guest.token, body: {} })
    expect(again.status).toBe(409)
    expect(again.body.errors[0]).toMatchObject({ code: 'INVALID_TRANSITION' })
  })
})

describe('GraphQL errors carry the same code', () => {
  it('wrong password, an anonymous booking, another host\'s listing', async () => {
    const login = await gql(stack, 'mutation($e: String!, $p: String!) { loginUser(email: $e, password: $p) { token } }', { e: guest.email, p: 'not-the-password-at-all' })
    expect(login.body.errors?.[0].extensions).toMatchObject({ code: 'INVALID_CREDENTIALS', statusCode: 401 })
    const book = await gql(stack, `mutation { createBooking(data: { property: ${listing.id}, checkIn: "${checkIn}", checkOut: "${addDays(checkIn, 2)}", guests: 1 }) { id } }`)
    expect(book.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', statusCode: 403, name: 'Forbidden' })
    const remove = await gql(stack, `mutation { deleteProperty(id: ${listing.id}) { id } }`, {}, { token: guest.token })
    expect(remove.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', statusCode: 403, name: 'Forbidden' })
    const missing = await gql(stack, 'query { Property(id: 999999) { id } }')
    expect(missing.body.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', statusCode: 404, name: 'NotFound' })
  })
})
