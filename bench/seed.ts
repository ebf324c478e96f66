/**
 * Benchmark data: `npm run bench:seed -- --listings 100000 --bookings 2000000` fills the database at
 * DATABASE_URL (migrating it first when it has never been migrated) with a generated world written
 * straight into the tables Payload's migrations created — users, media, published listings and their
 * versions, bookings with their nights, payments, blocks and reviews — by COPY, in one transaction.
 * See the README ("Benchmarks") for the options and the accounts it prints.
 *
 * Why one transaction: a failed or interrupted run leaves the database as it was, and COPY … FREEZE
 * (rows written frozen and all-visible, so nothing needs vacuuming afterwards) needs the tables to be
 * truncated in the same transaction. Secondary indexes are dropped for the load and rebuilt at the end
 * (each built once, sorted, instead of 2M random inserts); FK checks and the reservation triggers are
 * skipped for the load (session_replication_role = replica) and stay_reservations is filled by one
 * INSERT … SELECT with the same rule as the triggers — the exclusion constraint still checks every row,
 * so no two active bookings or blocks of a listing overlap.
 */
import { pbkdf2Sync } from 'node:crypto'
import { parseArgs } from 'node:util'

import { SingleBar } from 'cli-progress'
import pg from 'pg'

import { runMigrations } from '../scripts/lib/database'
import { BufferedWriter, CopyWriter } from './seed/copy'
import { type Plan, S, makePlan } from './seed/plan'
import { createRng } from './seed/rng'
import {
  type Accounts,
  PER_NIGHT_SQL,
  type Sink,
  writeBlocks,
  writeBookings,
  writeListings,
  writeMedia,
  writeReviews,
  writeUsers,
} from './seed/write'

const USAGE = `Usage: npm run bench:seed -- [--listings N] [--bookings N] [--blocks N] [--seed S] [--now ISO] [--bench-guests N] [--force]
  --listings N      published listings (default 100000)
  --bookings N      bookings, every status (default 2000000)
  --blocks N        availability blocks (default: one per listing)
  --seed S          PRNG seed; the same seed, sizes and --now give the same rows (default "staybase")
  --now ISO         the generator's "now": past stays are completed, future ones confirmed… (default: the current time)
  --bench-guests N  bench-guest-<n>@staybase.bench accounts (default 200)
  --password P      password of every generated account (default ${'"staybase-bench-2026"'})
  --force           empty the generated tables first when the database already has data
Writes to DATABASE_URL (default postgres://postgres@127.0.0.1:5432/staybase).`

/** Every table the generator writes (or empties with --force), parents first. */
const TABLES = [
  'users',
  'users_roles',
  'users_sessions',
  'media',
  'properties',
  'properties_amenities',
  'properties_rels',
  '_properties_v',
  '_properties_v_version_amenities',
  '_properties_v_rels',
  'availability_blocks',
  'bookings',
  'bookings_quote_per_night',
  'stay_reservations',
  'payments',
  'payments_refunds',
  'reviews',
  'booking_idempotency_keys',
]
// Payload's local strategy (payload/dist/auth/strategies/local/generatePasswordSaltHash.js).
const PBKDF2 = { iterations: 600_000, keyLength: 32, prefix: 'pbkdf2-sha256-v1:' }

type Args = {
  listings: number
  bookings: number
  blocks: number
  seed: string
  now: Date
  benchGuests: number
  password: string
  force: boolean
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      listings: { type: 'string' },
      bookings: { type: 'string' },
      blocks: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
      'bench-guests': { type: 'string' },
      password: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const count = (name: string, value: string | undefined, fallback: number, min: number) => {
    if (value === undefined) return fallback
    const n = Number(value.replace(/_/g, ''))
    if (!Number.isInteger(n) || n < min || n > 50_000_000)
      throw new Error(`--${name} must be a whole number from ${min} to 50000000 (got ${value}).`)
    return n
  }
  const listings = count('listings', values.listings, 100_000, 1)
  const now = values.now ? new Date(values.now) : new Date()
  if (Number.isNaN(now.getTime())) throw new Error(`--now must be an ISO date or timestamp (got ${values.now}).`)
  const password = values.password ?? 'staybase-bench-2026'
  if ([...password].length < 10) throw new Error('--password must have at least 10 characters (the app refuses shorter ones).')
  return {
    listings,
    bookings: count('bookings', values.bookings, 2_000_000, 0),
    blocks: count('blocks', values.blocks, listings, 0),
    seed: values.seed ?? 'staybase',
    now,
    benchGuests: count('bench-guests', values['bench-guests'], 200, 1),
    password,
    force: values.force ?? false,
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2))
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/staybase'
  const started = Date.now()
  const phases: [string, number][] = []
  let phaseStart = Date.now()
  const phase = (label: string) => {
    const t = Date.now()
    phases.push([label, t - phaseStart])
    phaseStart = t
  }
  const client = new pg.Client({ connectionString: url, application_name: 'staybase-bench-seed' })
  await client.connect()
  try {
    const migrated = (await client.query<{ t: string | null }>(`SELECT to_regclass('public.payload_migrations')::text AS t`)).rows[0]!.t
    if (!migrated) {
      console.log('No migrations table: applying the committed migrations first (dist/migrate.js)…')
      await runMigrations({ ...process.env, DATABASE_URL: url })
      phase('migrate')
    }
    const present = (
      await client.query<{ name: string }>(
        `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname = ANY($1)`,
        [TABLES],
      )
    ).rows.map((r) => r.name)
    const missing = TABLES.filter((t) => !present.includes(t) && t !== 'booking_idempotency_keys')
    if (missing.length)
      throw new Error(
        `The database lacks tables the generator writes (${missing.join(', ')}): run \`npm run migrate\` with this DATABASE_URL.`,
      )
    const tables = TABLES.filter((t) => present.includes(t))

    const existing = (
      await client.query<{ users: boolean; listings: boolean; bookings: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM users) AS users, EXISTS (SELECT 1 FROM properties) AS listings, EXISTS (SELECT 1 FROM bookings) AS bookings`,
      )
    ).rows[0]! // SELECT without FROM: one row
    if ((existing.users || existing.listings || existing.bookings) && !args.force) {
      const what = Object.entries(existing)
        .filter(([, v]) => v)
        .map(([k]) => k)
        .join(', ')
      console.error(
        `Refusing to seed: the database already has ${what}. Use --force to empty the generated tables (${tables.join(', ')}) and start over.`,
      )
      process.exitCode = 2
      return
    }

    console.log(
      `Planning ${args.listings} listings, ${args.bookings} bookings, ${args.blocks} blocks (seed "${args.seed}", now ${args.now.toISOString()})…`,
    )
    const plan = makePlan({ ...args }, () => {})
    phase('plan')
    const saltRng = createRng(`${args.seed}:salt`)
    const salt = Array.from({ length: 32 }, () => (saltRng.uint() & 0xff).toString(16).padStart(2, '0')).join('')
    const hash = PBKDF2.prefix + pbkdf2Sync(args.password, salt, PBKDF2.iterations, PBKDF2.keyLength, 'sha256').toString('hex')
    phase('password hash')

    const superuser =
      (await client.query<{ su: boolean }>(`SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`)).rows[0]?.su ?? false
    await client.query('BEGIN')
    await client.query(`SET LOCAL maintenance_work_mem = '512MB'`)
    await client.query(`SET LOCAL synchronous_commit = off`)
    // Without superuser rights the triggers and FK checks run row by row: slower, same result.
    if (superuser) await client.query(`SET LOCAL session_replication_role = replica`)
    await client.query(`TRUNCATE ${tables.map(ident).join(', ')} RESTART IDENTITY CASCADE`)
    const indexes = (
      await client.query<{ name: string; def: string }>(
        `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)`,
        [tables],
      )
    ).rows
    for (const index of indexes) await client.query(`DROP INDEX ${index.name}`)
    phase('truncate, drop indexes')

    const bar = new SingleBar({
      format: ' {bar} {percentage}% | {value}/{total} rows | {table} | {duration_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 15_000,
      hideCursor: true,
    })
    bar.start(expectedRows(plan), 0, { table: '' })
    const counts = new Map<string, number>()
    const open = (table: string, columns: string[]) => {
      bar.update({ table })
      return CopyWriter.open(client, table, columns, true, (rows) => {
        counts.set(table, rows)
        bar.update(
          [...counts.values()].reduce((a, b) => a + b, 0),
          { table },
        )
      })
    }
    const sink: Sink = { open, buffered: (table, columns) => new BufferedWriter(() => open(table, columns)) }
    const timed = async (label: string, write: () => Promise<unknown>) => {
      const result = await write()
      phase(label)
      return result
    }
    const accounts = (await timed('users', () => writeUsers(sink, plan, salt, hash, args.password))) as Accounts
    const firstMedia = (await timed('media', () => writeMedia(sink, plan))) as Int32Array
    await timed('listings + versions', () => writeListings(sink, plan, firstMedia))
    await timed('blocks', () => writeBlocks(sink, plan))
    await timed('bookings, payments', () => writeBookings(sink, plan))
    await timed('reviews', () => writeReviews(sink, plan))
    bar.stop()
    const perNight = await client.query(PER_NIGHT_SQL)
    phase(`per-night quote rows (${perNight.rowCount})`)

    if (superuser) {
      await client.query(`SET LOCAL session_replication_role = origin`)
      await client.query(
        `INSERT INTO stay_reservations (property_id, booking_id, nights)
         SELECT property_id, id, daterange(check_in, check_out, '[)') FROM bookings
          WHERE status::text IN ('requested', 'awaiting_payment', 'confirmed') ORDER BY property_id, check_in`,
      )
      await client.query(
        `INSERT INTO stay_reservations (property_id, block_id, nights)
         SELECT property_id, id, daterange(start_date, end_date, '[)') FROM availability_blocks ORDER BY property_id, start_date`,
      )
      phase('stay_reservations')
      // The guest's messageToHost is the first message of the booking's conversation (the trigger of
      // migration 20261128_172530_messages, which replica mode skipped).
      const firstMessages = await client.query(
        `INSERT INTO messages (booking_id, sender_id, from_role, text, mailed_at, updated_at, created_at)
         SELECT id, guest_id, 'guest', message_to_host, created_at, created_at, created_at FROM bookings
          WHERE message_to_host ~ '[^[:space:]]' ORDER BY created_at, id`,
      )
      phase(`first messages (${firstMessages.rowCount})`)
    }
    for (const index of indexes) await client.query(index.def)
    phase(`rebuild ${indexes.length} indexes`)
    const serials = (
      await client.query<{ table: string; seq: string }>(
        `SELECT table_name AS table, pg_get_serial_sequence(quote_ident(table_name), 'id') AS seq FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'id' AND table_name = ANY($1) AND column_default LIKE 'nextval%'`,
        [tables],
      )
    ).rows
    // Array tables have text ids and no sequence.
    for (const { table, seq } of serials) {
      await client.query(`SELECT setval($1, GREATEST(max(id), 1), max(id) IS NOT NULL) FROM ${ident(table)}`, [seq])
    }
    await client.query('COMMIT')
    phase('sequences, commit')
    await client.query(`VACUUM (ANALYZE) ${tables.map(ident).join(', ')}`)
    phase('vacuum analyze')

    const sizes = (
      await client.query<{ table: string; rows: string; size: string }>(
        `SELECT c.relname AS table, c.reltuples::bigint::text AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1) ORDER BY pg_total_relation_size(c.oid) DESC`,
        [tables],
      )
    ).rows
    const total = Date.now() - started
    console.log(`\nSeeded in ${(total / 1000).toFixed(1)} s:`)
    for (const [label, ms] of phases) console.log(`  ${label.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(7)} s`)
    console.log('\nTables (rows as estimated by ANALYZE, total size with indexes):')
    for (const s of sizes) console.log(`  ${s.table.padEnd(34)} ${s.rows.padStart(10)}  ${s.size}`)
    const active = plan.bookings.status.reduce(
      (n, s) => n + (s === S.requested || s === S.awaiting_payment || s === S.confirmed ? 1 : 0),
      0,
    )
    console.log(`\n${plan.cities.length} cities, ${plan.hostCount} hosts, ${plan.guestCount} guests, ${active} active bookings.`)
    console.log(`\nAccounts (password for all: ${accounts.password}):`)
    console.log(`  admin  ${accounts.admin}`)
    console.log(`  staff  ${accounts.staff}`)
    console.log(`  host   ${accounts.host} (${accounts.hostListings} listings)`)
    console.log(`  guests bench-guest-1@staybase.bench … bench-guest-${accounts.guests.length}@staybase.bench`)
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    await client.end()
  }
}

/** Rows the progress bar expects, from the plan (payments approximate). */
function expectedRows(plan: Plan): number {
  const users = 1 + plan.staffCount + plan.hostCount + plan.guestCount
  let photos = 0
  let amenities = 0
  let drafts = 0
  for (const l of plan.listings) {
    photos += l.photos
    amenities += l.amenities.length
    if (l.hadDraft) drafts++
  }
  const versionFactor = (plan.listings.length + drafts) / Math.max(1, plan.listings.length)
  let paid = 0
  for (let k = 0; k < plan.bookings.length; k++) {
    const s = plan.bookings.status[k]
    if (s === S.confirmed || s === S.completed || (s === S.cancelled && plan.bookings.paid[k])) paid++
  }
  return Math.round(
    users * 2 +
      photos +
      (plan.listings.length + amenities + photos) * (1 + versionFactor) +
      plan.blocks.length +
      plan.bookings.length +
      paid +
      plan.reviews.length,
  )
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
