import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, createUserAsAdmin, login, rest, signUpCast, uploadImage } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, answeredBy, startStack } from '../helpers/stack'

/**
 * POST /api/bookings answers without Payload's read of the new booking (src/services/bookingAnswer.ts)
 * and, for signed-in guests and hosts, without Next (src/fastBookings.ts). Both must be invisible:
 *
 * - the built answer is, byte for byte, what Payload's read of the same booking answers the same user
 *   at the same depth (GET /api/bookings/:id on a server without the fast path);
 * - `fast` (the fast path on) and `plain` (FAST_BOOKINGS=false: Next and Payload's endpoint) give the
 *   same status, body and headers for the same request — bookings, every refusal, replays — apart from
 *   what differs between two bookings (ids, timestamps);
 * - the fast path did answer (its access log lines say `"answeredBy":"express"`), and what it must not
 *   take (cookies alone, staff, other parameters) is left to Next.
 */
let fast: Stack
let plain: Stack
let cast: Cast
let staff: TestUser
let listing: { id: number }
let requestListing: { id: number }
let hostWhoTravels: TestUser

const today = utcDate(new Date())
let week = 0
/** A stay nobody has booked: each call moves a week further. */
const stay = (property: number, extra: Record<string, unknown> = {}) => {
  const checkIn = addDays(today, 14 + 7 * week++)
  return { property, checkIn, checkOut: addDays(checkIn, 4), guests: 2, ...extra }
}

beforeAll(async () => {
  fast = await startStack({ env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } })
  plain = await startStack({
    env: { DATABASE_URL: fast.databaseUrl, SERVER_URL: fast.url, MEDIA_DIR: fast.mediaDir, FAST_BOOKINGS: 'false' },
  })
  cast = await signUpCast(fast)
  staff = cast.staff
  // A guest with every optional profile field set, and a second session (the answer lists the guest's sessions).
  const avatar = await uploadImage(fast, cast.guest.token, { alt: 'A portrait', filename: 'me.jpg', width: 320, height: 320 })
  const patched = await rest(fast, 'PATCH', `/api/users/${cast.guest.id}`, {
    token: cast.guest.token,
    body: { phone: '+41 44 123 45 67', bio: 'Walker.', avatar: avatar.id },
  })
  expect(patched.status).toBe(200)
  expect((await login(fast, cast.guest.email, cast.guest.password)).status).toBe(200)
  // The host's public profile with a bio and avatar too.
  const hostAvatar = await uploadImage(fast, cast.host.token, { alt: 'A portrait', filename: 'me.jpg', width: 320, height: 320 })
  expect(
    (
      await rest(fast, 'PATCH', `/api/users/${cast.host.id}`, {
        token: cast.host.token,
        body: { bio: 'Your host.', avatar: hostAvatar.id },
      })
    ).status,
  ).toBe(200)
  const photo = await uploadImage(fast, cast.host.token, { alt: 'A portrait', filename: 'me.jpg', width: 320, height: 320 })
  listing = await createListing(
    fast,
    cast.host,
    {
      title: 'Answered chalet',
      houseRules: 'No parties.',
      photos: [photo.id],
      pricing: {
        currency: 'CHF',
        nightlyRate: 18000,
        weekendRate: 21000,
        cleaningFee: 5000,
        weeklyDiscountPercent: 10,
        monthlyDiscountPercent: 20,
        taxPercent: 3.5,
      },
      instantBook: true,
    },
    { publish: true },
  )
  requestListing = await createListing(
    fast,
    cast.host,
    { title: 'Answered on request', instantBook: false, cancellationPolicy: 'strict' },
    { publish: true },
  )
  hostWhoTravels = cast.otherHost
}, 240_000)

afterAll(async () => {
  await plain?.stop()
  await fast?.stop()
}, 120_000)

/** Payload's own read of a booking as this user (Next, no fast path), as text. */
async function payloadRead(id: number, user: TestUser, depth: number): Promise<string> {
  const res = await fetch(`${plain.url}/api/bookings/${id}?depth=${depth}`, {
    headers: { authorization: `JWT ${user.token}` },
    signal: AbortSignal.timeout(20_000),
  })
  expect(res.status).toBe(200)
  return res.text()
}

type Sent = { status: number; text: string; headers: Headers }
async function post(
  stack: Stack,
  options: { user?: TestUser; body?: unknown; raw?: string; query?: string; headers?: Record<string, string> },
): Promise<Sent> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
  if (options.user) headers.authorization = `JWT ${options.user.token}`
  const res = await fetch(`${stack.url}/api/bookings${options.query ?? ''}`, {
    method: 'POST',
    headers,
    body: options.raw ?? JSON.stringify(options.body),
    signal: AbortSignal.timeout(20_000),
  })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

/** The built answer's doc is Payload's read of the booking, as text (same fields, order, values). */
async function expectPayloadsRead(sent: Sent, user: TestUser, depth: number): Promise<void> {
  expect(sent.status).toBe(201)
  const doc = JSON.parse(sent.text).doc as { id: number }
  expect(JSON.stringify(doc)).toBe(await payloadRead(doc.id, user, depth))
}

describe('the answer to a new booking is Payload’s read of it', () => {
  it.each([
    ['default depth (1)', ''],
    ['depth=1', '?depth=1'],
    ['depth=0', '?depth=0'],
  ])('a guest with every profile field and two sessions, %s', async (_label, query) => {
    const sent = await post(fast, { user: cast.guest, body: stay(listing.id, { messageToHost: 'We arrive late.' }), query })
    await expectPayloadsRead(sent, cast.guest, query === '?depth=0' ? 0 : 1)
  })

  it('a request to book (no instant booking), without a message', async () => {
    await expectPayloadsRead(await post(fast, { user: cast.otherGuest, body: stay(requestListing.id) }), cast.otherGuest, 1)
  })

  it('a host booking someone else’s listing (their own account says they host)', async () => {
    await expectPayloadsRead(await post(fast, { user: hostWhoTravels, body: stay(listing.id) }), hostWhoTravels, 1)
  })

  it('staff, and a depth the answer is not built for, get Payload’s read', async () => {
    await expectPayloadsRead(await post(fast, { user: staff, body: stay(listing.id) }), staff, 1)
    await expectPayloadsRead(await post(fast, { user: cast.guest, body: stay(listing.id), query: '?depth=2' }), cast.guest, 2)
  })

  it('through Next too (FAST_BOOKINGS=false)', async () => {
    await expectPayloadsRead(await post(plain, { user: cast.guest, body: stay(listing.id) }), cast.guest, 1)
  })
})

/** What two answers to the same request may differ in: the booking's id, timestamps, nightly row ids. */
function normalised(text: string): unknown {
  const answer = JSON.parse(text.replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/g, '"<time>"').replace(/"[0-9a-f]{24}"/g, '"<row>"'))
  if (answer?.doc) answer.doc.id = '<id>'
  return answer
}

const HEADERS = [
  'content-type',
  'content-encoding',
  'vary',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'idempotent-replayed',
  'cache-control',
]
const headersOf = (sent: Sent) => Object.fromEntries(HEADERS.map((name) => [name, sent.headers.get(name)]))

/** The same request to both servers: the second one's nights are another week's, so both can succeed. */
async function expectAlike(
  request: (stack: Stack, stay: (property: number, extra?: Record<string, unknown>) => Record<string, unknown>) => Promise<Sent>,
): Promise<Sent> {
  const viaFast = await request(fast, stay)
  const viaNext = await request(plain, stay)
  expect({ status: viaFast.status, headers: headersOf(viaFast) }).toEqual({ status: viaNext.status, headers: headersOf(viaNext) })
  const [a, b] = [normalised(viaFast.text), normalised(viaNext.text)] as {
    doc?: { title: string; checkIn: string; checkOut: string; quote: { perNight: unknown[] } }
  }[]
  // Another week's nights: the same stay shape, other dates (the title ends with them).
  for (const answer of [a, b]) {
    if (answer?.doc) {
      answer.doc.title = answer.doc.title.replace(/ · [^·]+$/, ' · <dates>')
      answer.doc.checkIn = answer.doc.checkOut = '<date>'
      answer.doc.quote.perNight = answer.doc.quote.perNight.map(() => '<night>')
    }
  }
  expect(a).toEqual(b)
  return viaFast
}

describe('the fast path answers as Next does', () => {
  it('a booking, plain and compressed', async () => {
    await expectAlike((stack, s) => post(stack, { user: cast.guest, body: s(listing.id), headers: { 'accept-encoding': 'identity' } }))
    await expectAlike((stack, s) =>
      post(stack, { user: cast.guest, body: s(listing.id), headers: { 'accept-encoding': 'gzip, deflate, br' } }),
    )
    await expectAlike((stack, s) => post(stack, { user: cast.guest, body: s(listing.id), headers: { 'accept-encoding': 'deflate' } }))
  })

  it.each([
    ['not JSON', { raw: '{"property":' }],
    ['an empty body', { raw: '' }],
    ['JSON null', { raw: 'null' }],
    ['a bad date', { body: { property: 1, checkIn: 'soon', checkOut: '2030-01-01', guests: 2 } }],
    ['a property that is a string', { body: { property: '5', checkIn: '2030-01-01', checkOut: '2030-01-03', guests: 2 } }],
    ['a listing that does not exist', { body: { property: 999999, checkIn: addDays(today, 30), checkOut: addDays(today, 33), guests: 2 } }],
    ['too many guests', { listingBody: { guests: 40 } }],
    ['a stay in the past', { listingBody: { checkIn: addDays(today, -3), checkOut: addDays(today, 2) } }],
    ['a bad depth', { query: '?depth=x', listingBody: {} }],
  ] as [string, { raw?: string; body?: unknown; listingBody?: Record<string, unknown>; query?: string }][])(
    'a refusal: %s',
    async (_label, c) => {
      const sent = await expectAlike((stack, s) =>
        post(stack, {
          user: cast.guest,
          raw: c.raw,
          body: c.listingBody ? { ...s(listing.id), ...c.listingBody } : c.body,
          query: c.query,
        }),
      )
      expect(sent.status).toBeGreaterThanOrEqual(400)
      expect(sent.status).toBeLessThan(500)
    },
  )

  it('what Next reads differently from a plain JSON booking: an empty depth, a byte order mark, another media type spelling, a lone surrogate', async () => {
    const sent = [
      await expectAlike((stack, s) => post(stack, { user: cast.guest, body: s(listing.id), query: '?depth=' })),
      await expectAlike((stack, s) => post(stack, { user: cast.guest, raw: `\uFEFF${JSON.stringify(s(listing.id))}` })),
      await expectAlike((stack, s) =>
        post(stack, { user: cast.guest, body: s(listing.id), headers: { 'content-type': 'Application/JSON' } }),
      ),
      await expectAlike((stack, s) => post(stack, { user: cast.guest, body: s(listing.id, { messageToHost: 'Late \ud800 arrival' }) })),
    ]
    expect(sent.map((a) => a.status)).toEqual([201, 201, 400, 201])
    // The answer says what was stored, as Payload's read does.
    await expectPayloadsRead(sent[3]!, cast.guest, 1)
  })

  it('a POST that says it is a GET (method override) is answered as the GET', async () => {
    for (const header of ['x-http-method-override', 'x-payload-http-method-override']) {
      const viaFast = await post(fast, {
        user: cast.guest,
        body: { where: { guest: { equals: cast.guest.id } }, limit: 1, depth: 0 },
        headers: { [header]: 'GET' },
      })
      const viaNext = await post(plain, {
        user: cast.guest,
        body: { where: { guest: { equals: cast.guest.id } }, limit: 1, depth: 0 },
        headers: { [header]: 'GET' },
      })
      expect({ header, status: viaFast.status }).toEqual({ header, status: 200 })
      expect(JSON.parse(viaFast.text)).toEqual(JSON.parse(viaNext.text))
    }
  })

  it('a host booking their own listing: 403', async () => {
    const sent = await expectAlike((stack, s) => post(stack, { user: cast.host, body: s(listing.id) }))
    expect(sent.status).toBe(403)
  })

  it('nights already taken: 409 DATES_UNAVAILABLE', async () => {
    const taken = stay(listing.id)
    expect((await post(fast, { user: cast.otherGuest, body: taken })).status).toBe(201)
    const viaFast = await post(fast, { user: cast.guest, body: taken })
    const viaNext = await post(plain, { user: cast.guest, body: taken })
    expect(viaFast.status).toBe(409)
    expect({ status: viaFast.status, text: viaFast.text, headers: headersOf(viaFast) }).toEqual({
      status: viaNext.status,
      text: viaNext.text,
      headers: headersOf(viaNext),
    })
  })

  it('Idempotency-Key: a replay, and a key reused for another booking', async () => {
    const key = (server: string) => `answer-${server}-${Date.now()}`
    const keys = new Map<Stack, string>([
      [fast, key('fast')],
      [plain, key('plain')],
    ])
    const bodies = new Map<Stack, Record<string, unknown>>()
    const first = await expectAlike((stack, s) => {
      bodies.set(stack, s(listing.id))
      return post(stack, { user: cast.guest, body: bodies.get(stack), headers: { 'idempotency-key': keys.get(stack)! } })
    })
    expect(first.status).toBe(201)
    const replay = await expectAlike((stack) =>
      post(stack, { user: cast.guest, body: bodies.get(stack), headers: { 'idempotency-key': keys.get(stack)! } }),
    )
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(JSON.parse(replay.text)).toEqual(JSON.parse(first.text))
    const reused = await expectAlike((stack, s) =>
      post(stack, { user: cast.guest, body: s(listing.id), headers: { 'idempotency-key': keys.get(stack)! } }),
    )
    expect(reused.status).toBe(422)
  })
})

describe('which path answers', () => {
  let n = 0
  const tagged = (label: string) => ({ 'x-request-id': `answer-${label}-${n++}-${Date.now()}` })

  it('express answers a guest’s and a host’s bookings and refusals', async () => {
    for (const [user, body] of [
      [cast.guest, stay(listing.id)],
      [hostWhoTravels, stay(listing.id)],
      [cast.guest, { property: 'x' }],
    ] as const) {
      const headers = tagged('fast')
      await post(fast, { user, body, headers })
      expect(await answeredBy(fast, headers['x-request-id'])).toBe('express')
    }
  })

  it('Next answers staff, cookies alone, anonymous callers and other parameters', async () => {
    const session = await login(fast, cast.guest.email, cast.guest.password)
    const cookie = session.headers.get('set-cookie')!.split(';', 1)[0]!
    const cases: [string, Parameters<typeof post>[1], number][] = [
      ['staff', { user: staff, body: stay(listing.id) }, 201],
      ['cookie', { body: stay(listing.id), headers: { cookie, origin: fast.url } }, 201],
      ['anonymous', { body: stay(listing.id) }, 401],
      ['other-parameter', { user: cast.guest, body: stay(listing.id), query: '?locale=en' }, 201],
    ]
    for (const [label, options, status] of cases) {
      const headers = tagged(label)
      const sent = await post(fast, { ...options, headers: { ...options.headers, ...headers } })
      expect({ label, status: sent.status }).toEqual({ label, status })
      expect({ label, answeredBy: await answeredBy(fast, headers['x-request-id']) }).toEqual({ label, answeredBy: null })
    }
  })

  it('an admin-made account with staff roles is never answered here', async () => {
    const other = await createUserAsAdmin(fast, cast.admin, ['admin'], 'admin2')
    const headers = tagged('admin')
    expect((await post(fast, { user: other, body: stay(listing.id), headers })).status).toBe(201)
    expect(await answeredBy(fast, headers['x-request-id'])).toBeNull()
  })
})
