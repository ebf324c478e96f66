import { Queue } from 'bullmq'
import { Redis } from 'ioredis'

import { MAIL_QUEUE, PAYMENTS_QUEUE, bullPrefix } from '@/jobs/registry'
import { addDays, utcDate } from '@/domain/stayDates'
import { GOOD_PASSWORD } from '../helpers/constants'
import { type Cast, type TestUser, gql, rest, signUpCast, uniqueEmail } from '../helpers/api'
import { makeImage } from '../helpers/images'
import { createListing, listingInput } from '../helpers/listings'
import { type Stack, type WorkerProcess, queryDatabase, startStack, startWorker } from '../helpers/stack'
import { eventually as waitFor } from '../helpers/wait'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * Timestamps are the server's: whatever createdAt/updatedAt (or other server-owned date) a client sends
 * through REST or GraphQL, on any collection, is ignored — and so the 24-hour grace refund, which
 * compares a cancellation with the booking's createdAt, cannot be bought with a forged one.
 */
let stripe: StripeStandIn
let stack: Stack
let worker: WorkerProcess | undefined
let redis: Redis
let cast: Cast
let listing: { id: number }
let nonRefundable: { id: number }
let week = 0
const today = utcDate(new Date())
const FORGED = '2099-01-01T00:00:00.000Z'
const forged = { createdAt: FORGED, updatedAt: FORGED }

beforeAll(async () => {
  stripe = await startStripeStandIn()
  stack = await startStack({ env: { ...stripe.env, JOB_RETRY_DELAY_MS: '200' } })
  cast = await signUpCast(stack)
  listing = await createListing(stack, cast.host, { title: 'Timestamp test flat' }, { publish: true })
  nonRefundable = await createListing(
    stack,
    cast.host,
    { title: 'No refunds loft', cancellationPolicy: 'non_refundable' },
    { publish: true },
  )
  worker = await startWorker(stack)
  redis = new Redis(stack.env.REDIS_URL!, { maxRetriesPerRequest: null })
}, 120_000)

afterAll(async () => {
  redis?.disconnect()
  await worker?.stop()
  await stack?.stop()
  await stripe?.close()
})

const sql = (statement: string, params: unknown[] = []) => queryDatabase(stack, statement, params)
const eventually = <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000) =>
  waitFor(what, probe, { timeoutMs, detail: () => `worker:\n${worker?.output().slice(-3000)}` })

/** The row's timestamps as the database has them. */
async function stored(table: string, id: number): Promise<Record<'created_at' | 'updated_at', Date | null>>
async function stored<C extends string>(table: string, id: number, columns: readonly C[]): Promise<Record<C, Date | null>>
async function stored(
  table: string,
  id: number,
  columns: readonly string[] = ['created_at', 'updated_at'],
): Promise<Record<string, Date | null>> {
  const { rows } = await sql(`SELECT ${columns.join(', ')} FROM ${table} WHERE id = $1`, [id])
  expect(rows).toHaveLength(1)
  return rows[0]
}

/** Set by the server just now (this machine's clock, with minutes of slack: no exact times). */
function expectServerTime(value: Date | null | undefined, label: string) {
  if (!(value instanceof Date)) throw new Error(`${label} is ${String(value)}, not a time`)
  if (Math.abs(value.getTime() - Date.now()) > 10 * 60_000)
    throw new Error(`${label} is ${value.toISOString()}, not the server's time of now`)
}

/** The server's hold: BOOKING_HOLD_MINUTES (15) from now, not the client's 2099. */
function expectHold(value: Date | null | undefined) {
  const minutes = value ? (value.getTime() - Date.now()) / 60_000 : Number.NaN
  if (!(minutes > 0 && minutes <= 16)) throw new Error(`hold_expires_at is ${value?.toISOString()}, not the server's hold from now`)
}

function expectServerTimestamps(row: Record<string, Date | null>) {
  for (const [column, value] of Object.entries(row)) expectServerTime(value, column)
}

const userIdByEmail = async (email: string) => Number((await sql('SELECT id FROM users WHERE email = $1', [email])).rows[0]?.id)

const nextStay = () => {
  const checkIn = addDays(today, 30 + 4 * week++)
  return { checkIn, checkOut: addDays(checkIn, 2) }
}

/** A stay that happened, so its guest may review it: booked through the API, then moved into the past. */
async function completedStay(guest: TestUser): Promise<number> {
  const res = await rest(stack, 'POST', '/api/bookings', { token: guest.token, body: { property: listing.id, ...nextStay(), guests: 1 } })
  expect(res.status).toBe(201)
  const checkOut = addDays(today, -2)
  await sql(`UPDATE bookings SET status = 'completed', check_in = $2, check_out = $3, confirmed_at = now() WHERE id = $1`, [
    res.body.doc.id,
    addDays(checkOut, -2),
    checkOut,
  ])
  return res.body.doc.id
}

const guestReview = (booking: number) => ({
  booking,
  subject: 'property',
  rating: 4,
  subRatings: { cleanliness: 4, accuracy: 4, communication: 4, location: 4, checkIn: 4, value: 4 },
  comment: 'Quiet and clean; the timestamps were mine to choose, or so I thought.',
})

async function uploadPhoto(who: TestUser, fields: Record<string, unknown>) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(await makeImage(320, 240))], { type: 'image/jpeg' }), 'photo.jpg')
  form.append('_payload', JSON.stringify(fields))
  const res = await fetch(`${stack.url}/api/media`, {
    method: 'POST',
    body: form,
    headers: { authorization: `JWT ${who.token}` },
    signal: AbortSignal.timeout(60_000),
  })
  return { status: res.status, body: (await res.json()) as any }
}

// --- every collection a client can write --------------------------------------------------------------

describe('REST: client timestamps are ignored', () => {
  it('registration (POST /api/users) and profile updates (PATCH /api/users/:id)', async () => {
    const email = uniqueEmail('forger')
    const created = await rest(stack, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'Forger', ...forged } })
    expect(created.status).toBe(201)
    const id = await userIdByEmail(email)
    expectServerTimestamps(await stored('users', id))

    const before = await stored('users', cast.otherGuest.id)
    const patched = await rest(stack, 'PATCH', `/api/users/${cast.otherGuest.id}`, {
      token: cast.otherGuest.token,
      body: { name: 'Renamed', ...forged },
    })
    expect(patched.status).toBe(200)
    const after = await stored('users', cast.otherGuest.id)
    expect(after.created_at).toEqual(before.created_at)
    expectServerTime(after.updated_at, 'updated_at')
  })

  it('a registration cannot plant a login session either', async () => {
    const email = uniqueEmail('sessions')
    const sessions = [{ id: 'planted-session', createdAt: FORGED, expiresAt: FORGED }]
    expect((await rest(stack, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'Planter', sessions } })).status).toBe(
      201,
    )
    const id = await userIdByEmail(email)
    expect((await sql('SELECT id FROM users_sessions WHERE _parent_id = $1', [id])).rows).toEqual([])
  })

  it('properties: create and update, and publishedAt', async () => {
    const created = await rest(stack, 'POST', '/api/properties', {
      token: cast.host.token,
      body: listingInput({ _status: 'published', title: 'Forged dates flat', publishedAt: FORGED, ...forged }),
    })
    expect(created.status).toBe(201)
    const id = created.body.doc.id
    expectServerTimestamps(await stored('properties', id, ['created_at', 'updated_at', 'published_at']))

    const before = await stored('properties', id)
    const patched = await rest(stack, 'PATCH', `/api/properties/${id}`, {
      token: cast.host.token,
      body: { title: 'Forged dates flat, renamed', publishedAt: FORGED, ...forged },
    })
    expect(patched.status).toBe(200)
    const after = await stored('properties', id, ['created_at', 'updated_at', 'published_at'])
    expect(after.created_at).toEqual(before.created_at)
    expectServerTimestamps(after)
  })

  it('bookings: createdAt, and the hold, confirmation and cancellation times', async () => {
    const res = await rest(stack, 'POST', '/api/bookings', {
      token: cast.guest.token,
      body: { property: listing.id, ...nextStay(), guests: 1, holdExpiresAt: FORGED, confirmedAt: FORGED, cancelledAt: FORGED, ...forged },
    })
    expect(res.status).toBe(201)
    expect(res.body.doc.createdAt).not.toBe(FORGED)
    const row = await stored('bookings', res.body.doc.id, ['created_at', 'updated_at', 'hold_expires_at', 'confirmed_at', 'cancelled_at'])
    expectServerTimestamps({ created_at: row.created_at, updated_at: row.updated_at })
    expectHold(row.hold_expires_at)
    expect([row.confirmed_at, row.cancelled_at]).toEqual([null, null])
  })

  it('availability blocks: create and update', async () => {
    const start = addDays(today, 400 + 7 * week++)
    const created = await rest(stack, 'POST', '/api/availability-blocks', {
      token: cast.host.token,
      body: { property: listing.id, startDate: start, endDate: addDays(start, 2), reason: 'owner_use', ...forged },
    })
    expect(created.status).toBe(201)
    const id = created.body.doc.id
    expectServerTimestamps(await stored('availability_blocks', id))
    const before = await stored('availability_blocks', id)
    expect(
      (
        await rest(stack, 'PATCH', `/api/availability-blocks/${id}`, {
          token: cast.host.token,
          body: { endDate: addDays(start, 3), ...forged },
        })
      ).status,
    ).toBe(200)
    const after = await stored('availability_blocks', id)
    expect(after.created_at).toEqual(before.created_at)
    expectServerTimestamps(after)
  })

  it('media: upload and update', async () => {
    const created = await uploadPhoto(cast.host, { alt: 'A lake at dawn', ...forged })
    expect(created.status).toBe(201)
    const id = created.body.doc.id
    expectServerTimestamps(await stored('media', id))
    const before = await stored('media', id)
    expect(
      (await rest(stack, 'PATCH', `/api/media/${id}`, { token: cast.host.token, body: { alt: 'A lake at dusk', ...forged } })).status,
    ).toBe(200)
    const after = await stored('media', id)
    expect(after.created_at).toEqual(before.created_at)
    expectServerTimestamps(after)
  })

  it('reviews: createdAt and publishedAt', async () => {
    const booking = await completedStay(cast.guest)
    const res = await rest(stack, 'POST', '/api/reviews', {
      token: cast.guest.token,
      body: { ...guestReview(booking), publishedAt: FORGED, ...forged },
    })
    expect(res.status).toBe(201)
    const row = await stored('reviews', res.body.doc.id, ['created_at', 'updated_at', 'published_at'])
    expectServerTimestamps({ created_at: row.created_at, updated_at: row.updated_at })
    // Hidden until the host reviews too or the window closes: no publication time yet, least of all 2099.
    expect(row.published_at).toBeNull()
  })

  it('payload-preferences', async () => {
    const res = await rest(stack, 'POST', '/api/payload-preferences', {
      token: cast.guest.token,
      body: { key: 'forged-rest', value: { a: 1 }, ...forged },
    })
    expect(res.status).toBe(201)
    expectServerTimestamps(await stored('payload_preferences', res.body.doc.id))
  })
})

describe('GraphQL: client timestamps are ignored', () => {
  const mutate = async (who: TestUser | undefined, query: string, variables: Record<string, unknown>) => {
    const res = await gql(stack, query, variables, { token: who?.token })
    expect(res.status).toBe(200)
    expect(res.body.errors).toBeUndefined()
    return res.body.data as any
  }

  it('createUser and updateUser', async () => {
    const email = uniqueEmail('gqlforger')
    await mutate(undefined, 'mutation($data: mutationUserInput!) { createUser(data: $data) { id } }', {
      data: { email, password: GOOD_PASSWORD, name: 'GraphQL Forger', ...forged },
    })
    expectServerTimestamps(await stored('users', await userIdByEmail(email)))

    const before = await stored('users', cast.otherGuest.id)
    await mutate(cast.otherGuest, 'mutation($id: Int!, $data: mutationUserUpdateInput!) { updateUser(id: $id, data: $data) { id } }', {
      id: cast.otherGuest.id,
      data: { name: 'Renamed by GraphQL', ...forged },
    })
    const after = await stored('users', cast.otherGuest.id)
    expect(after.created_at).toEqual(before.created_at)
    expectServerTime(after.updated_at, 'updated_at')
  })

  it('createProperty and updateProperty', async () => {
    const data = await mutate(cast.host, 'mutation($data: mutationPropertyInput!) { createProperty(data: $data) { id } }', {
      data: listingInput({ _status: 'published', title: 'GraphQL forged flat', publishedAt: FORGED, ...forged }),
    })
    const id = data.createProperty.id
    expectServerTimestamps(await stored('properties', id, ['created_at', 'updated_at', 'published_at']))
    const before = await stored('properties', id)
    await mutate(cast.host, 'mutation($id: Int!, $data: mutationPropertyUpdateInput!) { updateProperty(id: $id, data: $data) { id } }', {
      id,
      data: { title: 'GraphQL forged, renamed', publishedAt: FORGED, ...forged },
    })
    const after = await stored('properties', id, ['created_at', 'updated_at', 'published_at'])
    expect(after.created_at).toEqual(before.created_at)
    expectServerTimestamps(after)
  })

  it('createBooking', async () => {
    const data = await mutate(cast.guest, 'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id createdAt } }', {
      data: { property: listing.id, ...nextStay(), guests: 1, holdExpiresAt: FORGED, confirmedAt: FORGED, cancelledAt: FORGED, ...forged },
    })
    expect(data.createBooking.createdAt).not.toBe(FORGED)
    const row = await stored('bookings', data.createBooking.id, [
      'created_at',
      'updated_at',
      'hold_expires_at',
      'confirmed_at',
      'cancelled_at',
    ])
    expectServerTimestamps({ created_at: row.created_at, updated_at: row.updated_at })
    expectHold(row.hold_expires_at)
    expect([row.confirmed_at, row.cancelled_at]).toEqual([null, null])
  })

  it('createAvailabilityBlock and updateAvailabilityBlock', async () => {
    const start = addDays(today, 400 + 7 * week++)
    const data = await mutate(
      cast.host,
      'mutation($data: mutationAvailabilityBlockInput!) { createAvailabilityBlock(data: $data) { id } }',
      {
        data: { property: listing.id, startDate: start, endDate: addDays(start, 2), reason: 'owner_use', ...forged },
      },
    )
    const id = data.createAvailabilityBlock.id
    expectServerTimestamps(await stored('availability_blocks', id))
    const before = await stored('availability_blocks', id)
    await mutate(
      cast.host,
      'mutation($id: Int!, $data: mutationAvailabilityBlockUpdateInput!) { updateAvailabilityBlock(id: $id, data: $data) { id } }',
      { id, data: { endDate: addDays(start, 3), ...forged } },
    )
    const after = await stored('availability_blocks', id)
    expect(after.created_at).toEqual(before.created_at)
    expectServerTimestamps(after)
  })

  it('updateMedia', async () => {
    const created = await uploadPhoto(cast.host, { alt: 'A meadow' })
    expect(created.status).toBe(201)
    const id = created.body.doc.id
    const before = await stored('media', id)
    await mutate(cast.host, 'mutation($id: Int!, $data: mutationMediaUpdateInput!) { updateMedia(id: $id, data: $data) { id } }', {
      id,
      data: { alt: 'A meadow in June', ...forged },
    })
    const after = await stored('media', id)
    expect(after.created_at).toEqual(before.created_at)
    expectServerTimestamps(after)
  })

  it('createReview', async () => {
    const booking = await completedStay(cast.otherGuest)
    const data = await mutate(cast.otherGuest, 'mutation($data: mutationReviewInput!) { createReview(data: $data) { id } }', {
      data: { ...guestReview(booking), publishedAt: FORGED, ...forged },
    })
    const row = await stored('reviews', data.createReview.id, ['created_at', 'updated_at', 'published_at'])
    expectServerTimestamps({ created_at: row.created_at, updated_at: row.updated_at })
    expect(row.published_at).toBeNull()
  })

  it('createPayloadPreference and updatePayloadPreference', async () => {
    const data = await mutate(
      cast.guest,
      'mutation($data: mutationPayloadPreferenceInput!) { createPayloadPreference(data: $data) { id } }',
      { data: { key: 'forged-gql', value: { a: 1 }, ...forged } },
    )
    const id = data.createPayloadPreference.id
    expectServerTimestamps(await stored('payload_preferences', id))
    const before = await stored('payload_preferences', id)
    await mutate(
      cast.guest,
      'mutation($id: Int!, $data: mutationPayloadPreferenceUpdateInput!) { updatePayloadPreference(id: $id, data: $data) { id } }',
      { id, data: { value: { a: 2 }, ...forged } },
    )
    const after = await stored('payload_preferences', id)
    expect(after.created_at).toEqual(before.created_at)
    expectServerTimestamps(after)
  })
})

// --- the attack: a forged createdAt buying the 24-hour grace refund ----------------------------------

/** No payments or mail job left to run (the worker's repeatable schedules aside). */
async function queuesIdle(): Promise<boolean> {
  for (const name of [PAYMENTS_QUEUE, MAIL_QUEUE]) {
    const queue = new Queue(name, { connection: redis, prefix: bullPrefix(stack.env.REDIS_PREFIX!) })
    try {
      const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'])
      if (jobs.some((job) => !job.repeatJobKey)) return false
    } finally {
      await queue.close()
    }
  }
  return true
}

describe('the 24-hour grace refund uses the server-set createdAt', () => {
  const aboutBooking = (text: string, bookingId: number) => new RegExp(`^Booking: #${bookingId}$`, 'm').test(text)

  /**
   * A non-refundable stay more than 7 days ahead, booked with a forged createdAt, paid, and cancelled by
   * the guest two days after booking: outside the grace period, so nothing comes back.
   */
  async function attack(create: () => Promise<number>) {
    const id = await create()
    const intent = await rest(stack, 'POST', `/api/bookings/${id}/payment-intent`, { token: cast.guest.token })
    expect(intent.status).toBe(200)
    expect((await stripe.deliver(`${stack.url}/api/stripe/webhook`, stripe.succeed(intent.body.paymentIntentId))).status).toBe(200)
    await eventually(
      'booking confirmed',
      async () => (await rest(stack, 'GET', `/api/bookings/${id}`, { token: cast.guest.token })).body.status === 'confirmed',
    )

    const { created_at: createdAt } = await stored('bookings', id, ['created_at'])
    expectServerTime(createdAt, 'created_at')
    // Two days pass (with a forged createdAt of 2099, it would still lie in the future).
    await sql(`UPDATE bookings SET created_at = created_at - interval '2 days' WHERE id = $1`, [id])

    const cancelled = await rest(stack, 'POST', `/api/bookings/${id}/cancel`, {
      token: cast.guest.token,
      body: { reason: 'Changed my mind' },
    })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.doc).toMatchObject({ status: 'cancelled', refundAmount: 0 })
    // The mails are queued after any refund: once they are out and nothing is left to run, Stripe has
    // been asked for everything it ever will be.
    await eventually(
      'cancellation mails',
      async () => stack.mail.messages.filter((m) => /cancelled/i.test(m.subject) && aboutBooking(m.text, id)).length >= 2,
    )
    await eventually('queues idle', queuesIdle)
    expect([...stripe.refunds.values()].filter((r) => r.payment_intent === intent.body.paymentIntentId)).toEqual([])
  }

  it('REST: POST /api/bookings with createdAt 2099 → no refund', async () => {
    await attack(async () => {
      const res = await rest(stack, 'POST', '/api/bookings', {
        token: cast.guest.token,
        body: { property: nonRefundable.id, ...nextStay(), guests: 1, createdAt: FORGED },
      })
      expect(res.status).toBe(201)
      return res.body.doc.id
    })
  })

  it('GraphQL: createBooking with createdAt 2099 → no refund', async () => {
    await attack(async () => {
      const res = await gql(
        stack,
        'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id } }',
        { data: { property: nonRefundable.id, ...nextStay(), guests: 1, createdAt: FORGED } },
        { token: cast.guest.token },
      )
      expect(res.body.errors).toBeUndefined()
      return res.body.data.createBooking.id
    })
  })
})
