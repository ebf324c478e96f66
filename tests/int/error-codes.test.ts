import { randomBytes } from 'node:crypto'

import { type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { createListing, listingInput } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'
import { eventually } from '../helpers/wait'
import { addDays, utcDate } from '@/domain/stayDates'
import { ERROR_STATUS } from '@/lib/errors'

/**
 * Every error answer has one shape, `{"errors":[{"message","code","field"?,"data"?}]}`, with a stable
 * `code` (REST `errors[].code`, GraphQL `extensions.code` and `extensions.statusCode`), a readable
 * `name` (not the minified class name of a production build) and, for rule errors, `field`; and is
 * logged once: a 4xx at info with its code and request id, without a stack.
 */
let stack: Stack
let host: TestUser
let guest: TestUser
let staff: TestUser
let listing: { id: number }

beforeAll(async () => {
  // JSON logs at info: the log tests read the server's output line by line.
  stack = await startStack({ env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } })
  ;({ host, guest, staff } = await signUpCast(stack, { guestName: 'Coda Guest' }))
  listing = await createListing(stack, host, { title: 'Error code cabin', instantBook: true }, { publish: true })
})
afterAll(async () => {
  await stack?.stop()
})

const checkIn = addDays(utcDate(new Date()), 40)

describe('REST errors carry a stable code', () => {
  it.each([
    [
      'wrong password',
      () => rest(stack, 'POST', '/api/users/login', { body: { email: guest.email, password: 'not-the-password-at-all' } }),
      401,
      'INVALID_CREDENTIALS',
    ],
    ['a listing that is not there', () => rest(stack, 'GET', '/api/properties/999999'), 404, 'NOT_FOUND'],
    [
      "anonymous booking (Payload's access control, signed out)",
      () => rest(stack, 'POST', '/api/bookings', { body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 2), guests: 1 } }),
      401,
      'UNAUTHORIZED',
    ],
    ['anonymous read of bookings', () => rest(stack, 'GET', '/api/bookings/1'), 401, 'UNAUTHORIZED'],
    [
      'a guest creating a listing',
      () => rest(stack, 'POST', '/api/properties', { token: guest.token, body: { title: 'x' } }),
      403,
      'FORBIDDEN',
    ],
  ])('%s', async (_, send, status, code) => {
    const res = await send()
    expect(res.status).toBe(status)
    expectOneShape(res.body)
    expect(res.body.errors[0]).toMatchObject({ code })
    expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS]).toBe(status)
    if (res.body.errors[0].name !== undefined) expect(res.body.errors[0].name).toMatch(/^[A-Z][A-Za-z]{3,}$/)
  })

  it('a rule error names its field and a validation error is VALIDATION_FAILED', async () => {
    const res = await rest(stack, 'POST', '/api/bookings', {
      token: guest.token,
      body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 2), guests: 40 },
    })
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'guests',
      message: 'This listing sleeps at most 4 guests.',
    })
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
  it("wrong password, an anonymous booking, another host's listing", async () => {
    const login = await gql(stack, 'mutation($e: String!, $p: String!) { loginUser(email: $e, password: $p) { token } }', {
      e: guest.email,
      p: 'not-the-password-at-all',
    })
    expect(login.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_CREDENTIALS', statusCode: 401 })
    const book = await gql(
      stack,
      `mutation { createBooking(data: { property: ${listing.id}, checkIn: "${checkIn}", checkOut: "${addDays(checkIn, 2)}", guests: 1 }) { id } }`,
    )
    expect(book.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHORIZED', statusCode: 401 })
    const anonymousDelete = await gql(stack, `mutation { deleteProperty(id: ${listing.id}) { id } }`)
    expect(anonymousDelete.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Sign in first/),
      extensions: { code: 'UNAUTHORIZED', statusCode: 401 },
    })
    const remove = await gql(stack, `mutation { deleteProperty(id: ${listing.id}) { id } }`, {}, { token: guest.token })
    expect(remove.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', statusCode: 403, name: 'Forbidden' })
    const missing = await gql(stack, 'query { Property(id: 999999) { id } }')
    expect(missing.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', statusCode: 404, name: 'NotFound' })
  })
})

/** `{"errors":[{"message","code","field"?,"data"?}]}` (Payload's errors may add a readable `name`). */
function expectOneShape(body: unknown) {
  expect(Object.keys(body as object)).toContain('errors')
  const errors = (body as { errors: Record<string, unknown>[] }).errors
  expect(errors.length).toBeGreaterThan(0)
  for (const e of errors) {
    expect(typeof e.message).toBe('string')
    expect(e.code).toMatch(/^[A-Z]+(?:_[A-Z]+)*$/)
    expect(ERROR_STATUS).toHaveProperty(e.code as string)
    for (const key of Object.keys(e)) expect(['message', 'code', 'field', 'data', 'name']).toContain(key)
    if (e.field !== undefined) expect(typeof e.field).toBe('string')
    if (e.name !== undefined) expect(e.name).toMatch(/^[A-Z][A-Za-z]{3,}$/)
  }
}

describe('readable error names (the server build keeps class names)', () => {
  it('REST: a field rule is a ValidationError naming its field', async () => {
    const res = await rest(stack, 'POST', '/api/properties', { token: host.token, body: listingInput({ maxGuests: 0 }) })
    expect(res.status).toBe(400)
    expectOneShape(res.body)
    expect(res.body.errors[0]).toMatchObject({ name: 'ValidationError', code: 'VALIDATION_FAILED', field: 'maxGuests' })
  })

  it('GraphQL: extensions.name is the class name', async () => {
    const missing = await gql(stack, 'query { Property(id: 999999) { id } }')
    expect(missing.body.errors?.[0]?.extensions).toMatchObject({ name: 'NotFound' })
  })
})

describe('unknown /api routes and wrong methods', () => {
  it.each([
    ['GET', '/api/nope'],
    ['GET', '/api/bookings/1/nope'],
    ['POST', '/api/unknown/x/y/z'],
    ['DELETE', '/api/nope/1'],
    ['PATCH', '/api/graphql/x'],
    ['GET', '/api'],
    ['POST', '/api/'],
  ])('%s %s → 404 NOT_FOUND', async (method, path) => {
    const res = await rest(stack, method, path, method === 'GET' || method === 'DELETE' ? {} : { body: {} })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expectOneShape(res.body)
    expect(res.body.errors[0].code).toBe('NOT_FOUND')
  })

  it.each([
    ['POST', '/api/bookings/1', ['GET', 'PATCH', 'DELETE']],
    ['PUT', '/api/bookings/1/cancel', ['POST']],
    ['GET', '/api/graphql', ['POST', 'OPTIONS']],
  ])('%s %s → 405 METHOD_NOT_ALLOWED with Allow', async (method, path, allowed) => {
    const res = await rest(stack, method, path, method === 'GET' ? { token: guest.token } : { token: guest.token, body: {} })
    expect(res.status).toBe(405)
    expectOneShape(res.body)
    expect(res.body.errors[0].code).toBe('METHOD_NOT_ALLOWED')
    for (const m of allowed) expect(res.headers.get('allow')).toContain(m)
  })
})

describe('errors answered outside Payload are in the same shape', () => {
  it('the Stripe webhook (payments not configured on this stack)', async () => {
    const res = await rest(stack, 'POST', '/api/stripe/webhook', { raw: '{}' })
    expect(res.status).toBe(503)
    expectOneShape(res.body)
    expect(res.body.errors[0].code).toBe('SERVICE_UNAVAILABLE')
  })

  it('a body over the limit, refused before it is read', async () => {
    const res = await rest(stack, 'POST', '/api/bookings', { token: guest.token, raw: JSON.stringify({ x: 'x'.repeat(1024 * 1024) }) })
    expect(res.status).toBe(413)
    expectOneShape(res.body)
    expect(res.body.errors[0].code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('the request guard (an id that is not one)', async () => {
    const res = await rest(stack, 'GET', '/api/bookings/1.5/cancel')
    expect(res.status).toBe(404)
    expectOneShape(res.body)
    expect(res.body.errors[0]).toMatchObject({ code: 'NOT_FOUND', field: 'id' })
  })

  it('the queue dashboard: signed out, a guest, and its own JSON API', async () => {
    const signedOut = await rest(stack, 'GET', '/admin/queues/api/queues')
    expect(signedOut.status).toBe(401)
    expectOneShape(signedOut.body)
    expect(signedOut.body.errors[0].code).toBe('UNAUTHORIZED')
    const asGuest = await rest(stack, 'GET', '/admin/queues/api/queues', { token: guest.token })
    expect(asGuest.status).toBe(403)
    expect(asGuest.body.errors[0].code).toBe('FORBIDDEN')
    const unknownQueue = await rest(stack, 'GET', '/admin/queues/api/queues/no-such-queue/metrics', { token: staff.token })
    expect(unknownQueue.status).toBe(404)
    expect(unknownQueue.body.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', message: expect.any(String) })])
    // bull-board's UI still reads its own key beside `errors`.
    expect(unknownQueue.body.error).toEqual({ key: 'ERRORS.QUEUE_NOT_FOUND' })
  })
})

describe('GraphQL parse and validation errors', () => {
  const send = (query: string, accept?: string) =>
    rest(stack, 'POST', '/api/graphql', { body: { query }, headers: accept ? { accept } : {} })

  it.each([
    ['a syntax error', '{ Properties { docs { id }', 'MALFORMED_REQUEST'],
    ['an unknown field', '{ Properties { docs { nope } } }', 'VALIDATION_FAILED'],
    ['a wrong argument type', '{ Properties(limit: "ten") { totalDocs } }', 'VALIDATION_FAILED'],
    ['a fragment cycle (our cost guard)', 'fragment A on Query { ...A } { ...A }', 'VALIDATION_FAILED'],
  ])('%s: a code and statusCode 400; HTTP 200 for application/json, 400 for graphql-response+json', async (_, query, code) => {
    for (const [accept, status] of [
      [undefined, 200],
      ['application/json', 200],
      ['application/graphql-response+json', 400],
      ['application/graphql-response+json, application/json', 400],
    ] as const) {
      const res = await send(query, accept)
      expect({ accept, status: res.status }).toEqual({ accept, status })
      expect(res.body.data ?? null).toBeNull()
      expect(res.body.errors.length).toBeGreaterThan(0)
      for (const e of res.body.errors) expect(e.extensions).toMatchObject({ code, statusCode: 400 })
    }
  })

  it('an Accept it cannot serve → 406 NOT_ACCEPTABLE', async () => {
    const res = await send('{ __typename }', 'text/html')
    expect(res.status).toBe(406)
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'NOT_ACCEPTABLE', statusCode: 406 })
  })

  it('execution errors keep HTTP 200 and carry code and statusCode', async () => {
    const res = await send('query { Property(id: 999999) { id } }', 'application/graphql-response+json')
    expect(res.status).toBe(200)
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 })
  })
})

describe('logs', () => {
  type Line = Record<string, unknown> & { level: number; msg?: string; reqId?: string }
  const linesOf = (requestId: string): Line[] =>
    stack
      .output()
      .split('\n')
      .filter((l) => l.includes(requestId))
      .map((l) => JSON.parse(l) as Line)
  const newId = (label: string) => `${label}-${randomBytes(6).toString('hex')}`
  /** The line the error answer logs (pino-http's "request completed" line is the access log). */
  const errorLines = (lines: Line[]) => lines.filter((l) => l.msg !== 'request completed' && l.msg !== 'request errored')
  /**
   * Every line the server logged for `requestId`. The server writes its log lines in order, so once the
   * access line of a later request (a sentinel) has arrived through the pipe, so has every line of this
   * one — a late duplicate included.
   */
  const settled = async (requestId: string) => {
    const sentinel = newId('sentinel')
    await rest(stack, 'GET', '/api/users/me', { headers: { 'x-request-id': sentinel } })
    await eventually(`the sentinel request's log line after ${requestId}`, async () => linesOf(sentinel).length > 0, {
      intervalMs: 20,
      detail: () => stack.output().slice(-2000),
    })
    return linesOf(requestId)
  }

  it('a 409 and a 404 are each logged once at info with code and request id, without a stack', async () => {
    const stay = { property: listing.id, checkIn: addDays(checkIn, 30), checkOut: addDays(checkIn, 32), guests: 1 }
    expect((await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay })).status).toBe(201)
    const conflictId = newId('conflict')
    expect(
      (await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: stay, headers: { 'x-request-id': conflictId } })).status,
    ).toBe(409)
    const missingId = newId('missing')
    expect((await rest(stack, 'GET', '/api/properties/999999', { headers: { 'x-request-id': missingId } })).status).toBe(404)
    const gqlId = newId('gql-missing')
    await gql(stack, 'query { Property(id: 999999) { id } }', {}, { headers: { 'x-request-id': gqlId } })

    for (const [requestId, status, code] of [
      [conflictId, 409, 'DATES_UNAVAILABLE'],
      [missingId, 404, 'NOT_FOUND'],
      [gqlId, 404, 'NOT_FOUND'],
    ] as const) {
      const all = await settled(requestId)
      // Nothing about an expected client error is a warning or an error, not even the access line.
      for (const line of all) expect(line.level).toBe(30)
      const lines = errorLines(all)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({ level: 30, reqId: requestId, status, code })
      expect(lines[0]!.err).toBeUndefined()
      expect(JSON.stringify(lines[0])).not.toMatch(/stack|\n\s+at /)
    }
    expect(stack.output()).not.toMatch(/"level":50[^\n]*"(?:DATES_UNAVAILABLE|NOT_FOUND)"/)
  })

  it('errors answered before Payload (unknown route, body too large) are logged once with their code', async () => {
    const unknownId = newId('unknown')
    await rest(stack, 'GET', '/api/nope', { headers: { 'x-request-id': unknownId } })
    const [line] = errorLines(await settled(unknownId))
    expect(line).toMatchObject({ level: 30, reqId: unknownId, status: 404, code: 'NOT_FOUND' })
    const largeId = newId('large')
    await rest(stack, 'POST', '/api/bookings', { raw: 'x'.repeat(1024 * 1024 + 1), headers: { 'x-request-id': largeId } })
    expect(errorLines(await settled(largeId))).toEqual([
      expect.objectContaining({ level: 30, reqId: largeId, status: 413, code: 'PAYLOAD_TOO_LARGE' }),
    ])
  })

  it('a 5xx is logged at error with its stack, and its type is the readable class name', async () => {
    const id = newId('unavailable')
    expect((await rest(stack, 'POST', '/api/stripe/webhook', { raw: '{}', headers: { 'x-request-id': id } })).status).toBe(503)
    const lines = errorLines(await settled(id))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      level: 50,
      reqId: id,
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      err: { type: 'HttpError', stack: expect.stringMatching(/\n\s+at /) },
    })
  })
})
