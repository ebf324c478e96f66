import { migrationUnderTest } from '../helpers/migrationUnderTest'

/**
 * The messages migration on a database with bookings: each booking's messageToHost becomes its
 * conversation's first message (from the guest, at the booking's time, already "mailed": it came with the
 * booking), bookings without one (or with only whitespace) get none; afterwards a booking inserted by any
 * path gets its first message in the same statement; texts are 1…2000 characters; down and up again.
 */
const { up, down, query } = migrationUnderTest('_messages')

it('backfills messageToHost as the first message, and the trigger writes it for new bookings', async () => {
  const [{ id: guest }] = await query(`INSERT INTO users (name, email) VALUES ('Old Guest', 'old-guest@example.test') RETURNING id`)
  const [{ id: host }] = await query(`INSERT INTO users (name, email) VALUES ('Old Host', 'old-host@example.test') RETURNING id`)
  const [{ id: listing }] = await query(`INSERT INTO properties (title, host_id) VALUES ('Old listing', $1) RETURNING id`, [host])
  const book = async (n: number, message: string | null) =>
    (
      await query(
        `INSERT INTO bookings (property_id, guest_id, host_id, check_in, check_out, guests, status, message_to_host, created_at)
         VALUES ($1, $2, $3, $4, $5, 2, 'confirmed', $6, $7) RETURNING id, created_at`,
        [listing, guest, host, `2027-0${n}-01`, `2027-0${n}-03`, message, `2026-0${n}-15T10:00:00.000Z`],
      )
    )[0]
  const withMessage = await book(1, 'We arrive late, around 22:00.')
  await book(2, null)
  await book(3, '   ')
  await up()

  const rows = await query(`SELECT booking_id, sender_id, from_role, text, created_at, mailed_at, read_at FROM messages`)
  expect(rows).toEqual([
    {
      booking_id: withMessage.id,
      sender_id: guest,
      from_role: 'guest',
      text: 'We arrive late, around 22:00.',
      created_at: withMessage.created_at,
      mailed_at: withMessage.created_at,
      read_at: null,
    },
  ])

  const fresh = await book(4, 'Hello from a seeder')
  expect(await query(`SELECT text, created_at FROM messages WHERE booking_id = $1`, [fresh.id])).toEqual([
    { text: 'Hello from a seeder', created_at: fresh.created_at },
  ])
  await book(5, '')
  expect((await query(`SELECT count(*)::int AS n FROM messages`))[0].n).toBe(2)
  await expect(
    query(`INSERT INTO messages (booking_id, from_role, text) VALUES ($1, 'host', $2)`, [fresh.id, 'x'.repeat(2001)]),
  ).rejects.toThrow(/messages_text_length/)
  // A booking's messages go with it.
  await query(`DELETE FROM bookings WHERE id = $1`, [fresh.id])
  expect((await query(`SELECT count(*)::int AS n FROM messages`))[0].n).toBe(1)

  await down()
  await up()
  expect((await query(`SELECT booking_id FROM messages`)).map((r) => r.booking_id)).toEqual([withMessage.id])
})
