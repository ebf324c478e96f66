import { randomUUID } from 'node:crypto'

import { addDays, utcDate } from '@/domain/stayDates'
import { type ApiResponse, type Cast, type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, queryDatabase, startStack } from '../helpers/stack'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * The custom operations in GraphQL: each field runs the REST endpoint's code, so every role gets the
 * same outcome — success, or the same status and code — on both APIs. State-changing operations get a
 * fresh target per call, so REST and GraphQL are each asked about the same situation.
 */
let stack: Stack
let stripe: StripeStandIn
let cast: Cast
let instant: { id: number }
let onRequest: { id: number }
let reviewed: { id: number }
let week = 0
const today = utcDate(new Date())

beforeAll(async () => {
  stripe = await startStripeStandIn()
  stack = await startStack({ env: { ...stripe.env } })
  cast = await signUpCast(stack)
  instant = await createListing(stack, cast.host, { title: 'Instant GraphQL flat', instantBook: true, maxNights: 60 }, { publish: true })
  onRequest = await createListing(
    stack,
    cast.host,
    { title: 'Request-only GraphQL chalet', instantBook: false, maxNights: 60 },
    { publish: true },
  )
  reviewed = await createListing(stack, cast.host, { title: 'Reviewed GraphQL cottage' }, { publish: true })
}, 120_000)

afterAll(async () => {
  await stack?.stop()
  await stripe?.close()
})

type Role = 'anonymous' | 'guest' | 'otherGuest' | 'host' | 'otherHost' | 'staff'
const ROLES: Role[] = ['anonymous', 'guest', 'otherGuest', 'host', 'otherHost', 'staff']
const as = (role: Role): TestUser | undefined => (role === 'anonymous' ? undefined : cast[role])

/** `ok`, or the status and code of the refusal: the thing both APIs must agree on. */
type Outcome = string
const restOutcome = (res: ApiResponse): Outcome => {
  if (res.status >= 500) throw new Error(`REST answered ${res.status}: ${JSON.stringify(res.body)}\n${stack.output().slice(-3000)}`)
  return res.status < 300 ? 'ok' : `${res.status} ${res.body?.errors?.[0]?.code}`
}
const gqlOutcome = (res: ApiResponse): Outcome => {
  const error = res.body?.errors?.[0] as { extensions?: { statusCode?: number; code?: string } } | undefined
  if (!error) return 'ok'
  if ((error.extensions?.statusCode ?? 500) >= 500)
    throw new Error(`GraphQL answered ${JSON.stringify(res.body)}\n${stack.output().slice(-3000)}`)
  return `${error.extensions?.statusCode} ${error.extensions?.code}`
}

const sql = (statement: string, params: unknown[] = []) => queryDatabase(stack, statement, params)

/** A booking on dates nobody else uses (on-request listing: `requested`, instant: `awaiting_payment`). */
async function booking(on: { id: number } = instant): Promise<{ id: number }> {
  const checkIn = addDays(today, 20 + 4 * week++)
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: on.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
  })
  if (res.status !== 201) throw new Error(`booking failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc
}

/** A published review of a stay that happened (both sides reviewed: the blind reveal publishes both). */
async function publishedReview(): Promise<{ id: number }> {
  const stay = await booking(reviewed)
  const checkOut = addDays(today, -2)
  await sql(`UPDATE bookings SET status = 'completed', check_in = $2, check_out = $3, confirmed_at = now() WHERE id = $1`, [
    stay.id,
    `${addDays(checkOut, -3)}T12:00:00.000Z`,
    `${checkOut}T12:00:00.000Z`,
  ])
  const byGuest = await rest(stack, 'POST', '/api/reviews', {
    token: cast.guest.token,
    body: { booking: stay.id, subject: 'property', rating: 4, comment: 'Quiet and clean, a good base for walks.' },
  })
  if (byGuest.status !== 201) throw new Error(`guest review failed ${byGuest.status}: ${JSON.stringify(byGuest.body)}`)
  const byHost = await rest(stack, 'POST', '/api/reviews', {
    token: cast.host.token,
    body: { booking: stay.id, subject: 'guest', rating: 5, comment: 'Tidy, friendly guests who left it as they found it.' },
  })
  if (byHost.status !== 201) throw new Error(`host review failed ${byHost.status}: ${JSON.stringify(byHost.body)}`)
  const { rows } = await sql(`SELECT status FROM reviews WHERE id = $1`, [byGuest.body.doc.id])
  if (rows[0].status !== 'published') throw new Error(`review not published: ${rows[0].status}`)
  return byGuest.body.doc
}

async function hiddenReview(): Promise<{ id: number }> {
  const review = await publishedReview()
  const res = await rest(stack, 'POST', `/api/reviews/${review.id}/hide`, {
    token: cast.staff.token,
    body: { reason: 'Mentions a phone number' },
  })
  if (res.status !== 200) throw new Error(`hide failed ${res.status}`)
  return review
}

async function heldListing(): Promise<{ id: number }> {
  const listing = await createListing(stack, cast.host, { title: `Moderated flat ${week++}` }, { publish: true })
  const res = await rest(stack, 'POST', `/api/properties/${listing.id}/unpublish`, {
    token: cast.staff.token,
    body: { reason: 'Photos do not match' },
  })
  if (res.status !== 200) throw new Error(`unpublish failed ${res.status}`)
  return listing
}

type Case = {
  name: string
  /** A fresh target per call (mutations), or one for all calls (queries). */
  target: () => Promise<{ id: number }>
  rest: (id: number) => { method: string; path: string; body?: unknown }
  gql: (id: number) => { query: string; variables?: Record<string, unknown> }
  expected: Record<Role, Outcome>
  /** What a successful GraphQL answer must hold. */
  check?: (data: any, id: number) => void
}

let previewTarget: Promise<{ id: number }> | undefined
// One booking serves every role of both message operations: sending changes nothing else about it, and new bookings take dates further ahead.
let messagesTarget: Promise<{ id: number }> | undefined
const stayAhead = (days: number) => ({ checkIn: addDays(today, days), checkOut: addDays(today, days + 3) })

const CASES: Case[] = [
  {
    name: 'searchListings',
    target: async () => instant,
    rest: () => ({
      method: 'GET',
      path: `/api/properties/search?limit=50&guests=2&checkIn=${stayAhead(500).checkIn}&checkOut=${stayAhead(500).checkOut}`,
    }),
    gql: () => ({
      query:
        'query($in: String, $out: String) { searchListings(guests: 2, checkIn: $in, checkOut: $out, limit: 50) { totalDocs totalDocsExact page limit totalPages nextCursor docs { id title nightlyRate total currency reviewCount } } }',
      variables: { in: stayAhead(500).checkIn, out: stayAhead(500).checkOut },
    }),
    expected: { anonymous: 'ok', guest: 'ok', otherGuest: 'ok', host: 'ok', otherHost: 'ok', staff: 'ok' },
    check: (data, id) => {
      const hit = data.searchListings.docs.find((d: { id: number }) => d.id === id)
      expect(hit).toMatchObject({ nightlyRate: 18000, currency: 'CHF' })
      expect(Number.isInteger(hit.total)).toBe(true)
      expect(data.searchListings).toMatchObject({ totalDocsExact: true, nextCursor: null })
    },
  },
  {
    name: 'listingQuote',
    target: async () => instant,
    rest: (id) => ({
      method: 'GET',
      path: `/api/properties/${id}/quote?checkIn=${stayAhead(510).checkIn}&checkOut=${stayAhead(510).checkOut}&guests=2`,
    }),
    gql: (id) => ({
      query:
        'query($id: Int!, $in: String!, $out: String!) { listingQuote(id: $id, checkIn: $in, checkOut: $out, guests: 2) { property checkIn checkOut guests instantBook quote { currency nights total perNight { date rate weekend } } } }',
      variables: { id, in: stayAhead(510).checkIn, out: stayAhead(510).checkOut },
    }),
    expected: { anonymous: 'ok', guest: 'ok', otherGuest: 'ok', host: 'ok', otherHost: 'ok', staff: 'ok' },
    check: (data, id) => {
      expect(data.listingQuote).toMatchObject({
        property: id,
        checkIn: stayAhead(510).checkIn,
        guests: 2,
        instantBook: true,
        quote: { currency: 'CHF', nights: 3 },
      })
      expect(data.listingQuote.quote.perNight).toHaveLength(3)
    },
  },
  {
    name: 'listingQuote of a draft (only its host and staff may read it)',
    target: () => createListing(stack, cast.host, { title: 'Draft quote flat' }),
    rest: (id) => ({
      method: 'GET',
      path: `/api/properties/${id}/quote?checkIn=${stayAhead(520).checkIn}&checkOut=${stayAhead(520).checkOut}`,
    }),
    gql: (id) => ({
      query: `query { listingQuote(id: ${id}, checkIn: "${stayAhead(520).checkIn}", checkOut: "${stayAhead(520).checkOut}") { quote { total } } }`,
    }),
    expected: {
      anonymous: '404 NOT_FOUND',
      guest: '404 NOT_FOUND',
      otherGuest: '404 NOT_FOUND',
      host: 'ok',
      otherHost: '404 NOT_FOUND',
      staff: 'ok',
    },
  },
  {
    name: 'listingAvailability',
    target: async () => instant,
    rest: (id) => ({ method: 'GET', path: `/api/properties/${id}/availability?from=${addDays(today, 1)}&to=${addDays(today, 31)}` }),
    gql: (id) => ({
      query: `query { listingAvailability(id: ${id}, from: "${addDays(today, 1)}", to: "${addDays(today, 31)}") { property currency minNights maxNights nights { date available price } } }`,
    }),
    expected: { anonymous: 'ok', guest: 'ok', otherGuest: 'ok', host: 'ok', otherHost: 'ok', staff: 'ok' },
    check: (data) => {
      expect(data.listingAvailability.nights).toHaveLength(30)
      expect(data.listingAvailability.nights[0]).toEqual({ date: addDays(today, 1), available: true, price: 18000 })
    },
  },
  {
    name: 'acceptBooking',
    target: () => booking(onRequest),
    rest: (id) => ({ method: 'POST', path: `/api/bookings/${id}/accept` }),
    gql: (id) => ({ query: `mutation { acceptBooking(id: ${id}) { id status } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '404 NOT_FOUND',
      host: 'ok',
      otherHost: '404 NOT_FOUND',
      staff: '403 FORBIDDEN',
    },
    check: (data, id) => expect(data.acceptBooking).toEqual({ id, status: 'awaiting_payment' }),
  },
  {
    name: 'declineBooking',
    target: () => booking(onRequest),
    rest: (id) => ({ method: 'POST', path: `/api/bookings/${id}/decline` }),
    gql: (id) => ({ query: `mutation { declineBooking(id: ${id}) { id status } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '404 NOT_FOUND',
      host: 'ok',
      otherHost: '404 NOT_FOUND',
      staff: '403 FORBIDDEN',
    },
    check: (data, id) => expect(data.declineBooking).toEqual({ id, status: 'declined' }),
  },
  {
    name: 'declineBooking of an instant booking (not a request)',
    target: () => booking(instant),
    rest: (id) => ({ method: 'POST', path: `/api/bookings/${id}/decline` }),
    gql: (id) => ({ query: `mutation { declineBooking(id: ${id}) { id } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '404 NOT_FOUND',
      host: '409 INVALID_TRANSITION',
      otherHost: '404 NOT_FOUND',
      staff: '403 FORBIDDEN',
    },
  },
  {
    name: 'cancelBooking',
    target: () => booking(instant),
    rest: (id) => ({ method: 'POST', path: `/api/bookings/${id}/cancel`, body: { reason: 'Plans changed' } }),
    gql: (id) => ({
      query: `mutation { cancelBooking(id: ${id}, reason: "Plans changed") { id status cancelledBy cancellationReason refundAmount } }`,
    }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: 'ok',
      otherGuest: '404 NOT_FOUND',
      host: 'ok',
      otherHost: '404 NOT_FOUND',
      staff: 'ok',
    },
    check: (data, id) =>
      expect(data.cancelBooking).toMatchObject({ id, status: 'cancelled', cancellationReason: 'Plans changed', refundAmount: 0 }),
  },
  {
    name: 'cancellationPreview',
    // Read-only: one booking serves every role (each new one takes dates further ahead).
    target: () => (previewTarget ??= booking(instant)),
    rest: (id) => ({ method: 'GET', path: `/api/bookings/${id}/cancellation-preview` }),
    gql: (id) => ({ query: `query { cancellationPreview(id: ${id}) { refundAmount currency policy rule } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: 'ok',
      otherGuest: '404 NOT_FOUND',
      host: 'ok',
      otherHost: '404 NOT_FOUND',
      staff: 'ok',
    },
    check: (data) =>
      expect(data.cancellationPreview).toEqual({
        refundAmount: 0,
        currency: expect.any(String),
        policy: expect.any(String),
        rule: 'Nothing has been paid for this booking, so nothing is refunded.',
      }),
  },
  {
    name: 'bookingMessages',
    target: () => (messagesTarget ??= booking(instant)),
    rest: (id) => ({ method: 'GET', path: `/api/bookings/${id}/messages` }),
    gql: (id) => ({ query: `query { bookingMessages(booking: ${id}) { totalDocs page unread canSend docs { text } } }` }),
    expected: {
      anonymous: '404 NOT_FOUND',
      guest: 'ok',
      otherGuest: '404 NOT_FOUND',
      host: 'ok',
      otherHost: '404 NOT_FOUND',
      staff: 'ok',
    },
    check: (data) => expect(data.bookingMessages).toMatchObject({ totalDocs: expect.any(Number), page: 1, docs: expect.any(Array) }),
  },
  {
    name: 'sendBookingMessage',
    target: () => (messagesTarget ??= booking(instant)),
    rest: (id) => ({ method: 'POST', path: `/api/bookings/${id}/messages`, body: { text: 'Is there a cot for the baby?' } }),
    gql: (id) => ({
      query: `mutation { sendBookingMessage(booking: ${id}, text: "Is there a cot for the baby?") { message doc { fromRole text } } }`,
    }),
    expected: {
      anonymous: '404 NOT_FOUND',
      guest: 'ok',
      otherGuest: '404 NOT_FOUND',
      host: 'ok',
      otherHost: '404 NOT_FOUND',
      staff: '403 FORBIDDEN',
    },
    check: (data) => expect(data.sendBookingMessage.doc.text).toBe('Is there a cot for the baby?'),
  },
  {
    name: 'cancelBooking with a reason of 1001 characters',
    target: () => booking(instant),
    rest: (id) => ({ method: 'POST', path: `/api/bookings/${id}/cancel`, body: { reason: 'x'.repeat(1001) } }),
    gql: (id) => ({
      query: 'mutation($id: Int!, $r: String) { cancelBooking(id: $id, reason: $r) { id } }',
      variables: { id, r: 'x'.repeat(1001) },
    }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '400 VALIDATION_FAILED',
      otherGuest: '400 VALIDATION_FAILED',
      host: '400 VALIDATION_FAILED',
      otherHost: '400 VALIDATION_FAILED',
      staff: '400 VALIDATION_FAILED',
    },
  },
  {
    name: 'createPaymentIntent',
    target: () => booking(instant),
    rest: (id) => ({ method: 'POST', path: `/api/bookings/${id}/payment-intent` }),
    gql: (id) => ({ query: `mutation { createPaymentIntent(id: ${id}) { clientSecret paymentIntentId amount currency } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: 'ok',
      otherGuest: '404 NOT_FOUND',
      host: '404 NOT_FOUND',
      otherHost: '404 NOT_FOUND',
      staff: '404 NOT_FOUND',
    },
    check: (data) => {
      expect(data.createPaymentIntent.clientSecret).toEqual(expect.any(String))
      expect(Number.isInteger(data.createPaymentIntent.amount)).toBe(true)
      expect(data.createPaymentIntent.currency).toMatch(/^chf$/i)
    },
  },
  {
    name: 'respondToReview',
    target: publishedReview,
    rest: (id) => ({ method: 'POST', path: `/api/reviews/${id}/response`, body: { text: 'Thank you for staying!' } }),
    gql: (id) => ({ query: `mutation { respondToReview(id: ${id}, text: "Thank you for staying!") { id hostResponse { text } } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '403 FORBIDDEN',
      host: 'ok',
      otherHost: '403 FORBIDDEN',
      staff: '403 FORBIDDEN',
    },
    check: (data, id) => expect(data.respondToReview).toEqual({ id, hostResponse: { text: 'Thank you for staying!' } }),
  },
  {
    name: 'hideReview',
    target: publishedReview,
    rest: (id) => ({ method: 'POST', path: `/api/reviews/${id}/hide`, body: { reason: 'Mentions a phone number' } }),
    gql: (id) => ({ query: `mutation { hideReview(id: ${id}, reason: "Mentions a phone number") { id status hiddenReason } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '403 FORBIDDEN',
      host: '403 FORBIDDEN',
      otherHost: '403 FORBIDDEN',
      staff: 'ok',
    },
    check: (data, id) => expect(data.hideReview).toEqual({ id, status: 'hidden', hiddenReason: 'Mentions a phone number' }),
  },
  {
    name: 'hideReview without a reason',
    target: publishedReview,
    rest: (id) => ({ method: 'POST', path: `/api/reviews/${id}/hide`, body: { reason: ' ' } }),
    gql: (id) => ({ query: `mutation { hideReview(id: ${id}, reason: " ") { id } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '403 FORBIDDEN',
      host: '403 FORBIDDEN',
      otherHost: '403 FORBIDDEN',
      staff: '400 VALIDATION_FAILED',
    },
  },
  {
    name: 'unhideReview',
    target: hiddenReview,
    rest: (id) => ({ method: 'POST', path: `/api/reviews/${id}/unhide` }),
    gql: (id) => ({ query: `mutation { unhideReview(id: ${id}) { id status } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '403 FORBIDDEN',
      host: '403 FORBIDDEN',
      otherHost: '403 FORBIDDEN',
      staff: 'ok',
    },
    check: (data, id) => expect(data.unhideReview).toEqual({ id, status: 'published' }),
  },
  {
    name: 'unpublishListing',
    target: () => createListing(stack, cast.host, { title: `Listed flat ${week++}` }, { publish: true }),
    rest: (id) => ({ method: 'POST', path: `/api/properties/${id}/unpublish`, body: { reason: 'Photos do not match' } }),
    gql: (id) => ({ query: `mutation { unpublishListing(id: ${id}, reason: "Photos do not match") { id _status } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '403 FORBIDDEN',
      host: '403 FORBIDDEN',
      otherHost: '403 FORBIDDEN',
      staff: 'ok',
    },
    check: (data, id) => expect(data.unpublishListing).toEqual({ id, _status: 'draft' }),
  },
  {
    name: 'reinstateListing',
    target: heldListing,
    rest: (id) => ({ method: 'POST', path: `/api/properties/${id}/reinstate` }),
    gql: (id) => ({ query: `mutation { reinstateListing(id: ${id}) { id } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '403 FORBIDDEN',
      host: '403 FORBIDDEN',
      otherHost: '403 FORBIDDEN',
      staff: 'ok',
    },
    check: (data, id) => expect(data.reinstateListing).toEqual({ id }),
  },
  {
    name: 'regenerateCalendarToken',
    target: () => createListing(stack, cast.host, { title: `Synced flat ${randomUUID().slice(0, 8)}` }, { publish: true }),
    rest: (id) => ({ method: 'POST', path: `/api/properties/${id}/calendar-token` }),
    gql: (id) => ({ query: `mutation { regenerateCalendarToken(id: ${id}) { property calendarToken } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '404 NOT_FOUND',
      otherGuest: '404 NOT_FOUND',
      host: 'ok',
      otherHost: '404 NOT_FOUND',
      staff: 'ok',
    },
    check: (data, id) =>
      expect(data.regenerateCalendarToken).toEqual({ property: id, calendarToken: expect.stringMatching(/^[0-9a-f]{64}$/) }),
  },
  {
    name: 'reinstateListing of a listing that is not held',
    target: () => createListing(stack, cast.host, { title: `Unheld flat ${week++}` }, { publish: true }),
    rest: (id) => ({ method: 'POST', path: `/api/properties/${id}/reinstate` }),
    gql: (id) => ({ query: `mutation { reinstateListing(id: ${id}) { id } }` }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '403 FORBIDDEN',
      host: '403 FORBIDDEN',
      otherHost: '403 FORBIDDEN',
      staff: '409 CONFLICT',
    },
  },
  {
    name: 'runReconciliation',
    target: async () => ({ id: 0 }),
    rest: () => ({ method: 'POST', path: '/api/reconciliation/run' }),
    gql: () => ({ query: 'mutation { runReconciliation { message jobId } }' }),
    expected: {
      anonymous: '401 UNAUTHORIZED',
      guest: '403 FORBIDDEN',
      otherGuest: '403 FORBIDDEN',
      host: '403 FORBIDDEN',
      otherHost: '403 FORBIDDEN',
      staff: 'ok',
    },
    check: (data) => expect(data.runReconciliation.jobId).toEqual(expect.any(String)),
  },
]

describe.each(CASES)('$name: every role gets the same outcome on REST and GraphQL', (c) => {
  it.each(ROLES)('%s', async (role) => {
    const who = as(role)
    const restTarget = await c.target()
    const { method, path, body } = c.rest(restTarget.id)
    const viaRest = restOutcome(await rest(stack, method, path, { token: who?.token, body }))
    const gqlTarget = await c.target()
    const { query, variables } = c.gql(gqlTarget.id)
    const answer = await gql(stack, query, variables, { token: who?.token })
    const viaGql = gqlOutcome(answer)
    expect({ rest: viaRest, graphql: viaGql }).toEqual({ rest: c.expected[role], graphql: c.expected[role] })
    if (viaGql === 'ok') c.check?.(answer.body.data, gqlTarget.id)
  })
})

describe('GraphQL errors say the same as REST', () => {
  it('a validation failure names the field with the same message', async () => {
    const target = await booking(instant)
    const viaRest = await rest(stack, 'POST', `/api/bookings/${target.id}/cancel`, {
      token: cast.guest.token,
      body: { reason: 'x'.repeat(1001) },
    })
    const viaGql = await gql(
      stack,
      `mutation($r: String) { cancelBooking(id: ${target.id}, reason: $r) { id } }`,
      { r: 'x'.repeat(1001) },
      { token: cast.guest.token },
    )
    expect(viaRest.body.errors[0]).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'reason',
      message: 'The reason can be at most 1000 characters.',
    })
    expect(viaGql.body.errors?.[0]).toMatchObject({
      message: 'The reason can be at most 1000 characters.',
      extensions: { code: 'VALIDATION_FAILED', field: 'reason', statusCode: 400 },
    })
  })

  it('a rule of the stay names its field (quote for more guests than the listing sleeps)', async () => {
    const { checkIn, checkOut } = stayAhead(530)
    const viaRest = await rest(stack, 'GET', `/api/properties/${instant.id}/quote?checkIn=${checkIn}&checkOut=${checkOut}&guests=9`)
    const viaGql = await gql(
      stack,
      `query { listingQuote(id: ${instant.id}, checkIn: "${checkIn}", checkOut: "${checkOut}", guests: 9) { property } }`,
    )
    expect(viaRest.body.errors[0]).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'guests',
      message: 'This listing sleeps at most 4 guests.',
    })
    expect(viaGql.body.errors?.[0]).toMatchObject({
      message: 'This listing sleeps at most 4 guests.',
      extensions: { code: 'VALIDATION_FAILED', field: 'guests', statusCode: 400 },
    })
  })

  it('taken dates are DATES_UNAVAILABLE on both', async () => {
    const checkIn = addDays(today, 20 + 4 * week++)
    expect(
      (
        await rest(stack, 'POST', '/api/bookings', {
          token: cast.guest.token,
          body: { property: instant.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
        })
      ).status,
    ).toBe(201)
    const viaRest = await rest(stack, 'GET', `/api/properties/${instant.id}/quote?checkIn=${checkIn}&checkOut=${addDays(checkIn, 3)}`)
    const viaGql = await gql(
      stack,
      `query { listingQuote(id: ${instant.id}, checkIn: "${checkIn}", checkOut: "${addDays(checkIn, 3)}") { property } }`,
    )
    expect(restOutcome(viaRest)).toBe('409 DATES_UNAVAILABLE')
    expect(gqlOutcome(viaGql)).toBe('409 DATES_UNAVAILABLE')
  })

  it('an id that names no document is 404 on both', async () => {
    expect(restOutcome(await rest(stack, 'POST', '/api/bookings/999999/accept', { token: cast.host.token }))).toBe('404 NOT_FOUND')
    expect(gqlOutcome(await gql(stack, 'mutation { acceptBooking(id: 999999) { id } }', {}, { token: cast.host.token }))).toBe(
      '404 NOT_FOUND',
    )
  })

  it('search answers the same listings on both', async () => {
    const viaRest = await rest(stack, 'GET', '/api/properties/search?sort=-price&limit=50')
    const viaGql = await gql(stack, 'query { searchListings(sort: "-price", limit: 50) { totalDocs docs { id nightlyRate } } }')
    expect(viaGql.body.data.searchListings.totalDocs).toBe(viaRest.body.totalDocs)
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id
    expect([...viaGql.body.data.searchListings.docs].sort(byId)).toEqual(
      viaRest.body.docs.map((d: { id: number; nightlyRate: number }) => ({ id: d.id, nightlyRate: d.nightlyRate })).sort(byId),
    )
    expect(gqlOutcome(await gql(stack, 'query { searchListings(sort: "cheapest") { totalDocs } }'))).toBe('400 VALIDATION_FAILED')
  })
})

describe('createBooking over GraphQL honours Idempotency-Key', () => {
  const CREATE = 'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id status guests } }'
  const stayData = () => {
    const checkIn = addDays(today, 20 + 4 * week++)
    return { property: instant.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 }
  }
  const withKey = (key: string, data: Record<string, unknown>, who: TestUser = cast.guest) =>
    gql(stack, CREATE, { data }, { token: who.token, headers: { 'idempotency-key': key } })
  const lastBookingId = async () => Number((await sql('SELECT coalesce(max(id), 0) AS id FROM bookings')).rows[0].id)
  const bookingsSince = async (id: number) => Number((await sql('SELECT count(*) FROM bookings WHERE id > $1', [id])).rows[0].count)

  it('the same key and input → the same booking, once', async () => {
    const key = `gql-retry-${Date.now()}`
    const data = stayData()
    const before = await lastBookingId()
    const first = await withKey(key, data)
    expect(first.body.errors).toBeUndefined()
    const again = await withKey(key, { guests: data.guests, checkOut: data.checkOut, checkIn: data.checkIn, property: data.property })
    expect(again.body.errors).toBeUndefined()
    expect(again.body.data.createBooking.id).toBe(first.body.data.createBooking.id)
    expect(await bookingsSince(before)).toBe(1)
  })

  it('the same key with another input → 422 IDEMPOTENCY_KEY_REUSED, nothing created', async () => {
    const key = `gql-reuse-${Date.now()}`
    expect((await withKey(key, stayData())).body.errors).toBeUndefined()
    const before = await lastBookingId()
    const refused = await withKey(key, stayData())
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', statusCode: 422 })
    expect(await bookingsSince(before)).toBe(0)
  })

  it('keys are shared with REST: a retry by the other API gets the same booking', async () => {
    const key = `cross-${Date.now()}`
    const data = stayData()
    const before = await lastBookingId()
    const viaRest = await rest(stack, 'POST', '/api/bookings', { token: cast.guest.token, body: data, headers: { 'idempotency-key': key } })
    expect(viaRest.status).toBe(201)
    const viaGql = await withKey(key, data)
    expect(viaGql.body.data.createBooking).toMatchObject({ id: viaRest.body.doc.id, guests: 2 })
    expect(await bookingsSince(before)).toBe(1)
  })

  it('a refused first request is refused again with the same code; keys are per user', async () => {
    const key = `gql-refused-${Date.now()}`
    const data = { ...stayData(), guests: 9 }
    const first = await withKey(key, data)
    expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', statusCode: 400, field: 'guests' })
    const replay = await withKey(key, data)
    expect(replay.body.errors?.[0]).toMatchObject({
      message: first.body.errors?.[0]?.message,
      extensions: { code: 'VALIDATION_FAILED', statusCode: 400, field: 'guests' },
    })
    const replayRest = await rest(stack, 'POST', '/api/bookings', {
      token: cast.guest.token,
      body: data,
      headers: { 'idempotency-key': key },
    })
    expect(replayRest.status).toBe(400)
    expect(replayRest.headers.get('idempotent-replayed')).toBe('true')
    expect(replayRest.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'guests' })
    expect((await withKey(key, { ...data, guests: 2 }, cast.otherGuest)).body.errors).toBeUndefined()
  })

  it('a malformed key → 400; anonymous with a key → 401; input checked like REST', async () => {
    expect(gqlOutcome(await withKey('has spaces in it', stayData()))).toBe('400 VALIDATION_FAILED')
    expect(gqlOutcome(await gql(stack, CREATE, { data: stayData() }, { headers: { 'idempotency-key': 'anon-key' } }))).toBe(
      '401 UNAUTHORIZED',
    )
    expect(gqlOutcome(await gql(stack, CREATE, { data: stayData() }))).toBe('401 UNAUTHORIZED')
    const badDate = await gql(stack, CREATE, { data: { ...stayData(), checkIn: '2027-02-30' } }, { token: cast.guest.token })
    expect(badDate.body.errors?.[0]).toMatchObject({
      message: 'checkIn and checkOut must be dates as YYYY-MM-DD.',
      extensions: { code: 'VALIDATION_FAILED', field: 'data.checkIn' },
    })
  })

  it('parallel retries with one key make one booking', async () => {
    const key = `gql-parallel-${Date.now()}`
    const data = stayData()
    const before = await lastBookingId()
    const results = await Promise.all(Array.from({ length: 6 }, () => withKey(key, data)))
    const ids = new Set(results.filter((r) => !r.body.errors).map((r) => r.body.data.createBooking.id))
    expect(ids.size).toBe(1)
    for (const r of results) expect(['ok', '409 CONFLICT']).toContain(gqlOutcome(r))
    expect(await bookingsSince(before)).toBe(1)
  })
})
