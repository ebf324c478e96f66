import fc from 'fast-check'

import { listingRatings, SUB_RATINGS } from '@/domain/reviews'
import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, queryDatabase, startStack, startWorker } from '../helpers/stack'
import { eventually } from '../helpers/wait'

/**
 * Reviews through the real REST and GraphQL APIs: who may review what and when, the blind reveal (both
 * sides, or the window job), host responses, staff hiding, and listing ratings that always equal a
 * recomputation from the published reviews.
 */
let stack: Stack
let worker: WorkerProcess | undefined
let queues: StackQueues
let cast: Cast
let listing: { id: number }
let week = 0
const today = utcDate(new Date())

beforeAll(async () => {
  stack = await startStack()
  cast = await signUpCast(stack)
  listing = await createListing(stack, cast.host, { title: 'Reviewed cottage' }, { publish: true })
  worker = await startWorker(stack)
  queues = stackQueues(stack)
}, 120_000)

afterAll(async () => {
  await queues?.close()
  await worker?.stop()
  await stack?.stop()
})

const sql = (statement: string, params: unknown[] = []) => queryDatabase(stack, statement, params)

/**
 * A stay that happened: booked through the API (future dates nobody else uses), then moved into the
 * past and completed, as time and the booking sweep would have done.
 */
async function completedStay(
  options: { guest?: TestUser; on?: { id: number }; checkOutDaysAgo?: number; status?: string } = {},
): Promise<any> {
  const guest = options.guest ?? cast.guest
  const checkIn = addDays(today, 200 + 4 * week++)
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: guest.token,
    body: { property: (options.on ?? listing).id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
  })
  expect(res.status).toBe(201)
  const checkOut = addDays(today, -(options.checkOutDaysAgo ?? 2))
  await sql(`UPDATE bookings SET status = $2, check_in = $3, check_out = $4, confirmed_at = now() WHERE id = $1`, [
    res.body.doc.id,
    options.status ?? 'completed',
    addDays(checkOut, -3),
    checkOut,
  ])
  return res.body.doc
}

const guestReview = (booking: { id: number }, overrides: Record<string, unknown> = {}) => ({
  booking: booking.id,
  subject: 'property',
  rating: 5,
  subRatings: { cleanliness: 5, accuracy: 4, communication: 5, location: 4, checkIn: 5, value: 4 },
  comment: 'Lovely place, spotless and quiet. Would stay again.',
  ...overrides,
})
const hostReview = (booking: { id: number }, overrides: Record<string, unknown> = {}) => ({
  booking: booking.id,
  subject: 'guest',
  rating: 5,
  comment: 'Tidy, friendly guests who left the place as they found it.',
  ...overrides,
})
const review = async (who: TestUser | undefined, body: Record<string, unknown>) => {
  const res = await rest(stack, 'POST', '/api/reviews', { token: who?.token, body })
  if (res.status >= 500) throw new Error(`POST /api/reviews answered ${res.status}:\n${stack.output().slice(-3000)}`)
  return res
}
const reviewCount = async () => Number((await sql('SELECT count(*) FROM reviews')).rows[0].count)
const listingOf = async (id: number) => (await rest(stack, 'GET', `/api/properties/${id}`)).body
const publicReviews = async (propertyId: number) =>
  (await rest(stack, 'GET', `/api/reviews?where[property][equals]=${propertyId}&limit=100`)).body.docs as any[]

/** What the listing's ratings must be: a recomputation from its published reviews of stays. */
async function expectRatingsRecomputed(propertyId: number): Promise<void> {
  const { rows } = await sql(`SELECT * FROM reviews WHERE property_id = $1 AND subject = 'property' AND status = 'published'`, [propertyId])
  const expected = listingRatings(
    rows.map((r) => ({
      rating: Number(r.rating),
      subRatings: Object.fromEntries(
        SUB_RATINGS.map((k) => [
          k,
          r[`sub_ratings_${k === 'checkIn' ? 'check_in' : k}`] === null
            ? null
            : Number(r[`sub_ratings_${k === 'checkIn' ? 'check_in' : k}`]),
        ]),
      ),
    })),
  )
  const actual = await listingOf(propertyId)
  expect({ ratingAverage: actual.ratingAverage ?? null, reviewCount: actual.reviewCount, ratingBreakdown: actual.ratingBreakdown }).toEqual(
    expected,
  )
}

// --- refusals -------------------------------------------------------------------------------------------

describe('who may review, and when', () => {
  it('only the guest reviews the stay and only the host the guest; anyone else 403 (signed out: 401)', async () => {
    const stay = await completedStay()
    const before = await reviewCount()
    const attempts = [
      [undefined, guestReview(stay)],
      [cast.otherGuest, guestReview(stay)],
      [cast.otherHost, hostReview(stay)],
      [cast.host, guestReview(stay)],
      [cast.guest, hostReview(stay)],
      [cast.staff, guestReview(stay)],
    ] as const
    for (const [who, body] of attempts) {
      const res = await review(who as TestUser | undefined, body)
      expect(res.status).toBe(who ? 403 : 401)
      expect(res.body.errors[0].message).toBeTruthy()
    }
    expect(await reviewCount()).toBe(before)
  })

  it('only completed stays (409), only within the window (422, open through day 14)', async () => {
    // Bookings that still hold their nights need nights of their own.
    for (const [i, status] of ['confirmed', 'cancelled', 'awaiting_payment'].entries()) {
      const stay = await completedStay({ status, checkOutDaysAgo: 30 + 4 * i })
      const res = await review(cast.guest, guestReview(stay))
      expect(res.status).toBe(409)
      expect(res.body.errors[0].message).toMatch(/once the stay is completed/)
    }
    const late = await completedStay({ checkOutDaysAgo: 15 })
    const closed = await review(cast.guest, guestReview(late))
    expect(closed.status).toBe(422)
    expect(closed.body.errors[0].message).toMatch(/review window for this stay closed on/)
    const lastDay = await completedStay({ checkOutDaysAgo: 14 })
    expect((await review(cast.guest, guestReview(lastDay))).status).toBe(201)
  })

  it('one review per side: a second one is 409, also when sent in parallel', async () => {
    const stay = await completedStay()
    const results = await Promise.all([1, 2, 3, 4].map(() => review(cast.guest, guestReview(stay))))
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409])
    expect(results.find((r) => r.status === 409)!.body.errors[0].message).toMatch(/already reviewed this stay/)
    expect(Number((await sql('SELECT count(*) FROM reviews WHERE booking_id = $1', [stay.id])).rows[0].count)).toBe(1)
  })

  it('bad input gets 400 naming the problem, and stores nothing', async () => {
    const stay = await completedStay()
    const before = await reviewCount()
    const bad: [Record<string, unknown>, RegExp][] = [
      [guestReview(stay, { rating: 0 }), /Rating/],
      [guestReview(stay, { rating: 6 }), /Rating/],
      [guestReview(stay, { rating: 3.5 }), /Rating/],
      [guestReview(stay, { rating: 'five' }), /Rating|rating/],
      [guestReview(stay, { subRatings: { cleanliness: 7 } }), /Cleanliness/],
      [guestReview(stay, { comment: 'Too short' }), /comment|Comment/],
      [guestReview(stay, { comment: 'x'.repeat(2001) }), /comment|Comment/],
      [guestReview(stay, { comment: undefined }), /comment|Comment/],
      [guestReview(stay, { comment: 1234567890123 }), /Comment must be text/],
      [guestReview(stay, { comment: true }), /Comment must be text/],
      [guestReview(stay, { comment: ' '.repeat(40) }), /Comment must be text/],
      [guestReview(stay, { subject: 'host' }), /subject/],
      [guestReview(stay, { booking: 'abc' }), /booking/],
    ]
    for (const [body, message] of bad) {
      const res = await review(cast.guest, body)
      expect([res.status, JSON.stringify(res.body)]).toEqual([400, expect.stringMatching(message)])
    }
    const hostStay = await completedStay()
    const withSubRatings = await review(cast.host, hostReview(hostStay, { subRatings: { cleanliness: 5 } }))
    expect(withSubRatings.status).toBe(400)
    expect(withSubRatings.body.errors[0].message).toMatch(/subRatings are for reviews of a stay/)
    expect((await review(cast.guest, guestReview({ id: 999_999 }))).status).toBe(404)
    expect(await reviewCount()).toBe(before)
  })

  it('null groups mean "none given", on REST and GraphQL', async () => {
    const stay = await completedStay()
    expect((await review(cast.host, hostReview(stay, { subRatings: null }))).status).toBe(201)
    const res = await gql(
      stack,
      `mutation($b: Int!) { createReview(data: { booking: $b, subject: property, rating: 4, subRatings: null, comment: "Nice and quiet, good beds." }) { id status subRatings { cleanliness } } }`,
      { b: stay.id },
      { token: cast.guest.token },
    )
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data.createReview).toMatchObject({ status: 'published', subRatings: { cleanliness: null } })
  })

  it('the server sets author, listing, status and publication; client values are ignored', async () => {
    const stay = await completedStay()
    const res = await review(
      cast.guest,
      guestReview(stay, {
        status: 'published',
        publishedAt: '2020-01-01T00:00:00.000Z',
        author: cast.otherGuest.id,
        property: 1,
        hostResponse: { text: 'fake' },
      }),
    )
    expect(res.status).toBe(201)
    expect(res.body.doc).toMatchObject({
      status: 'pending',
      publishedAt: null,
      author: expect.objectContaining({ id: cast.guest.id }),
      property: expect.objectContaining({ id: listing.id }),
    })
    expect(res.body.doc.hostResponse?.text ?? null).toBeNull()
  })
})

// --- blind reveal ---------------------------------------------------------------------------------------

describe('blind until both sides are in', () => {
  it('a lone review is seen only by its author and staff; the second one publishes both at once', async () => {
    const stay = await completedStay()
    const mine = (await review(cast.guest, guestReview(stay, { rating: 4 }))).body.doc
    expect(mine.status).toBe('pending')
    expect((await rest(stack, 'GET', `/api/reviews/${mine.id}`, { token: cast.guest.token })).body.status).toBe('pending')
    expect((await rest(stack, 'GET', `/api/reviews/${mine.id}`, { token: cast.staff.token })).status).toBe(200)
    for (const who of [cast.host, cast.otherGuest, cast.otherHost])
      expect((await rest(stack, 'GET', `/api/reviews/${mine.id}`, { token: who.token })).status).toBe(404)
    expect((await rest(stack, 'GET', `/api/reviews/${mine.id}`)).status).toBe(404)
    expect((await publicReviews(listing.id)).map((r) => r.id)).not.toContain(mine.id)
    const hostView = await gql(stack, `query($id: Int!) { Review(id: $id) { id comment } }`, { id: mine.id }, { token: cast.host.token })
    expect(hostView.body.data?.Review ?? null).toBeNull()
    const before = await listingOf(listing.id)

    const theirs = await review(cast.host, hostReview(stay))
    expect(theirs.status).toBe(201)
    expect(theirs.body.doc.status).toBe('published')
    const [a, b] = await Promise.all([mine.id, theirs.body.doc.id].map(async (id) => (await rest(stack, 'GET', `/api/reviews/${id}`)).body))
    expect(a.status).toBe('published')
    expect(b.status).toBe('published')
    expect(a.publishedAt).toBe(b.publishedAt)
    const after = await listingOf(listing.id)
    expect(after.reviewCount).toBe(before.reviewCount + 1)
    await expectRatingsRecomputed(listing.id)
  })

  it('both submitting at the same moment still publishes both', async () => {
    const stay = await completedStay()
    const [g, h] = await Promise.all([review(cast.guest, guestReview(stay)), review(cast.host, hostReview(stay))])
    expect([g.status, h.status]).toEqual([201, 201])
    const statuses = (await sql('SELECT status FROM reviews WHERE booking_id = $1', [stay.id])).rows.map((r) => r.status)
    expect(statuses).toEqual(['published', 'published'])
  })

  it('a lone review is revealed by the window job when the window closes', async () => {
    const stay = await completedStay({ checkOutDaysAgo: 3 })
    const mine = (await review(cast.guest, guestReview(stay, { rating: 3 }))).body.doc
    // The job waits in Redis under a deterministic id, due when the window closes.
    const job = await queues.job('booking-lifecycle', `booking-${stay.id}-${Date.parse(stay.createdAt)}-reveal-reviews`)
    expect(job).toBeTruthy()
    expect(await job!.getState()).toBe('delayed')
    // BullMQ stamps the job a moment after its delay was computed, so it is due at the close or up to
    // that moment later — never earlier.
    const windowCloses = Date.parse(`${addDays(today, -3 + 15)}T00:00:00.000Z`)
    expect(job!.timestamp + job!.delay).toBeGreaterThanOrEqual(windowCloses)
    expect(job!.timestamp + job!.delay - windowCloses).toBeLessThan(60_000)
    // Time passes: the window is over. The job runs now instead of in 11 days.
    await sql('UPDATE bookings SET check_in = $2, check_out = $3 WHERE id = $1', [stay.id, addDays(today, -18), addDays(today, -15)])
    await job!.promote()
    await eventually('the review published by the job', async () => (await rest(stack, 'GET', `/api/reviews/${mine.id}`)).status === 200, {
      timeoutMs: 15_000,
    })
    expect((await rest(stack, 'GET', `/api/reviews/${mine.id}`)).body.status).toBe('published')
    await expectRatingsRecomputed(listing.id)
  })
})

// --- responses and moderation ------------------------------------------------------------------------------

describe('host responses and staff moderation', () => {
  let published: any
  beforeAll(async () => {
    const stay = await completedStay()
    published = (await review(cast.guest, guestReview(stay, { rating: 2, comment: 'The heating did not work for two days.' }))).body.doc
    await review(cast.host, hostReview(stay))
  })

  it('the listing’s host answers a published review once', async () => {
    for (const who of [cast.otherHost, cast.guest, cast.staff]) {
      expect(
        (await rest(stack, 'POST', `/api/reviews/${published.id}/response`, { token: who.token, body: { text: 'Thanks!' } })).status,
      ).toBe(403)
    }
    expect(
      (await rest(stack, 'POST', `/api/reviews/${published.id}/response`, { token: cast.host.token, body: { text: 'x'.repeat(1001) } }))
        .status,
    ).toBe(400)
    const res = await rest(stack, 'POST', `/api/reviews/${published.id}/response`, {
      token: cast.host.token,
      body: { text: 'Sorry about that — the boiler is replaced now.' },
    })
    expect(res.status).toBe(200)
    const again = await rest(stack, 'POST', `/api/reviews/${published.id}/response`, {
      token: cast.host.token,
      body: { text: 'And another thing' },
    })
    expect(again.status).toBe(409)
    const seen = (await rest(stack, 'GET', `/api/reviews/${published.id}`)).body
    expect(seen.hostResponse).toEqual({ text: 'Sorry about that — the boiler is replaced now.', respondedAt: expect.any(String) })
  })

  it('a pending review cannot be answered, and the host does not learn it exists', async () => {
    const stay = await completedStay()
    const pending = (await review(cast.guest, guestReview(stay))).body.doc
    expect(
      (await rest(stack, 'POST', `/api/reviews/${pending.id}/response`, { token: cast.host.token, body: { text: 'Thanks!' } })).status,
    ).toBe(404)
  })

  it('staff hide a review with a reason: gone for the public, ratings recomputed; and bring it back', async () => {
    expect(
      (await rest(stack, 'POST', `/api/reviews/${published.id}/hide`, { token: cast.host.token, body: { reason: 'unfair' } })).status,
    ).toBe(403)
    expect((await rest(stack, 'POST', `/api/reviews/${published.id}/hide`, { token: cast.staff.token, body: {} })).status).toBe(400)
    const hidden = await rest(stack, 'POST', `/api/reviews/${published.id}/hide`, {
      token: cast.staff.token,
      body: { reason: 'Contains personal details of a neighbour' },
    })
    expect(hidden.status).toBe(200)
    await expectRatingsRecomputed(listing.id)
    expect((await publicReviews(listing.id)).map((r) => r.id)).not.toContain(published.id)
    expect((await rest(stack, 'GET', `/api/reviews/${published.id}`)).status).toBe(404)
    expect((await rest(stack, 'GET', `/api/reviews/${published.id}`, { token: cast.host.token })).status).toBe(404)
    const authorView = (await rest(stack, 'GET', `/api/reviews/${published.id}`, { token: cast.guest.token })).body
    expect(authorView).toMatchObject({ status: 'hidden', hiddenReason: 'Contains personal details of a neighbour' })
    expect(
      (await rest(stack, 'POST', `/api/reviews/${published.id}/hide`, { token: cast.staff.token, body: { reason: 'again' } })).status,
    ).toBe(409)

    expect((await rest(stack, 'POST', `/api/reviews/${published.id}/unhide`, { token: cast.staff.token })).status).toBe(200)
    expect((await publicReviews(listing.id)).map((r) => r.id)).toContain(published.id)
    await expectRatingsRecomputed(listing.id)
  })
})

// --- ratings --------------------------------------------------------------------------------------------

describe('listing ratings', () => {
  it('always equal a recomputation from published reviews, after any sequence of publishes, hides and unhides (property)', async () => {
    const fresh = await createListing(stack, cast.host, { title: 'Ratings test flat' }, { publish: true })
    const ids: number[] = []
    const ratings = [5, 4, 3, 5, 2, 4]
    for (const [i, rating] of ratings.entries()) {
      const stay = await completedStay({ on: fresh })
      const sub =
        i % 3 === 0
          ? {}
          : {
              subRatings: {
                cleanliness: rating,
                accuracy: 5,
                communication: ((i * 2) % 5) + 1,
                location: 4,
                checkIn: i % 2 ? 5 : 3,
                value: rating,
              },
            }
      ids.push((await review(cast.guest, guestReview(stay, { rating, ...sub }))).body.doc.id)
      await review(cast.host, hostReview(stay))
    }
    await expectRatingsRecomputed(fresh.id)
    expect((await listingOf(fresh.id)).reviewCount).toBe(6)

    const star = fc.integer({ min: 1, max: 5 })
    const publish = fc.record({
      rating: star,
      subRatings: fc.option(
        fc.record({ cleanliness: star, accuracy: star, communication: star, location: star, checkIn: star, value: star }),
        { nil: undefined },
      ),
    })
    const step = fc.oneof(
      fc.tuple(fc.constantFrom('hide' as const, 'unhide' as const), fc.nat()),
      fc.tuple(fc.constant('publish' as const), publish),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        for (const [action, arg] of steps) {
          if (action === 'publish') {
            // A new stay reviewed by both sides: published at once.
            const stay = await completedStay({ on: fresh })
            const { rating, subRatings } = arg as { rating: number; subRatings?: Record<string, number> }
            ids.push((await review(cast.guest, guestReview(stay, { rating, subRatings }))).body.doc.id)
            expect((await review(cast.host, hostReview(stay))).body.doc.status).toBe('published')
          } else {
            const res = await rest(stack, 'POST', `/api/reviews/${ids[(arg as number) % ids.length]}/${action}`, {
              token: cast.staff.token,
              body: { reason: 'Property-based test' },
            })
            expect([200, 409]).toContain(res.status)
          }
          await expectRatingsRecomputed(fresh.id)
        }
      }),
      { numRuns: 12 },
    )
  }, 120_000)

  it('a host saving the listing keeps its ratings, and cannot write them', async () => {
    const stay = await completedStay()
    await review(cast.guest, guestReview(stay, { rating: 4 }))
    expect((await review(cast.host, hostReview(stay))).body.doc.status).toBe('published')
    const before = await listingOf(listing.id)
    expect(before.reviewCount).toBeGreaterThan(0)
    const res = await rest(stack, 'PATCH', `/api/properties/${listing.id}`, {
      token: cast.host.token,
      body: { title: 'Reviewed cottage by the sea', ratingAverage: 5, reviewCount: 999, ratingBreakdown: { value: 5 } },
    })
    expect(res.status).toBe(200)
    const after = await listingOf(listing.id)
    expect(after.title).toBe('Reviewed cottage by the sea')
    expect({ a: after.ratingAverage, c: after.reviewCount, b: after.ratingBreakdown }).toEqual({
      a: before.ratingAverage,
      c: before.reviewCount,
      b: before.ratingBreakdown,
    })
  })
})

// --- access matrix ------------------------------------------------------------------------------------------

describe('who reads which review, on REST and GraphQL', () => {
  it('pending: author and staff; published: everyone; hidden: author and staff', async () => {
    const pendingStay = await completedStay()
    const pending = (await review(cast.guest, guestReview(pendingStay))).body.doc
    // The other side's pending review is just as blind, to the guest and to filters on its fields.
    const hostPendingStay = await completedStay()
    const hostPending = (await review(cast.host, hostReview(hostPendingStay, { rating: 1 }))).body.doc
    expect((await rest(stack, 'GET', `/api/reviews/${hostPending.id}`, { token: cast.guest.token })).status).toBe(404)
    for (const who of [cast.guest, cast.otherGuest, cast.otherHost, undefined]) {
      const filtered = await rest(stack, 'GET', `/api/reviews?where[booking][equals]=${hostPendingStay.id}&where[rating][equals]=1`, {
        token: who?.token,
      })
      expect(filtered.body.totalDocs).toBe(0)
    }
    expect((await rest(stack, 'GET', `/api/reviews/${hostPending.id}`, { token: cast.host.token })).status).toBe(200)
    const publishedStay = await completedStay()
    const published = (await review(cast.guest, guestReview(publishedStay))).body.doc
    await review(cast.host, hostReview(publishedStay))
    const hiddenStay = await completedStay()
    const hidden = (await review(cast.guest, guestReview(hiddenStay))).body.doc
    await review(cast.host, hostReview(hiddenStay))
    expect(
      (await rest(stack, 'POST', `/api/reviews/${hidden.id}/hide`, { token: cast.staff.token, body: { reason: 'Spam' } })).status,
    ).toBe(200)

    const roles: [string, TestUser | undefined][] = [
      ['guest (author)', cast.guest],
      ['other guest', cast.otherGuest],
      ['host', cast.host],
      ['other host', cast.otherHost],
      ['staff', cast.staff],
      ['anonymous', undefined],
    ]
    const canRead: Record<string, string[]> = {
      pending: ['guest (author)', 'staff'],
      published: ['guest (author)', 'other guest', 'host', 'other host', 'staff', 'anonymous'],
      hidden: ['guest (author)', 'staff'],
    }
    const query = `query($id: Int!, $p: JSON) { Review(id: $id) { id status } Reviews(where: { property: { equals: $p } }, limit: 100) { docs { id } } }`
    for (const [state, doc] of Object.entries({ pending, published, hidden })) {
      for (const [role, who] of roles) {
        const allowed = canRead[state]!.includes(role)
        const one = await rest(stack, 'GET', `/api/reviews/${doc.id}`, { token: who?.token })
        const list = (
          await rest(stack, 'GET', `/api/reviews?where[property][equals]=${listing.id}&limit=100`, { token: who?.token })
        ).body.docs.map((r: any) => r.id)
        const graph = await gql(stack, query, { id: doc.id, p: listing.id }, { token: who?.token })
        const seen = {
          rest: one.status === 200,
          list: list.includes(doc.id),
          graphql: graph.body.data?.Review?.id === doc.id,
          graphqlList: (graph.body.data?.Reviews?.docs ?? []).some((r: any) => r.id === doc.id),
        }
        expect([state, role, seen]).toEqual([state, role, { rest: allowed, list: allowed, graphql: allowed, graphqlList: allowed }])
      }
    }
  })
})

// --- reading ----------------------------------------------------------------------------------------------

describe('reading reviews', () => {
  beforeAll(async () => {
    // A published review of its own, whatever else ran before.
    const stay = await completedStay()
    await review(cast.guest, guestReview(stay, { rating: 4 }))
    await review(cast.host, hostReview(stay))
  })

  it('anyone reads published reviews of a listing, newest first, on REST and GraphQL', async () => {
    const docs = await publicReviews(listing.id)
    expect(docs.length).toBeGreaterThan(0)
    expect(docs.every((r) => r.status === 'published')).toBe(true)
    const times = docs.map((r) => Date.parse(r.publishedAt))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(docs.every((r) => r.hiddenReason === undefined)).toBe(true)

    const res = await gql(
      stack,
      `query($p: JSON) { Reviews(where: { property: { equals: $p } }, sort: "-publishedAt", limit: 100) { docs { id status rating comment } } }`,
      { p: listing.id },
    )
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data.Reviews.docs.map((r: any) => r.id)).toEqual(docs.map((r) => r.id))
  })

  it('nobody edits or deletes a review through the API, on REST or GraphQL', async () => {
    const [one] = await publicReviews(listing.id)
    for (const who of [cast.guest, cast.host, cast.staff, cast.admin]) {
      expect(
        (await rest(stack, 'PATCH', `/api/reviews/${one.id}`, { token: who.token, body: { rating: 1, status: 'hidden' } })).status,
      ).toBe(403)
      expect((await rest(stack, 'DELETE', `/api/reviews/${one.id}`, { token: who.token })).status).toBe(403)
      const mutation = await gql(
        stack,
        `mutation($id: Int!) { updateReview(id: $id, data: { rating: 1 }) { id } }`,
        { id: one.id },
        { token: who.token },
      )
      expect(mutation.body.errors?.[0]?.message).toMatch(/not allowed/i)
    }
    expect((await rest(stack, 'GET', `/api/reviews/${one.id}`)).body.rating).toBe(one.rating)
  })

  it('a reviewed stay cannot be deleted', async () => {
    const [one] = await publicReviews(listing.id)
    const res = await rest(stack, 'DELETE', `/api/bookings/${typeof one.booking === 'object' ? one.booking.id : one.booking}`, {
      token: cast.admin.token,
    })
    expect(res.status).toBe(409)
  })
})
