import { migrationUnderTest } from '../helpers/migrationUnderTest'

/**
 * The stay_dates_as_calendar_dates migration on a database that has bookings and blocks written the old
 * way (timestamptz at 12:00 UTC, Payload's convention for a day): every row keeps its calendar day, the
 * calendar (stay_reservations) is unchanged, and the triggers and the exclusion constraint still guard
 * it. Then down and up again.
 */
const { up, down, query } = migrationUnderTest('stay_dates_as_calendar_dates')

it('old timestamps read as the same calendar days after the migration, and the calendar still holds', async () => {
  const [{ id: userId }] = await query(`INSERT INTO users (name, email) VALUES ('Old Host', 'old-host@example.test') RETURNING id`)
  const [{ id: propertyId }] = await query(`INSERT INTO properties (title, host_id) VALUES ('Old listing', $1) RETURNING id`, [userId])
  // As Payload wrote them: noon UTC. One written at a day's first and last UTC instants, too.
  const stays = [
    { checkIn: '2027-04-24T12:00:00.000Z', checkOut: '2027-04-27T12:00:00.000Z', status: 'confirmed', days: ['2027-04-24', '2027-04-27'] },
    { checkIn: '2027-05-01T00:00:00.000Z', checkOut: '2027-05-03T23:59:59.999Z', status: 'requested', days: ['2027-05-01', '2027-05-03'] },
    { checkIn: '2027-04-25T12:00:00.000Z', checkOut: '2027-04-26T12:00:00.000Z', status: 'cancelled', days: ['2027-04-25', '2027-04-26'] },
  ]
  const ids: number[] = []
  for (const s of stays) {
    const [{ id }] = await query(
      `INSERT INTO bookings (property_id, guest_id, check_in, check_out, guests, status) VALUES ($1, $2, $3, $4, 2, $5) RETURNING id`,
      [propertyId, userId, s.checkIn, s.checkOut, s.status],
    )
    ids.push(id)
  }
  const [{ id: blockId }] = await query(
    `INSERT INTO availability_blocks (property_id, start_date, end_date) VALUES ($1, '2027-06-10T12:00:00Z', '2027-06-14T12:00:00Z') RETURNING id`,
    [propertyId],
  )
  const calendar = `SELECT booking_id, block_id, nights::text FROM stay_reservations ORDER BY id`
  const before = await query(calendar)
  expect(before.map((r) => r.nights)).toEqual(['[2027-04-24,2027-04-27)', '[2027-05-01,2027-05-03)', '[2027-06-10,2027-06-14)'])

  await up()

  const types = await query(`SELECT table_name, column_name, data_type FROM information_schema.columns
    WHERE column_name IN ('check_in', 'check_out', 'start_date', 'end_date') AND table_name IN ('bookings', 'availability_blocks') ORDER BY 1, 2`)
  expect(types.every((t) => t.data_type === 'date')).toBe(true)
  expect(types).toHaveLength(4)
  const rows = await query(`SELECT id, check_in::text AS ci, check_out::text AS co FROM bookings ORDER BY id`)
  expect(rows.map((r) => [r.ci, r.co])).toEqual(stays.map((s) => s.days))
  expect(await query(`SELECT start_date::text AS s, end_date::text AS e FROM availability_blocks`)).toEqual([
    { s: '2027-06-10', e: '2027-06-14' },
  ])
  expect(await query(calendar)).toEqual(before)

  // The triggers follow the new columns: an overlap is refused by the constraint, a move is mirrored.
  await expect(
    query(
      `INSERT INTO bookings (property_id, check_in, check_out, guests, status) VALUES ($1, '2027-04-26', '2027-04-28', 1, 'requested')`,
      [propertyId],
    ),
  ).rejects.toMatchObject({ code: '23P01', constraint: 'stay_reservations_no_overlap' })
  await query(`UPDATE availability_blocks SET end_date = '2027-06-20' WHERE id = $1`, [blockId])
  expect(await query(`SELECT nights::text FROM stay_reservations WHERE block_id = $1`, [blockId])).toEqual([
    { nights: '[2027-06-10,2027-06-20)' },
  ])
  await query(`UPDATE bookings SET status = 'cancelled' WHERE id = $1`, [ids[0]])
  expect(await query(`SELECT 1 FROM stay_reservations WHERE booking_id = $1`, [ids[0]])).toEqual([])

  // Payload's like/contains/not_like reach a date column as date ILIKE text.
  expect(await query(`SELECT id FROM bookings WHERE check_in ILIKE $1 ORDER BY id`, ['%2027-04%'])).toEqual([
    { id: ids[0] },
    { id: ids[2] },
  ])
  expect(await query(`SELECT id FROM bookings WHERE check_in NOT ILIKE $1`, ['%2027-04%'])).toEqual([{ id: ids[1] }])

  // Down restores noon-UTC timestamps and the old triggers; up again gives the same days.
  await down()
  expect((await query(`SELECT check_in FROM bookings WHERE id = $1`, [ids[0]]))[0].check_in.toISOString()).toBe('2027-04-24T12:00:00.000Z')
  await expect(
    query(
      `INSERT INTO availability_blocks (property_id, start_date, end_date) VALUES ($1, '2027-06-19T12:00:00Z', '2027-06-21T12:00:00Z')`,
      [propertyId],
    ),
  ).rejects.toMatchObject({ code: '23P01' })
  await up()
  expect((await query(`SELECT check_in::text AS ci FROM bookings ORDER BY id`)).map((r) => r.ci)).toEqual(stays.map((s) => s.days[0]))
})
