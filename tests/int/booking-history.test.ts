import { BOOKING_LIFECYCLE_QUEUE } from '@/jobs/registry'
import { bookingTitle } from '@/domain/bookingTitle'
import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, queryDatabase, startStack, startWorker } from '../helpers/stack'
import { eventually as waitFor } from '../helpers/wait'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * A booking's title and status history through the real API: every status it takes is recorded by
 * the one transition function with who made it so — the guest who books and cancels, the host who
 * accepts or declines, staff, and Staybase itself for a payment (the Stripe stand-in's webhook, as in
 * payments.test.ts), an expired hold and a completed stay (the worker's sweep). Staff read which user
 * acted; the guest and the host read the role only. Nobody writes a title or a history, by REST or
 * GraphQL, whatever their role.
 */
let stripe: StripeStandIn
let stack: Stack
let worker: WorkerProcess | undefined
let queues: StackQueues
let cast: Cast
let instant: { id: number }
let onRequest: { id: number }
let week = 0
const FORGED_TITLE = 'Forged title'
const FORGED_HISTORY = [{ status: 'confirmed', at: '2020-01-01T00:00:00.000Z', actor: 'system', note: 'forged' }]

beforeAll(async () => {
  stripe = await startStripeStandIn()
  stack = await startStack({ env: { ...stripe.env, JOB_RETRY_DELAY_MS: '200', JOB_LOCK_SECONDS: '5', BOOKING_HOLD_MINUTES: '30' } })
  cast = await signUpCast(stack, { guestName: 'Sam Lee' })
  instant = await createListing(stack, cast.host, { title: 'Villa on Lake Como' }, { publish: true })
  onRequest = await createListing(stack, cast.host, { title: 'Alpine hut', instantBook: false }, { publish: true })
  worker = await startWorker(stack)
  queues = stackQueues(stack)
}, 120_000)

afterAll(async () => {
  await queues?.close()
  await worker?.stop()
  await stack?.stop()
  await stripe?.close()
}, 120_000)

const eventually = <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000) =>
  waitFor(what, probe, { timeoutMs, detail: () => `worker:\n${worker?.output().slice(-3000)}` })
const sql = (statement: string, params: unknown[] = []) => queryDatabase(stack, statement, params)

/** A stay nobody else uses. */
function nextStay(nights = 3) {
  const checkIn = addDays(utcDate(new Date()), 30 + 5 * week++)
  return { checkIn, checkOut: addDays(checkIn, nights) }
}

async function book(listing: { id: number }, guest: TestUser = cast.guest, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: guest.token,
    body: { property: listing.id, ...nextStay(), guests: 2, ...extra },
  })
  expect(res.status).toBe(201)
  return res.body.doc
}

const read = async (id: number, user: TestUser) => (await rest(stack, 'GET', `/api/bookings/${id}?depth=0`, { token: user.token })).body
/** The history as a list of "status by actor (user)" lines, read as `user` (staff by default). */
async function historyOf(id: number, user: TestUser = cast.staff): Promise<string[]> {
  const { history } = await read(id, user)
  return history.map((e: any) => `${e.status} by ${e.actor}${'by' in e ? ` (${e.by ?? '-'})` : ''}`)
}
/** The times are the server's: now-ish, in order, each a full ISO timestamp. */
function expectTimesInOrder(history: { at: string }[]) {
  const times = history.map((e) => Date.parse(e.at))
  for (const t of times) expect(Math.abs(t - Date.now())).toBeLessThan(10 * 60_000)
  expect([...times].sort((a, b) => a - b)).toEqual(times)
}

/** Runs the booking-lifecycle sweep now (it is what expires overdue holds and completes past stays) and waits for it. */
async function sweep(): Promise<void> {
  const job = await queues.queue(BOOKING_LIFECYCLE_QUEUE).add('sweep', {}, { jobId: `history-test-sweep-${Date.now()}` })
  await queues.waitForJobState(BOOKING_LIFECYCLE_QUEUE, job.id!, 'completed', 30_000)
}

describe('title', () => {
  it('is "guest · listing · stay", set by the server when the booking is made (REST and GraphQL)', async () => {
    const booking = await book(instant, cast.guest, { title: FORGED_TITLE })
    const expected = bookingTitle({
      guestName: 'Sam Lee',
      listingTitle: 'Villa on Lake Como',
      checkIn: booking.checkIn,
      checkOut: booking.checkOut,
    })
    expect(booking.title).toBe(expected)
    expect(expected).toMatch(/^Sam Lee · Villa on Lake Como · \d/)
    expect((await read(booking.id, cast.host)).title).toBe(expected)

    const stay = nextStay()
    const res = await gql(
      stack,
      'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id title } }',
      { data: { property: instant.id, ...stay, guests: 1 } },
      { token: cast.guest.token },
    )
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data.createBooking.title).toBe(
      bookingTitle({ guestName: 'Sam Lee', listingTitle: 'Villa on Lake Como', checkIn: stay.checkIn, checkOut: stay.checkOut }),
    )
  })
})

describe('history', () => {
  it('an instant booking: awaiting payment by the guest, confirmed by the system when Stripe says paid, cancelled by the guest with the reason', async () => {
    const booking = await book(instant)
    expect(booking.history).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{24}$/), status: 'awaiting_payment', at: booking.createdAt, actor: 'guest', note: null },
    ])
    const intent = (await rest(stack, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })).body
    expect((await stripe.deliver(`${stack.url}/api/stripe/webhook`, stripe.succeed(intent.paymentIntentId))).status).toBe(200)
    await eventually('booking confirmed', async () => (await read(booking.id, cast.guest)).status === 'confirmed')

    const cancelled = await rest(stack, 'POST', `/api/bookings/${booking.id}/cancel`, {
      token: cast.guest.token,
      body: { reason: 'Plans changed' },
    })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.doc.history.map((e: any) => [e.status, e.actor, 'by' in e])).toEqual([
      ['awaiting_payment', 'guest', false],
      ['confirmed', 'system', false],
      ['cancelled', 'guest', false],
    ])
    expect(await historyOf(booking.id)).toEqual([
      `awaiting_payment by guest (${cast.guest.id})`,
      'confirmed by system (-)',
      `cancelled by guest (${cast.guest.id})`,
    ])
    const asStaff = await read(booking.id, cast.staff)
    expect(asStaff.history.map((e: any) => e.note)).toEqual([null, null, 'Plans changed'])
    expectTimesInOrder(asStaff.history)
    // The confirmation is recorded when the booking was confirmed (confirmedAt, within the same transaction).
    expect(Math.abs(Date.parse(asStaff.history[1].at) - Date.parse(asStaff.confirmedAt))).toBeLessThan(5_000)
  })

  it('a request: requested by the guest, accepted by the host, expired by the system when the hold runs out', async () => {
    const booking = await book(onRequest)
    expect(booking.status).toBe('requested')
    const accepted = await rest(stack, 'POST', `/api/bookings/${booking.id}/accept`, { token: cast.host.token })
    expect(accepted.status).toBe(200)
    // The answer is the booking as the host reads it: roles, not user ids.
    expect(accepted.body.doc.history.map((e: any) => [e.status, e.actor, 'by' in e])).toEqual([
      ['requested', 'guest', false],
      ['awaiting_payment', 'host', false],
    ])
    // Time passes: the guest's payment hold is over, and the sweep expires it.
    await sql(`UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = $1`, [booking.id])
    await sweep()
    expect((await read(booking.id, cast.guest)).status).toBe('expired')
    expect(await historyOf(booking.id)).toEqual([
      `requested by guest (${cast.guest.id})`,
      `awaiting_payment by host (${cast.host.id})`,
      'expired by system (-)',
    ])
    expect((await read(booking.id, cast.staff)).history[2].note).toBe('Not paid before the hold ran out.')
  })

  it('declined by the host through GraphQL; cancelled by staff through GraphQL', async () => {
    const declined = await book(onRequest)
    const decline = await gql(
      stack,
      'mutation($id: Int!) { declineBooking(id: $id) { id status } }',
      { id: declined.id },
      { token: cast.host.token },
    )
    expect(decline.body.errors).toBeUndefined()
    expect(await historyOf(declined.id)).toEqual([`requested by guest (${cast.guest.id})`, `declined by host (${cast.host.id})`])

    const byStaff = await book(instant)
    const cancel = await gql(
      stack,
      'mutation($id: Int!, $reason: String) { cancelBooking(id: $id, reason: $reason) { id status } }',
      { id: byStaff.id, reason: 'Listing closed for repairs' },
      { token: cast.staff.token },
    )
    expect(cancel.body.errors).toBeUndefined()
    // Staff's own answer says who acted.
    const staffAnswer = await rest(stack, 'POST', `/api/bookings/${(await book(instant)).id}/cancel`, { token: cast.staff.token, body: {} })
    expect(staffAnswer.body.doc.history.map((e: any) => e.by)).toEqual([cast.guest.id, cast.staff.id])
    expect(await historyOf(byStaff.id)).toEqual([`awaiting_payment by guest (${cast.guest.id})`, `cancelled by staff (${cast.staff.id})`])
  })

  it('a stay that is over: completed by the system', async () => {
    const booking = await book(instant)
    const intent = (await rest(stack, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })).body
    expect((await stripe.deliver(`${stack.url}/api/stripe/webhook`, stripe.succeed(intent.paymentIntentId))).status).toBe(200)
    await eventually('booking confirmed', async () => (await read(booking.id, cast.guest)).status === 'confirmed')
    // Time passes: the stay is over (its nights moved into the past, where nobody else has any).
    const checkOut = addDays(utcDate(new Date()), -1 - week)
    await sql(`UPDATE bookings SET check_in = $2, check_out = $3 WHERE id = $1`, [booking.id, addDays(checkOut, -3), checkOut])
    await sweep()
    expect(await historyOf(booking.id)).toEqual([
      `awaiting_payment by guest (${cast.guest.id})`,
      'confirmed by system (-)',
      'completed by system (-)',
    ])
  })

  it('who acted is for staff to read: the guest and the host read the role (REST and GraphQL), and cannot filter on it', async () => {
    const booking = await book(instant)
    await rest(stack, 'POST', `/api/bookings/${booking.id}/cancel`, { token: cast.staff.token, body: { reason: 'Fraud check' } })
    for (const user of [cast.guest, cast.host]) {
      expect(await historyOf(booking.id, user)).toEqual(['awaiting_payment by guest', 'cancelled by staff'])
      const res = await gql(
        stack,
        'query($id: Int!) { Booking(id: $id) { history { status actor by { id } note } } }',
        { id: booking.id },
        { token: user.token },
      )
      expect(res.body.data.Booking.history).toEqual([
        { status: 'awaiting_payment', actor: 'guest', by: null, note: null },
        { status: 'cancelled', actor: 'staff', by: null, note: 'Fraud check' },
      ])
      const filtered = await rest(stack, 'GET', `/api/bookings?where[history.by][equals]=${cast.staff.id}&depth=0`, { token: user.token })
      if (filtered.status === 200) expect(filtered.body.docs).toEqual([])
      else expect(filtered.status).toBe(400)
    }
    const asStaff = await gql(
      stack,
      'query($id: Int!) { Booking(id: $id) { history { actor by { id } } } }',
      { id: booking.id },
      { token: cast.staff.token },
    )
    expect(asStaff.body.data.Booking.history).toEqual([
      { actor: 'guest', by: { id: cast.guest.id } },
      { actor: 'staff', by: { id: cast.staff.id } },
    ])
  })
})

describe('nobody writes a title or a history', () => {
  const roles = ['guest', 'host', 'staff', 'admin'] as const

  it.each(roles)('%s: REST and GraphQL create keep the server’s; REST and GraphQL update are refused', async (role) => {
    // A host books someone else's listing; everyone else books the host's.
    const user = cast[role]
    const listing = role === 'host' ? await createListing(stack, cast.otherHost, { title: 'Other host flat' }, { publish: true }) : instant
    const created = await book(listing, user, { title: FORGED_TITLE, history: FORGED_HISTORY })
    const gqlStay = nextStay()
    const viaGraphql = await gql(
      stack,
      'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id } }',
      { data: { property: listing.id, ...gqlStay, guests: 1, title: FORGED_TITLE, history: FORGED_HISTORY } },
      { token: user.token },
    )
    // Refused as a client's mistake, never as a server error.
    expect(viaGraphql.status).toBeLessThan(500)
    for (const error of viaGraphql.body.errors ?? []) expect(error.extensions?.statusCode ?? 400).toBeLessThan(500)
    const ids = [created.id, viaGraphql.body.data?.createBooking?.id].filter(Boolean)
    // GraphQL may refuse the unknown input outright; if it took the booking, it kept none of it.
    expect(ids.length === 2 || viaGraphql.body.errors?.length).toBeTruthy()
    for (const id of ids) {
      const { rows } = await sql(
        `SELECT b.title, (SELECT json_agg(json_build_object('status', h.status, 'actor', h.actor, 'by', h.by_id, 'note', h.note) ORDER BY h._order)
           FROM bookings_history h WHERE h._parent_id = b.id) AS history FROM bookings b WHERE b.id = $1`,
        [id],
      )
      expect(rows[0].title).not.toBe(FORGED_TITLE)
      expect(rows[0].title).toMatch(/ · /)
      expect(rows[0].history).toEqual([{ status: 'awaiting_payment', actor: 'guest', by: user.id, note: null }])
    }

    const before = (
      await sql(`SELECT title, (SELECT count(*) FROM bookings_history WHERE _parent_id = $1) AS n FROM bookings WHERE id = $1`, [
        created.id,
      ])
    ).rows[0]
    const patch = await rest(stack, 'PATCH', `/api/bookings/${created.id}`, {
      token: user.token,
      body: { title: FORGED_TITLE, history: FORGED_HISTORY },
    })
    expect([403, 404]).toContain(patch.status)
    const update = await gql(
      stack,
      'mutation($id: Int!, $data: mutationBookingUpdateInput!) { updateBooking(id: $id, data: $data) { id title } }',
      { id: created.id, data: { title: FORGED_TITLE, history: FORGED_HISTORY } },
      { token: user.token },
    )
    expect(update.body.errors?.length).toBeGreaterThan(0)
    expect(update.body.data?.updateBooking ?? null).toBeNull()
    const after = (
      await sql(`SELECT title, (SELECT count(*) FROM bookings_history WHERE _parent_id = $1) AS n FROM bookings WHERE id = $1`, [
        created.id,
      ])
    ).rows[0]
    expect(after).toEqual(before)
  })
})
