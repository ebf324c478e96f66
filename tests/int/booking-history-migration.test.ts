import { migrationUnderTest } from '../helpers/migrationUnderTest'
import { bookingTitle } from '@/domain/bookingTitle'

/**
 * The booking_title_and_history migration on a database with bookings in every state, written before
 * bookings had a title or a history: each gets the title bookingTitle() gives (the migration writes it
 * in SQL), and a history of what its columns record — the first status at createdAt by the guest,
 * confirmedAt, the cancellation with its time, actor and reason, and declined / expired / completed at
 * updatedAt, saying that this is the best-known time. Then down and up again.
 */
const { up, down, query } = migrationUnderTest('booking_title_and_history')

const T = (iso: string) => new Date(iso)
const BEST_KNOWN = 'Recorded before status history was kept: the time is when the booking last changed.'

it('existing bookings get their title and the history their columns record; down and up again', async () => {
  const user = async (name: string, email: string) =>
    (await query(`INSERT INTO users (name, email) VALUES ($1, $2) RETURNING id`, [name, email]))[0].id as number
  const host = await user('Ana Host', 'old-host@example.test')
  const guest = await user('  Sam Lee ', 'old-guest@example.test')
  const instant = (await query(`INSERT INTO properties (title, host_id) VALUES ('Villa on Lake Como', $1) RETURNING id`, [host]))[0].id
  const onRequest = (
    await query(`INSERT INTO properties (title, host_id, instant_book) VALUES ('Alpine hut', $1, false) RETURNING id`, [host])
  )[0].id

  const created = '2027-01-02T09:00:00.000Z'
  const updated = '2027-01-05T18:30:00.000Z'
  type Row = Record<string, unknown> & { property: number; checkIn: string; checkOut: string; status: string }
  const rows: Record<string, Row> = {
    awaiting: { property: instant, checkIn: '2027-01-11', checkOut: '2027-01-15', status: 'awaiting_payment' },
    requested: { property: onRequest, checkIn: '2027-01-30', checkOut: '2027-02-02', status: 'requested' },
    confirmed: {
      property: onRequest,
      checkIn: '2027-02-10',
      checkOut: '2027-02-12',
      status: 'confirmed',
      confirmed_at: '2027-01-03T10:00:00.000Z',
    },
    completed: {
      property: instant,
      checkIn: '2026-12-30',
      checkOut: '2027-01-02',
      status: 'completed',
      confirmed_at: '2027-01-02T09:05:00.000Z',
    },
    declined: { property: instant, checkIn: '2027-03-01', checkOut: '2027-03-03', status: 'declined' },
    expired: { property: instant, checkIn: '2027-03-05', checkOut: '2027-03-07', status: 'expired' },
    cancelledByGuest: {
      property: instant,
      checkIn: '2027-03-10',
      checkOut: '2027-03-12',
      status: 'cancelled',
      confirmed_at: '2027-01-02T09:10:00.000Z',
      cancelled_at: '2027-01-04T08:00:00.000Z',
      cancelled_by: 'guest',
      cancellation_reason: 'Plans changed',
    },
    cancelledByStaff: {
      property: instant,
      checkIn: '2027-03-14',
      checkOut: '2027-03-16',
      status: 'cancelled',
      cancelled_at: '2027-01-04T09:00:00.000Z',
      cancelled_by: 'staff',
    },
    cancelledUntimed: { property: instant, checkIn: '2027-03-20', checkOut: '2027-03-22', status: 'cancelled' },
  }
  const ids: Record<string, number> = {}
  for (const [key, r] of Object.entries(rows)) {
    const [{ id }] = await query(
      `INSERT INTO bookings (property_id, guest_id, host_id, check_in, check_out, guests, status, confirmed_at, cancelled_at,
         cancelled_by, cancellation_reason, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 2, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        r.property,
        guest,
        host,
        r.checkIn,
        r.checkOut,
        r.status,
        r.confirmed_at ?? null,
        r.cancelled_at ?? null,
        r.cancelled_by ?? null,
        r.cancellation_reason ?? null,
        created,
        updated,
      ],
    )
    ids[key] = id
  }
  // A booking whose guest account is gone (guest_id set null) still gets a title.
  const [{ id: orphan }] = await query(
    `INSERT INTO bookings (property_id, check_in, check_out, guests, status, created_at, updated_at)
     VALUES ($1, '2027-04-01', '2027-04-03', 1, 'expired', $2, $3) RETURNING id`,
    [instant, created, updated],
  )

  await up()

  const titles = Object.fromEntries(
    (await query(`SELECT id, title FROM bookings`)).map((r) => [r.id as number, r.title as string]),
  ) as Record<number, string>
  for (const [key, r] of Object.entries(rows)) {
    const listingTitle = r.property === instant ? 'Villa on Lake Como' : 'Alpine hut'
    expect({ key, title: titles[ids[key]!] }).toEqual({
      key,
      title: bookingTitle({ guestName: '  Sam Lee ', listingTitle, checkIn: r.checkIn, checkOut: r.checkOut }),
    })
  }
  expect(titles[ids.awaiting!]).toBe('Sam Lee · Villa on Lake Como · 11–15 Jan 2027')
  expect(titles[ids.requested!]).toBe('Sam Lee · Alpine hut · 30 Jan – 2 Feb 2027')
  expect(titles[ids.completed!]).toBe('Sam Lee · Villa on Lake Como · 30 Dec 2026 – 2 Jan 2027')
  expect(titles[orphan]).toBe(
    bookingTitle({ guestName: null, listingTitle: 'Villa on Lake Como', checkIn: '2027-04-01', checkOut: '2027-04-03' }),
  )

  const history = async (id: number) =>
    (
      await query(
        `SELECT _order, status::text, at, actor::text, by_id, note, length(id) AS id_length FROM bookings_history
         WHERE _parent_id = $1 ORDER BY _order`,
        [id],
      )
    ).map(({ id_length, ...r }) => {
      expect(id_length).toBe(24)
      return r
    })
  const first = (status: string) => ({ _order: 1, status, at: T(created), actor: 'guest', by_id: guest, note: null })
  expect(await history(ids.awaiting!)).toEqual([first('awaiting_payment')])
  // The listing takes requests only: its bookings began as requests.
  expect(await history(ids.requested!)).toEqual([first('requested')])
  expect(await history(ids.confirmed!)).toEqual([
    first('requested'),
    { _order: 2, status: 'confirmed', at: T(rows.confirmed!.confirmed_at as string), actor: 'system', by_id: null, note: null },
  ])
  expect(await history(ids.completed!)).toEqual([
    first('awaiting_payment'),
    { _order: 2, status: 'confirmed', at: T(rows.completed!.confirmed_at as string), actor: 'system', by_id: null, note: null },
    { _order: 3, status: 'completed', at: T(updated), actor: 'system', by_id: null, note: BEST_KNOWN },
  ])
  // A declined booking was a request, whatever the listing says now.
  expect(await history(ids.declined!)).toEqual([
    first('requested'),
    { _order: 2, status: 'declined', at: T(updated), actor: 'host', by_id: host, note: BEST_KNOWN },
  ])
  expect(await history(ids.expired!)).toEqual([
    first('awaiting_payment'),
    { _order: 2, status: 'expired', at: T(updated), actor: 'system', by_id: null, note: BEST_KNOWN },
  ])
  expect(await history(ids.cancelledByGuest!)).toEqual([
    first('awaiting_payment'),
    { _order: 2, status: 'confirmed', at: T(rows.cancelledByGuest!.confirmed_at as string), actor: 'system', by_id: null, note: null },
    {
      _order: 3,
      status: 'cancelled',
      at: T(rows.cancelledByGuest!.cancelled_at as string),
      actor: 'guest',
      by_id: guest,
      note: 'Plans changed',
    },
  ])
  // Which staff member cancelled was never stored: the role is all there is.
  expect(await history(ids.cancelledByStaff!)).toEqual([
    first('awaiting_payment'),
    { _order: 2, status: 'cancelled', at: T(rows.cancelledByStaff!.cancelled_at as string), actor: 'staff', by_id: null, note: null },
  ])
  expect(await history(ids.cancelledUntimed!)).toEqual([
    first('awaiting_payment'),
    { _order: 2, status: 'cancelled', at: T(updated), actor: 'system', by_id: null, note: BEST_KNOWN },
  ])
  expect(await history(orphan)).toEqual([
    { _order: 1, status: 'awaiting_payment', at: T(created), actor: 'guest', by_id: null, note: null },
    { _order: 2, status: 'expired', at: T(updated), actor: 'system', by_id: null, note: BEST_KNOWN },
  ])

  // Down removes both; up again gives the same answers.
  await down()
  expect(await query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'bookings' AND column_name = 'title'`)).toEqual([])
  expect(await query(`SELECT to_regclass('bookings_history') AS t`)).toEqual([{ t: null }])
  await up()
  expect((await query(`SELECT title FROM bookings WHERE id = $1`, [ids.awaiting])).map((r) => r.title)).toEqual([
    'Sam Lee · Villa on Lake Como · 11–15 Jan 2027',
  ])
  expect(await history(ids.cancelledByGuest!)).toHaveLength(3)
})
