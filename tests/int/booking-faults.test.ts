import { addDays, utcDate } from '@/domain/stayDates'
import { type TestUser, rest, signUp } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { jobIds } from '@/jobs/registry'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { listStatements } from '../helpers/sqlCounter'
import { type Stack, startStack } from '../helpers/stack'

/**
 * Faults between the server and Postgres in the middle of a booking: the server's connection is cut at
 * a chosen statement by the proxy it talks to Postgres through (tests/helpers/sqlCounter.ts), as when the
 * network or the database goes away mid-request.
 */
let stack: Stack
let queues: StackQueues
let guest: TestUser
let listing: { id: number }

beforeAll(async () => {
  stack = await startStack({ countStatements: true })
  await signUp(stack, { label: 'admin' }) // the first account becomes the admin
  const host = await signUp(stack, { label: 'host', roles: ['host'] })
  guest = await signUp(stack, { label: 'guest' })
  listing = await createListing(stack, host, { title: 'Flat on a flaky line', instantBook: true }, { publish: true })
  queues = stackQueues(stack)
}, 180_000)
afterAll(async () => {
  await queues?.close()
  await stack?.stop()
}, 120_000)

describe('a booking written but not answered', () => {
  it('its retry with the same Idempotency-Key answers with that booking (not a 409 for its own nights), and only one exists', async () => {
    const checkIn = addDays(utcDate(new Date()), 40)
    const body = { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 }
    const key = `cut-${Date.now()}`
    const book = () => rest(stack, 'POST', '/api/bookings', { token: guest.token, body, headers: { 'idempotency-key': key } })

    // After the booking's INSERT, the next statement records the answer under the key: cut there.
    stack.sql!.reset()
    const cut = stack.sql!.cutNext(/^\s*UPDATE booking_idempotency_keys SET status_code/i)
    const first = await book()
    const cutStatement = await cut
    const statements = stack.sql!.statements()
    const inserted = statements.findIndex((s) => /INSERT INTO bookings/.test(s))
    // The fault came after the booking's INSERT, or the test is not about a written booking.
    expect({ inserted: inserted !== -1, cutAfterInsert: statements.indexOf(cutStatement) > inserted }).toEqual({
      inserted: true,
      cutAfterInsert: true,
    })
    expect({ status: first.status, statements: first.status >= 500 ? 'as expected' : listStatements(statements) }).toEqual({
      status: 500,
      statements: 'as expected',
    })

    const retry = await book()
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.body.doc).toMatchObject({ property: expect.anything(), checkIn, status: 'awaiting_payment' })
    // The first request failed before its after-create work; the retry did it: the hold ends on time.
    const { id, holdExpiresAt } = retry.body.doc
    expect(await queues.job('booking-lifecycle', jobIds.expireHold(id, holdExpiresAt))).toBeDefined()

    const mine = await rest(stack, 'GET', `/api/bookings?depth=0&where[property][equals]=${listing.id}&where[checkIn][equals]=${checkIn}`, {
      token: guest.token,
    })
    expect(mine.body.docs.map((d: { id: number }) => d.id)).toEqual([retry.body.doc.id])

    // The answer is recorded now: the next retry is a plain replay of it.
    const again = await book()
    expect({ status: again.status, id: again.body.doc?.id, replayed: again.headers.get('idempotent-replayed') }).toEqual({
      status: 201,
      id: retry.body.doc.id,
      replayed: 'true',
    })
  })
})
