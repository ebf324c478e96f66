import ICAL from 'ical.js'

import { addDays, utcDate } from '@/domain/stayDates'
import { type ApiResponse, type Cast, type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'

/**
 * The listing's iCal export (issue 17): GET /api/properties/:id/calendar.ics?token=… (src/endpoints/calendarExport.ts),
 * its secret `calendarToken` (read by the listing's host and staff only, written by nobody through the
 * API) and POST /api/properties/:id/calendar-token. The feed is parsed with ical.js, a real RFC 5545 parser.
 */
let stack: Stack
let cast: Cast
const GUEST_NAME = 'Zebulon Quixote'
const today = utcDate(new Date())
const night = (n: number) => addDays(today, n)

beforeAll(async () => {
  stack = await startStack({ env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } })
  cast = await signUpCast(stack, { guestName: GUEST_NAME })
})

afterAll(async () => {
  await stack?.stop()
}, 60_000)

async function tokenOf(listingId: number, as: TestUser = cast.host): Promise<string> {
  const res = await rest(stack, 'GET', `/api/properties/${listingId}?depth=0`, { token: as.token })
  expect(res.status).toBe(200)
  expect(res.body.calendarToken).toMatch(/^[0-9a-f]{64}$/)
  return res.body.calendarToken
}

/** The feed as raw text (rest() would try JSON). */
async function feed(listingId: number | string, token?: string): Promise<{ status: number; text: string; headers: Headers }> {
  const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`
  const res = await fetch(`${stack.url}/api/properties/${listingId}/calendar.ics${query}`, { signal: AbortSignal.timeout(15_000) })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

type Event = { uid: string; start: string; end: string; summary: string }

function eventsOf(text: string): Event[] {
  const calendar = new ICAL.Component(ICAL.parse(text))
  expect(calendar.name).toBe('vcalendar')
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0')
  expect(calendar.getFirstPropertyValue('prodid')).toBeTruthy()
  return calendar.getAllSubcomponents('vevent').map((event) => {
    const start = event.getFirstPropertyValue('dtstart') as ICAL.Time
    const end = event.getFirstPropertyValue('dtend') as ICAL.Time
    // All-day: DATE values, not date-times.
    expect(start.isDate && end.isDate).toBe(true)
    expect(event.getFirstPropertyValue('dtstamp')).toBeTruthy()
    return {
      uid: String(event.getFirstPropertyValue('uid')),
      start: start.toString(),
      end: end.toString(),
      summary: String(event.getFirstPropertyValue('summary')),
    }
  })
}

async function eventsNow(listingId: number, token: string): Promise<Event[]> {
  const res = await feed(listingId, token)
  expect(res.status).toBe(200)
  return eventsOf(res.text).sort((a, b) => a.start.localeCompare(b.start))
}

async function book(listingId: number, checkIn: string, checkOut: string): Promise<{ id: number; createdAt: string }> {
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listingId, checkIn, checkOut, guests: 2, messageToHost: 'Call me at +41 79 555 12 34, zebulon@example.test' },
  })
  if (res.status !== 201) throw new Error(`booking failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc
}

async function block(listingId: number, startDate: string, endDate: string): Promise<{ id: number; createdAt: string }> {
  const res = await rest(stack, 'POST', '/api/availability-blocks', {
    token: cast.host.token,
    body: { property: listingId, startDate, endDate, reason: 'owner_use' },
  })
  if (res.status !== 201) throw new Error(`block failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc
}

const host = () => new URL(stack.url).host
const uid = (kind: 'booking' | 'block', doc: { id: number; createdAt: string }) =>
  `staybase-${kind}-${doc.id}-${new Date(doc.createdAt).getTime()}@${host()}`

const expectNotFound = (res: { status: number; text: string }) => {
  expect(res.status).toBe(404)
  expect(JSON.parse(res.text).errors[0].code).toBe('NOT_FOUND')
}

describe('the feed', () => {
  it('lists each active booking and block as one all-day event with a stable UID, and nothing personal', async () => {
    const listing = await createListing(stack, cast.host, { instantBook: true }, { publish: true })
    const token = await tokenOf(listing.id)
    const empty = await feed(listing.id, token)
    expect(empty.status).toBe(200)
    expect(empty.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    expect(empty.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/)
    expect(eventsOf(empty.text)).toEqual([])

    const stay = await book(listing.id, night(10), night(13))
    const blocked = await block(listing.id, night(20), night(22))
    const res = await feed(listing.id, token)
    // Strict RFC 5545 lines: CRLF everywhere (the last line too), none over 75 octets.
    expect(res.text.endsWith('\r\n')).toBe(true)
    for (const line of res.text.split('\r\n').slice(0, -1)) {
      expect(line).not.toContain('\n')
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    }
    expect(res.text).toContain(`DTSTART;VALUE=DATE:${night(10).replaceAll('-', '')}\r\n`)
    expect(res.text).toContain(`DTEND;VALUE=DATE:${night(13).replaceAll('-', '')}\r\n`)
    expect(eventsOf(res.text).sort((a, b) => a.start.localeCompare(b.start))).toEqual([
      { uid: uid('booking', stay), start: night(10), end: night(13), summary: 'Booked' },
      { uid: uid('block', blocked), start: night(20), end: night(22), summary: 'Blocked' },
    ])
    for (const personal of [GUEST_NAME, 'Zebulon', cast.guest.email, 'zebulon@example.test', '555 12 34', cast.host.email])
      expect(res.text).not.toContain(personal)
    // Stable: the same UIDs (and bytes) on the next poll.
    expect((await feed(listing.id, token)).text).toBe(res.text)
  })

  it('shows a new booking or block on the next fetch, and drops a cancelled booking and a removed block', async () => {
    const listing = await createListing(stack, cast.host, { instantBook: true }, { publish: true })
    const token = await tokenOf(listing.id)
    const first = await block(listing.id, night(5), night(6))
    expect((await eventsNow(listing.id, token)).map((e) => e.uid)).toEqual([uid('block', first)])
    const second = await feed(listing.id, token)
    expect(second.headers.get('x-cache')).toBe('hit')

    const stay = await book(listing.id, night(30), night(32))
    expect((await eventsNow(listing.id, token)).map((e) => e.uid)).toEqual([uid('block', first), uid('booking', stay)])
    const another = await block(listing.id, night(40), night(41))
    expect((await eventsNow(listing.id, token)).map((e) => e.uid)).toEqual([
      uid('block', first),
      uid('booking', stay),
      uid('block', another),
    ])

    expect((await rest(stack, 'DELETE', `/api/availability-blocks/${first.id}`, { token: cast.host.token })).status).toBe(200)
    expect((await eventsNow(listing.id, token)).map((e) => e.uid)).toEqual([uid('booking', stay), uid('block', another)])
    const cancelled = await rest(stack, 'POST', `/api/bookings/${stay.id}/cancel`, { token: cast.guest.token, body: {} })
    expect(cancelled.status).toBe(200)
    expect((await eventsNow(listing.id, token)).map((e) => e.uid)).toEqual([uid('block', another)])
  })

  it('answers one 404 for an unknown listing and a wrong, missing, other listing’s or old token', async () => {
    const listing = await createListing(stack, cast.host, {}, { publish: true })
    const other = await createListing(stack, cast.otherHost, {}, { publish: true })
    const token = await tokenOf(listing.id)
    const otherToken = await tokenOf(other.id, cast.otherHost)
    const answers = [
      await feed(listing.id),
      await feed(listing.id, ''),
      await feed(listing.id, `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`),
      await feed(listing.id, token.toUpperCase()),
      await feed(listing.id, otherToken),
      await feed(2_000_000_000, token),
    ]
    for (const answer of answers) expectNotFound(answer)
    // A path that is no id at all is refused before the endpoint, like every other route's.
    expectNotFound(await feed('nope', token))
    // The same body for each: nothing tells which check failed.
    expect([...new Set(answers.map((a) => a.text))]).toHaveLength(1)
  })

  it('answers for an unpublished listing too: the host keeps the other sites blocked while it is off Staybase', async () => {
    const draft = await createListing(stack, cast.host, {}, { publish: false })
    const token = await tokenOf(draft.id)
    expect((await feed(draft.id, token)).status).toBe(200)
  })

  it('never writes the token to the logs', async () => {
    const listing = await createListing(stack, cast.host, {}, { publish: true })
    const token = await tokenOf(listing.id)
    expect((await feed(listing.id, token)).status).toBe(200)
    expectNotFound(await feed(listing.id, `${token}x`))
    const renewed = await rest(stack, 'POST', `/api/properties/${listing.id}/calendar-token`, { token: cast.host.token })
    // The feed's requests were logged (the redacted URL is there), the secrets are not.
    const output = stack.output()
    expect(output).toContain(`/api/properties/${listing.id}/calendar.ics?token=[redacted]`)
    for (const secret of [token, renewed.body.calendarToken]) expect(output).not.toContain(secret)
  })
})

describe('calendarToken', () => {
  const PROPERTY = 'query($id: Int!) { Property(id: $id) { id calendarToken } }'

  it('is read by the listing’s host and staff only, on REST, GraphQL, lists and search', async () => {
    const city = `Tokenville ${Date.now()}`
    const listing = await createListing(stack, cast.host, { address: { city, country: 'CH' } }, { publish: true })
    const token = await tokenOf(listing.id)
    expect(await tokenOf(listing.id, cast.staff)).toBe(token)
    expect(await tokenOf(listing.id, cast.admin)).toBe(token)

    const readers: [string, TestUser | undefined][] = [
      ['anonymous', undefined],
      ['guest', cast.guest],
      ['another host', cast.otherHost],
    ]
    for (const [who, user] of readers) {
      const reads: [string, ApiResponse][] = [
        ['by id', await rest(stack, 'GET', `/api/properties/${listing.id}`, { token: user?.token })],
        ['by id, depth 0', await rest(stack, 'GET', `/api/properties/${listing.id}?depth=0`, { token: user?.token })],
        ['by slug', await rest(stack, 'GET', `/api/properties?where[slug][equals]=${listing.slug}`, { token: user?.token })],
        [
          'by city',
          await rest(stack, 'GET', `/api/properties?where[address.city][equals]=${encodeURIComponent(city)}`, { token: user?.token }),
        ],
        ['search', await rest(stack, 'GET', `/api/properties/search?city=${encodeURIComponent(city)}`, { token: user?.token })],
        ['graphql', await gql(stack, PROPERTY, { id: listing.id }, { token: user?.token })],
        ['graphql list', await gql(stack, '{ Properties(limit: 100) { docs { id calendarToken } } }', {}, { token: user?.token })],
      ]
      for (const [how, res] of reads) {
        expect({ who, how, status: res.status }).toEqual({ who, how, status: 200 })
        expect({ who, how, leaked: JSON.stringify(res.body).includes(token) }).toEqual({ who, how, leaked: false })
      }
      // The reads did find the listing (a test that saw nothing would prove nothing).
      expect(JSON.stringify(reads[0]![1].body)).toContain(listing.slug)
      expect(reads[5]![1].body.data?.Property?.id).toBe(listing.id)
      expect(reads[5]![1].body.data?.Property?.calendarToken ?? null).toBeNull()
    }
    for (const user of [cast.host, cast.staff]) {
      const res = await gql(stack, PROPERTY, { id: listing.id }, { token: user.token })
      expect(res.body.data?.Property?.calendarToken).toBe(token)
    }
  })

  it('is written by nobody through the API, and a duplicate gets its own', async () => {
    const listing = await createListing(stack, cast.host, { calendarToken: 'chosen-by-the-client' }, { publish: true })
    const token = await tokenOf(listing.id)
    expect(token).not.toBe('chosen-by-the-client')
    for (const user of [cast.host, cast.admin]) {
      const res = await rest(stack, 'PATCH', `/api/properties/${listing.id}`, {
        token: user.token,
        body: { calendarToken: 'x'.repeat(64) },
      })
      expect(res.status).toBe(200)
      await gql(
        stack,
        'mutation ($id: Int!, $data: mutationPropertyUpdateInput!) { updateProperty(id: $id, data: $data) { id } }',
        { id: listing.id, data: { calendarToken: 'y'.repeat(64) } },
        { token: user.token },
      )
    }
    expect(await tokenOf(listing.id)).toBe(token)
    // A draft edit keeps it too (versions carry the token).
    expect(
      (
        await rest(stack, 'PATCH', `/api/properties/${listing.id}?draft=true`, {
          token: cast.host.token,
          body: { title: 'A draft title here' },
        })
      ).status,
    ).toBe(200)
    const draft = await rest(stack, 'GET', `/api/properties/${listing.id}?draft=true&depth=0`, { token: cast.host.token })
    expect(draft.body.calendarToken).toBe(token)
    const copy = await rest(stack, 'POST', `/api/properties/${listing.id}/duplicate`, { token: cast.host.token, body: {} })
    expect(copy.status).toBe(200)
    const copyToken = await tokenOf(copy.body.doc.id)
    expect(copyToken).not.toBe(token)
  })
})

describe('POST /api/properties/:id/calendar-token', () => {
  it('gives the host a new token; the old URL is 404 at once, even when its feed was cached', async () => {
    const listing = await createListing(stack, cast.host, {}, { publish: true })
    await block(listing.id, night(3), night(4))
    const old = await tokenOf(listing.id)
    expect((await feed(listing.id, old)).status).toBe(200)
    expect((await feed(listing.id, old)).headers.get('x-cache')).toBe('hit')

    const res = await rest(stack, 'POST', `/api/properties/${listing.id}/calendar-token`, { token: cast.host.token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ property: listing.id, calendarToken: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(res.body.calendarToken).not.toBe(old)
    expect(await tokenOf(listing.id)).toBe(res.body.calendarToken)
    expectNotFound(await feed(listing.id, old))
    expect(eventsOf((await feed(listing.id, res.body.calendarToken)).text)).toHaveLength(1)
    // The draft view (read from the latest version) shows the new one, not the one it was saved with.
    const draft = await rest(stack, 'GET', `/api/properties/${listing.id}?draft=true&depth=0`, { token: cast.host.token })
    expect(draft.body.calendarToken).toBe(res.body.calendarToken)
  })

  it('is for the host and staff (REST and GraphQL); anyone else gets 401 or 404 and the token stays', async () => {
    const listing = await createListing(stack, cast.host, {}, { publish: true })
    const token = await tokenOf(listing.id)
    const anonymous = await rest(stack, 'POST', `/api/properties/${listing.id}/calendar-token`)
    expect([anonymous.status, anonymous.body.errors[0].code]).toEqual([401, 'UNAUTHORIZED'])
    for (const user of [cast.guest, cast.otherHost]) {
      const res = await rest(stack, 'POST', `/api/properties/${listing.id}/calendar-token`, { token: user.token })
      expect([res.status, res.body.errors[0].code]).toEqual([404, 'NOT_FOUND'])
      const viaGraphql = await gql(
        stack,
        `mutation { regenerateCalendarToken(id: ${listing.id}) { calendarToken } }`,
        {},
        { token: user.token },
      )
      expect(viaGraphql.body.data?.regenerateCalendarToken ?? null).toBeNull()
      expect(viaGraphql.body.errors?.[0]?.extensions?.statusCode).toBe(404)
    }
    expect(await tokenOf(listing.id)).toBe(token)
    const unknown = await rest(stack, 'POST', '/api/properties/2000000000/calendar-token', { token: cast.staff.token })
    expect([unknown.status, unknown.body.errors[0].code]).toEqual([404, 'NOT_FOUND'])

    const byStaff = await rest(stack, 'POST', `/api/properties/${listing.id}/calendar-token`, { token: cast.staff.token })
    expect(byStaff.status).toBe(200)
    const byGraphql = await gql(
      stack,
      `mutation { regenerateCalendarToken(id: ${listing.id}) { property calendarToken } }`,
      {},
      { token: cast.host.token },
    )
    const renewed = byGraphql.body.data?.regenerateCalendarToken
    expect(renewed?.property).toBe(listing.id)
    expect(renewed?.calendarToken).not.toBe(byStaff.body.calendarToken)
    expect(await tokenOf(listing.id)).toBe(renewed?.calendarToken)
  })
})
