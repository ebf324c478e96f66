import { migrationUnderTest } from '../helpers/migrationUnderTest'

/**
 * The calendar_token migration on a database with listings and their versions: each existing listing
 * gets its own 64-hex token, its versions carry it, the column refuses duplicates, and a row written
 * outside Payload still gets one. Then down and up again.
 */
const { up, down, query } = migrationUnderTest('calendar_token')

it('gives every existing listing (and its versions) its own token, unique, and new rows one too', async () => {
  const [{ id: userId }] = await query(`INSERT INTO users (name, email) VALUES ('Old Host', 'old-host@example.test') RETURNING id`)
  const listings: number[] = []
  for (const title of ['Old listing one', 'Old listing two', 'Old listing three']) {
    const [{ id }] = await query(`INSERT INTO properties (title, host_id) VALUES ($1, $2) RETURNING id`, [title, userId])
    await query(`INSERT INTO _properties_v (parent_id, version_title) VALUES ($1, $2)`, [id, title])
    listings.push(id)
  }
  await up()

  const tokens = await query(`SELECT id, calendar_token FROM properties ORDER BY id`)
  expect(tokens.map((r) => r.id)).toEqual(listings)
  for (const r of tokens) expect(r.calendar_token).toMatch(/^[0-9a-f]{64}$/)
  expect(new Set(tokens.map((r) => r.calendar_token)).size).toBe(listings.length)
  const versions = await query(
    `SELECT v.version_calendar_token = p.calendar_token AS same FROM _properties_v v JOIN properties p ON p.id = v.parent_id`,
  )
  expect(versions.map((r) => r.same)).toEqual([true, true, true])

  const [fresh] = await query(`INSERT INTO properties (title, host_id) VALUES ('Seeded listing', $1) RETURNING calendar_token`, [userId])
  expect(fresh.calendar_token).toMatch(/^[0-9a-f]{64}$/)
  await expect(query(`UPDATE properties SET calendar_token = $1 WHERE id = $2`, [tokens[0].calendar_token, listings[1]])).rejects.toThrow(
    /properties_calendar_token_idx/,
  )

  await down()
  await up()
  expect((await query(`SELECT count(DISTINCT calendar_token) AS n FROM properties`))[0].n).toBe('4')
})
