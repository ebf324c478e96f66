/**
 * CI's bench:seed smoke (`npx tsx bench/seed/smoke.ts`, after the build): migrates a throw-away
 * database `<test db>_bench_smoke` on TEST_DATABASE_URL's server, seeds 2,000 listings / 20,000
 * bookings into it with `npm run bench:seed`, checks the counts and that a second run without --force
 * is refused, then drops it.
 */
import { spawn } from 'node:child_process'

import pg from 'pg'

import { canConnect, createDatabase, dropDatabase, runMigrations, splitDatabaseUrl, withDatabase } from '../../scripts/lib/database'

const LISTINGS = 2_000
const BOOKINGS = 20_000

function run(env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench:seed', '--', ...args], { env, stdio: 'inherit' })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code ?? 1))
  })
}

async function main(): Promise<void> {
  const { serverUrl, database } = splitDatabaseUrl(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/staybase_test')
  if (!(await canConnect(serverUrl))) {
    console.log(`bench:seed smoke skipped: no PostgreSQL answers at ${new URL(serverUrl).host}.`)
    return
  }
  const name = `${database}_bench_smoke`
  const url = withDatabase(serverUrl, name)
  const env = { ...process.env, DATABASE_URL: url, PAYLOAD_SECRET: process.env.PAYLOAD_SECRET || 'bench-smoke-secret-0123456789abcdef' }
  await dropDatabase(serverUrl, name)
  await createDatabase(serverUrl, name)
  try {
    await runMigrations(env)
    const started = Date.now()
    const code = await run(env, ['--listings', String(LISTINGS), '--bookings', String(BOOKINGS), '--now', '2026-06-01T12:00:00Z'])
    if (code !== 0) throw new Error(`bench:seed exited with ${code}`)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query<Record<string, string>>(`SELECT
          (SELECT count(*) FROM properties WHERE _status = 'published') AS listings,
          (SELECT count(*) FROM bookings) AS bookings,
          (SELECT count(DISTINCT status) FROM bookings) AS statuses,
          (SELECT count(*) FROM stay_reservations) AS reservations,
          (SELECT count(*) FROM messages) AS messages,
          (SELECT count(*) FROM bookings WHERE message_to_host ~ '[^[:space:]]') AS first_messages,
          (SELECT count(*) FROM bookings WHERE status IN ('requested', 'awaiting_payment', 'confirmed')) + (SELECT count(*) FROM availability_blocks) AS active,
          (SELECT count(*) FROM _properties_v WHERE latest AND version__status = 'published') AS versions,
          (SELECT count(*) FROM users WHERE email = 'bench-guest-1@staybase.bench' AND _verified) AS bench_guest,
          (SELECT count(*) FROM properties p WHERE review_count <> (SELECT count(*) FROM reviews r WHERE r.property_id = p.id AND r.subject = 'property' AND r.status = 'published')) AS wrong_counts`)
      const c = rows[0]! // SELECT without FROM: one row
      const problems = [
        Number(c.listings) !== LISTINGS && `${c.listings} published listings, expected ${LISTINGS}`,
        Number(c.bookings) !== BOOKINGS && `${c.bookings} bookings, expected ${BOOKINGS}`,
        Number(c.statuses) !== 7 && `${c.statuses} booking statuses, expected all 7`,
        c.reservations !== c.active && `${c.reservations} stay_reservations for ${c.active} active bookings and blocks`,
        (c.messages !== c.first_messages || Number(c.messages) === 0) &&
          `${c.messages} messages for ${c.first_messages} bookings with a messageToHost`,
        Number(c.versions) !== LISTINGS && `${c.versions} published latest versions`,
        Number(c.bench_guest) !== 1 && 'no verified bench-guest-1',
        Number(c.wrong_counts) !== 0 && `${c.wrong_counts} listings whose review_count disagrees with their reviews`,
      ].filter(Boolean)
      if (problems.length) throw new Error(`bench:seed smoke: ${problems.join('; ')}`)
    } finally {
      await client.end()
    }
    const refused = await run(env, ['--listings', '10', '--bookings', '10'])
    if (refused !== 2) throw new Error(`bench:seed on a seeded database exited with ${refused}, expected 2 (refused without --force)`)
    console.log(
      `bench:seed smoke passed (${((Date.now() - started) / 1000).toFixed(1)} s): ${LISTINGS} listings, ${BOOKINGS} bookings, counts consistent.`,
    )
  } finally {
    await dropDatabase(serverUrl, name)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
