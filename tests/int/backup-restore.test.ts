import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import pg from 'pg'

import { type Manifest, parseManifest } from '@/backup/manifest'
import { addDays, utcDate } from '@/domain/stayDates'
import { BOOKING_LIFECYCLE_QUEUE, jobIds } from '@/jobs/registry'
import { createDatabase, dropDatabase, withDatabase } from '../../scripts/lib/database'
import { type Cast, type TestUser, login, rest, signUpCast, uploadImage } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, queryDatabase, startStack, startWorker } from '../helpers/stack'
import { eventually } from '../helpers/wait'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * The restore drill (README, "Backup and recovery"), through the real commands: a stack with users,
 * a listing with an uploaded photo, a paid booking, a block and a review → `npm run backup` → the
 * database dropped and the media folder deleted → `npm run restore` into a new empty database and
 * folder → a server on them serves everything as before. Then what restore refuses, and why a restored
 * database cannot collide with what Redis and Stripe remember.
 */
let stripe: StripeStandIn
let original: Stack | undefined
let worker: WorkerProcess | undefined
let restored: Stack | undefined
let queues: StackQueues
let cast: Cast
let listing: { id: number }
let photo: { id: number; url: string; filename: string; sizes: Record<string, { url: string }> }
let paid: { id: number; checkIn: string; checkOut: string }
let block: { startDate: string; endDate: string }
let pgServer: string
/** The first stack's Redis prefix, which the restored one gets too: one deployment, restored. */
let redisPrefix: string
const work = mkdtempSync(path.join(tmpdir(), 'staybase-backup-test-'))
const backupDir = path.join(work, 'backups')
const extraDatabases: string[] = []
let week = 0

beforeAll(async () => {
  pgServer = process.env.STAYBASE_TEST_PG_SERVER!
  stripe = await startStripeStandIn()
  original = await startStack({ env: { ...stripe.env, BOOKING_HOLD_MINUTES: '30', JOB_RETRY_DELAY_MS: '200' } })
  redisPrefix = original.env.REDIS_PREFIX!
  worker = await startWorker(original)
  queues = stackQueues(original)
  cast = await signUpCast(original)

  photo = (await uploadImage(original, cast.host.token, { alt: 'The lake from the balcony' })) as typeof photo
  listing = await createListing(original, cast.host, { title: 'Backup drill loft', photos: [photo.id] }, { publish: true })

  const booking = await book(original, cast.guest)
  const intent = await rest(original, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })
  expect(intent.status).toBe(200)
  expect((await stripe.deliver(`${original.url}/api/stripe/webhook`, stripe.succeed(intent.body.paymentIntentId))).status).toBe(200)
  await eventually('the booking confirmed by the payment', async () => (await bookingOf(original!, booking.id)).status === 'confirmed', {
    detail: () => worker!.output().slice(-3000),
  })
  paid = booking

  const blockStart = addDays(utcDate(new Date()), 300)
  block = { startDate: blockStart, endDate: addDays(blockStart, 5) }
  const blocked = await rest(original, 'POST', '/api/availability-blocks', {
    token: cast.host.token,
    body: { property: listing.id, ...block, reason: 'maintenance' },
  })
  expect(blocked.status).toBe(201)

  // A stay that happened (moved into the past, as time and the sweep would have), reviewed by its guest.
  const stay = await book(original, cast.otherGuest)
  const checkOut = addDays(utcDate(new Date()), -2)
  await queryDatabase(original, 'UPDATE bookings SET status = $2, check_in = $3, check_out = $4, confirmed_at = now() WHERE id = $1', [
    stay.id,
    'completed',
    addDays(checkOut, -3),
    checkOut,
  ])
  const reviewed = await rest(original, 'POST', '/api/reviews', {
    token: cast.otherGuest.token,
    body: { booking: stay.id, subject: 'property', rating: 5, comment: 'Quiet, clean, and the lake right there.' },
  })
  expect(reviewed.status).toBe(201)
  await queues.quiescent({ detail: () => worker!.output().slice(-3000) })
}, 300_000)

afterAll(async () => {
  await queues?.close()
  await worker?.stop()
  await original?.stop()
  await restored?.stop()
  await stripe?.close()
  for (const database of extraDatabases) await dropDatabase(pgServer, database).catch(() => {})
  rmSync(work, { recursive: true, force: true })
}, 120_000)

// --- helpers ------------------------------------------------------------------------------------------

/** An instant booking on dates nobody else uses, awaiting payment. */
async function book(stack: Stack, guest: TestUser): Promise<any> {
  const checkIn = addDays(utcDate(new Date()), 40 + 4 * week++)
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: guest.token,
    body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
  })
  expect(res.status).toBe(201)
  return res.body.doc
}

const bookingOf = async (stack: Stack, id: number) => (await rest(stack, 'GET', `/api/bookings/${id}`, { token: cast.staff.token })).body

/** `npm run backup` / `npm run restore` as an operator runs them, with this environment only. */
function npmRun(
  script: 'backup' | 'restore',
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BACKUP_DIR: backupDir,
        ...env,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    // A hung command fails the test instead of stalling the run.
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        /* gone */
      }
    }, 240_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

/** What the environment of a script run against a database of the test server and a media folder says. */
const target = (database: string, mediaDir: string) => ({
  DATABASE_URL: withDatabase(pgServer, database),
  MEDIA_DIR: mediaDir,
  NODE_ENV: 'test' as const,
})

async function onDatabase<T>(database: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(pgServer, database) })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

/** The rows of every table of the database, by `schema.table`. */
const tableCounts = (database: string) =>
  onDatabase(database, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT format('%s.%s', schemaname, relname) AS name FROM pg_stat_user_tables ORDER BY 1`,
    )
    const counts: Record<string, number> = {}
    for (const { name } of rows) {
      const [schema, table] = name.split('.')
      counts[name] = Number((await client.query(`SELECT count(*) FROM "${schema}"."${table}"`)).rows[0].count)
    }
    return counts
  })

const migrationsOf = (database: string) =>
  onDatabase(
    database,
    async (client) => (await client.query('SELECT id, name, batch, created_at FROM payload_migrations ORDER BY id')).rows,
  )

/** Every constraint and index with its definition: the schema's guarantees, compared whole. */
const guaranteesOf = (database: string) =>
  onDatabase(database, async (client) => ({
    constraints: (
      await client.query(
        `SELECT conrelid::regclass::text AS "table", conname, contype, pg_get_constraintdef(oid) AS def
           FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
      )
    ).rows,
    indexes: (await client.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`)).rows,
    triggers: (await client.query('SELECT tgrelid::regclass::text AS "table", tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2'))
      .rows,
  }))

/** Every file of a media folder with its SHA-256. */
function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    files[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex')
  }
  return files
}

const bytesOf = async (url: string) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(20_000) })
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

async function emptyDatabase(): Promise<string> {
  const name = `staybase_test_restore_${randomBytes(5).toString('hex')}`
  await createDatabase(pgServer, name)
  extraDatabases.push(name)
  return name
}

const tablesIn = (database: string) =>
  onDatabase(database, async (client) =>
    Number((await client.query(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`)).rows[0].count),
  )

const backups = () => (existsSync(backupDir) ? readdirSync(backupDir) : [])

// --- the drill ------------------------------------------------------------------------------------------

let backupName: string
let manifest: Manifest
let before: {
  counts: Record<string, number>
  migrations: unknown[]
  guarantees: Awaited<ReturnType<typeof guaranteesOf>>
  files: Record<string, string>
  photo: Buffer
  thumbnail: Buffer
}
let afterBackup: { id: number; createdAt: string; jobId: string; idempotencyKey: string; intentId: string }

describe('the restore drill', () => {
  it('npm run backup writes one complete backup with a checksum manifest', async () => {
    const database = new URL(original!.databaseUrl).pathname.slice(1)
    before = {
      counts: await tableCounts(database),
      migrations: await migrationsOf(database),
      guarantees: await guaranteesOf(database),
      files: filesOf(original!.mediaDir),
      photo: await bytesOf(photo.url),
      thumbnail: await bytesOf(photo.sizes.thumbnail!.url),
    }
    // The drill is only a drill if every kind of row is there to lose.
    for (const table of [
      'users',
      'media',
      'properties',
      'bookings',
      'payments',
      'availability_blocks',
      'reviews',
      'stay_reservations',
      'stripe_events',
    ])
      expect(before.counts[`public.${table}`]).toBeGreaterThan(0)
    expect(Object.keys(before.files)).toContain(photo.filename)

    const started = Date.now()
    const run = await npmRun('backup', original!.env)
    expect({ code: run.code, output: run.output }).toMatchObject({ code: 0 })
    console.log(`backup of the drill's data: ${Date.now() - started} ms`)

    expect(backups()).toHaveLength(1)
    backupName = backups()[0]!
    expect(backupName).toMatch(/^staybase-\d{8}T\d{6}Z$/)
    const folder = path.join(backupDir, backupName)
    expect(readdirSync(folder).sort()).toEqual(['database.dump', 'manifest.json', 'media.tar.gz'])
    const parsed = parseManifest(readFileSync(path.join(folder, 'manifest.json'), 'utf8'))
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'))
    manifest = parsed.manifest
    expect(manifest.database.tables).toEqual(before.counts)
    expect(manifest.database.migrations).toBe(before.migrations.length)
    expect(manifest.media).toMatchObject({ mode: 'local', files: Object.keys(before.files).length })
    for (const file of manifest.files) {
      const bytes = readFileSync(path.join(folder, file.name))
      expect({ name: file.name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual(file)
    }
    // Each step says what it did and how long it took.
    for (const step of ['count rows', 'pg_dump', 'archive media', 'checksums'])
      expect(run.output).toMatch(new RegExp(`"step":"${step}","ms":\\d+`))
  })

  it('a booking made after the backup leaves its hold-expiry job in Redis and its idempotency key at Stripe', async () => {
    const booking = await book(original!, cast.guest)
    const jobId = jobIds.expireHold(booking.id, booking.holdExpiresAt)
    expect(await queues.waitForJobState(BOOKING_LIFECYCLE_QUEUE, jobId, 'delayed')).toBeDefined()
    const intent = await rest(original!, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })
    expect(intent.status).toBe(200)
    const creates = stripe.requests.filter(
      (r) => r.path === '/v1/payment_intents' && (r.params.metadata as any)?.bookingId === String(booking.id),
    )
    expect(creates).toHaveLength(1)
    afterBackup = {
      id: booking.id,
      createdAt: booking.createdAt,
      jobId,
      idempotencyKey: creates[0]!.idempotencyKey!,
      intentId: intent.body.paymentIntentId,
    }
  })

  it('everything is dropped, restored into a new empty database and media folder, and served as before', async () => {
    const originalDatabase = new URL(original!.databaseUrl).pathname.slice(1)
    const originalMedia = original!.mediaDir
    await worker!.stop()
    worker = undefined
    await original!.stop() // drops its database and deletes its media folder
    original = undefined
    expect(existsSync(originalMedia)).toBe(false)
    expect(
      await onDatabase(
        'postgres',
        async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [originalDatabase])).rowCount,
      ),
    ).toBe(0)

    // A database that does not exist yet (restore creates it) and an empty media folder.
    const database = `staybase_test_restore_${randomBytes(5).toString('hex')}`
    extraDatabases.push(database)
    const mediaDir = mkdtempSync(path.join(work, 'media-'))
    const started = Date.now()
    const run = await npmRun('restore', target(database, mediaDir), [backupName])
    expect({ code: run.code, output: run.output }).toMatchObject({ code: 0 })
    expect(run.output).toContain(`created database ${database}`)
    console.log(`restore of the drill's data: ${Date.now() - started} ms`)
    for (const step of ['verify checksums', 'pg_restore', 'extract media', 'verify restored rows', 'analyze'])
      expect(run.output).toMatch(new RegExp(`"step":"${step}","ms":\\d+`))

    // Every table's rows, the migrations, every constraint, index and trigger, every file.
    expect(await tableCounts(database)).toEqual(before.counts)
    expect(await migrationsOf(database)).toEqual(before.migrations)
    const guarantees = await guaranteesOf(database)
    expect(guarantees).toEqual(before.guarantees)
    expect(guarantees.constraints).toContainEqual(expect.objectContaining({ table: 'stay_reservations', contype: 'x' }))
    expect(filesOf(mediaDir)).toEqual(before.files)

    // Same Redis prefix as before: the restored deployment meets what Redis remembers.
    restored = await startStack({
      existing: { database, mediaDir },
      env: { ...stripe.env, BOOKING_HOLD_MINUTES: '30', REDIS_PREFIX: redisPrefix },
    })
    for (const person of Object.values(cast)) expect((await login(restored, person.email, person.password)).status).toBe(200)
    const served = await rest(restored, 'GET', `/api/properties/${listing.id}`)
    expect(served.status).toBe(200)
    const servedPhoto = served.body.photos[0]
    expect(servedPhoto.id).toBe(photo.id)
    expect((await bytesOf(servedPhoto.url.replace(/^https?:\/\/[^/]+/, restored.url))).equals(before.photo)).toBe(true)
    expect((await bytesOf(servedPhoto.sizes.thumbnail.url.replace(/^https?:\/\/[^/]+/, restored.url))).equals(before.thumbnail)).toBe(true)
    expect((await bookingOf(restored, paid.id)).status).toBe('confirmed')
  }, 300_000)

  it('a booking after the restore gets the same id again, yet a job and a Stripe key of its own', async () => {
    const booking = await book(restored!, cast.guest)
    // The sequence went back with the restore: the scenario of a collision, or the test proves nothing.
    expect(booking.id).toBe(afterBackup.id)
    expect(booking.createdAt).not.toBe(afterBackup.createdAt)

    const jobId = jobIds.expireHold(booking.id, booking.holdExpiresAt)
    expect(jobId).not.toBe(afterBackup.jobId)
    // Both are in Redis: the new hold was really enqueued, not deduplicated away by the old job.
    expect(await queues.waitForJobState(BOOKING_LIFECYCLE_QUEUE, jobId, 'delayed')).toBeDefined()
    expect(await queues.job(BOOKING_LIFECYCLE_QUEUE, afterBackup.jobId)).toBeDefined()

    const intent = await rest(restored!, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })
    expect(intent.status).toBe(200)
    const creates = stripe.requests.filter(
      (r) => r.path === '/v1/payment_intents' && (r.params.metadata as any)?.bookingId === String(booking.id),
    )
    expect(creates).toHaveLength(2)
    expect(creates[1]!.idempotencyKey).not.toBe(afterBackup.idempotencyKey)
    // Stripe made a new intent instead of replaying the old booking's.
    expect(intent.body.paymentIntentId).not.toBe(afterBackup.intentId)
    expect(intent.body.amount).toBe(booking.quote.total)
  })

  it('the exclusion constraint still works: the restored stay and block keep their nights', async () => {
    for (const nights of [
      { checkIn: paid.checkIn.slice(0, 10), checkOut: paid.checkOut.slice(0, 10) },
      { checkIn: block.startDate, checkOut: addDays(block.startDate, 2) },
    ]) {
      const overlap = await rest(restored!, 'POST', '/api/bookings', {
        token: cast.otherGuest.token,
        body: { property: listing.id, ...nights, guests: 2 },
      })
      expect(overlap.status).toBe(409)
      expect(overlap.body.errors[0].code).toBe('DATES_UNAVAILABLE')
    }
  })
})

// --- what restore refuses ----------------------------------------------------------------------------

describe('restore refuses', () => {
  it('a database that is not empty, without --force, and changes nothing', async () => {
    const database = new URL(restored!.databaseUrl).pathname.slice(1)
    const counts = await tableCounts(database)
    const files = filesOf(restored!.mediaDir)
    const run = await npmRun('restore', target(database, restored!.mediaDir), [backupName])
    expect(run.code).toBe(1)
    expect(run.output).toMatch(/nothing was restored/)
    expect(run.output).toMatch(new RegExp(`database ${database} is not empty`))
    expect(run.output).toMatch(/media folder .* is not empty/)
    expect(await tableCounts(database)).toEqual(counts)
    expect(filesOf(restored!.mediaDir)).toEqual(files)
  })

  it('a media folder that is not empty, without --force; with --force it empties both and restores', async () => {
    const database = await emptyDatabase()
    const mediaDir = mkdtempSync(path.join(work, 'media-'))
    writeFileSync(path.join(mediaDir, 'someone-elses.jpg'), 'not from this backup')

    const refused = await npmRun('restore', target(database, mediaDir), [backupName])
    expect(refused.code).toBe(1)
    expect(refused.output).toMatch(/media folder .* is not empty \(someone-elses\.jpg\)/)
    expect(refused.output).not.toMatch(/database .* is not empty/)
    expect(await tablesIn(database)).toBe(0)
    expect(readdirSync(mediaDir)).toEqual(['someone-elses.jpg'])

    const forced = await npmRun('restore', target(database, mediaDir), [backupName, '--force'])
    expect({ code: forced.code, output: forced.output }).toMatchObject({ code: 0 })
    expect(await tableCounts(database)).toEqual(before.counts)
    expect(filesOf(mediaDir)).toEqual(before.files)

    // Again over a full database (and a folder with an extra file): schemas dropped, the backup back.
    await onDatabase(database, (c) => c.query(`UPDATE users SET name = 'changed since'`))
    writeFileSync(path.join(mediaDir, 'extra.jpg'), 'x')
    const again = await npmRun('restore', target(database, mediaDir), [backupName, '--force'])
    expect({ code: again.code, output: again.output }).toMatchObject({ code: 0 })
    expect(again.output).toMatch(/"step":"drop schemas \(--force\)"/)
    expect(await tableCounts(database)).toEqual(before.counts)
    expect(
      await onDatabase(database, async (c) => (await c.query(`SELECT count(*) FROM users WHERE name = 'changed since'`)).rows[0].count),
    ).toBe('0')
    expect(filesOf(mediaDir)).toEqual(before.files)
  }, 240_000)

  it.each([
    [
      'a media folder that holds the backups (MEDIA_DIR=/data with BACKUP_DIR=/data/backups)',
      () => work,
      /MEDIA_DIR .* contains backups .*restore refuses to empty it/,
    ],
    [
      'a media folder that is a symlink',
      () => {
        const real = mkdtempSync(path.join(work, 'media-real-'))
        writeFileSync(path.join(real, 'kept.jpg'), 'kept')
        const link = path.join(work, `media-link-${randomBytes(3).toString('hex')}`)
        symlinkSync(real, link)
        return link
      },
      /MEDIA_DIR .* is a symlink; restore refuses to empty it/,
    ],
  ])('--force into %s: refused before anything is dropped or deleted', async (_, mediaDirOf, message) => {
    const mediaDir = mediaDirOf()
    const database = await emptyDatabase()
    await onDatabase(database, (c) => c.query('CREATE TABLE keep_me (id int)'))
    const files = readdirSync(mediaDir).sort()
    const run = await npmRun('restore', target(database, mediaDir), [backupName, '--force'])
    expect(run.code).toBe(1)
    expect(run.output).toMatch(message)
    expect(await tablesIn(database)).toBe(1)
    expect(readdirSync(mediaDir).sort()).toEqual(files)
    expect(existsSync(path.join(backupDir, backupName, 'manifest.json'))).toBe(true)
  })

  it.each([
    ['a changed dump', (dir: string) => flipByte(path.join(dir, 'database.dump')), /database\.dump does not match its SHA-256/],
    [
      'a truncated media archive',
      (dir: string) => truncate(path.join(dir, 'media.tar.gz')),
      /media\.tar\.gz has \d+ bytes, the manifest says \d+/,
    ],
    ['a missing file', (dir: string) => rmSync(path.join(dir, 'media.tar.gz')), /media\.tar\.gz is missing/],
    [
      'a folder without manifest (a backup cut short)',
      (dir: string) => rmSync(path.join(dir, 'manifest.json')),
      /no manifest\.json: it is not a complete Staybase backup/,
    ],
    ['an edited manifest', (dir: string) => editManifest(dir), /files\.0\.sha256/],
  ])('a damaged backup: %s, before touching anything', async (_, damage, message) => {
    const copy = path.join(work, `damaged-${randomBytes(3).toString('hex')}`)
    cpSync(path.join(backupDir, backupName), copy, { recursive: true })
    damage(copy)
    const database = await emptyDatabase()
    const mediaDir = mkdtempSync(path.join(work, 'media-'))
    const run = await npmRun('restore', target(database, mediaDir), [copy])
    expect(run.code).toBe(1)
    expect(run.output).toMatch(message)
    expect(await tablesIn(database)).toBe(0)
    expect(readdirSync(mediaDir)).toEqual([])
  })

  it('local media when the app reads S3; with S3 the backup records the bucket instead of archiving files', async () => {
    const empty = await emptyDatabase()
    const mediaDir = mkdtempSync(path.join(work, 'media-'))
    const refused = await npmRun('restore', { ...target(empty, mediaDir), S3_BUCKET: 'staybase-photos' }, [backupName])
    expect(refused.code).toBe(1)
    expect(refused.output).toMatch(/the backup holds local media .* but S3_BUCKET=staybase-photos is set/)
    expect(await tablesIn(empty)).toBe(0)

    const s3 = { S3_BUCKET: 'staybase-photos', S3_PREFIX: 'prod/', S3_REGION: 'eu-central-1' }
    const database = new URL(restored!.databaseUrl).pathname.slice(1)
    const s3Backups = path.join(work, 's3-backups')
    const dump = await npmRun('backup', { ...target(database, restored!.mediaDir), ...s3, BACKUP_DIR: s3Backups })
    expect({ code: dump.code, output: dump.output }).toMatchObject({ code: 0 })
    const [name] = readdirSync(s3Backups)
    expect(readdirSync(path.join(s3Backups, name!)).sort()).toEqual(['database.dump', 'manifest.json'])
    const parsed = parseManifest(readFileSync(path.join(s3Backups, name!, 'manifest.json'), 'utf8'))
    expect(parsed).toMatchObject({
      ok: true,
      manifest: { media: { mode: 's3', bucket: 'staybase-photos', prefix: 'prod/', region: 'eu-central-1' } },
    })

    // Restored under the same bucket: the media folder is left alone. Under none: restored, with a warning.
    const load = await npmRun('restore', { ...target(empty, mediaDir), ...s3, BACKUP_DIR: s3Backups }, [name!])
    expect({ code: load.code, output: load.output }).toMatchObject({ code: 0 })
    expect(load.output).toContain('uploads stay in the S3 bucket the backup recorded (s3://staybase-photos/prod/)')
    expect(readdirSync(mediaDir)).toEqual([])
    const other = await emptyDatabase()
    const warned = await npmRun('restore', { ...target(other, mediaDir), BACKUP_DIR: s3Backups }, [name!])
    expect({ code: warned.code, output: warned.output }).toMatchObject({ code: 0 })
    expect(warned.output).toMatch(/the backup's media is in s3:\/\/staybase-photos\/prod\/, but the app is configured for local files/)
  }, 120_000)

  it('a pg_dump or pg_restore of another major version, saying which one is needed', async () => {
    const major = await onDatabase('postgres', async (c) =>
      Math.floor(Number((await c.query('SHOW server_version_num')).rows[0].server_version_num) / 10_000),
    )
    const other = major === 14 ? 13 : 14
    const bin = path.join(work, 'fake-bin')
    mkdirSync(bin, { recursive: true })
    for (const tool of ['pg_dump', 'pg_restore']) {
      writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${tool} (PostgreSQL) ${other}.11"\n`)
      chmodSync(path.join(bin, tool), 0o755)
    }
    const database = new URL(restored!.databaseUrl).pathname.slice(1)
    const backupsBefore = backups()

    const dump = await npmRun('backup', { ...target(database, restored!.mediaDir), PG_BIN_DIR: bin })
    expect(dump.code).toBe(1)
    expect(dump.output).toMatch(new RegExp(`pg_dump ${major} is needed: the server is PostgreSQL ${major}\\.`))
    expect(dump.output).toContain(`version ${other}.11`)
    expect(dump.output).toContain(`apt-get install postgresql-client-${major}`)
    expect(backups()).toEqual(backupsBefore)
    expect(readdirSync(backupDir).filter((n) => n.includes('partial'))).toEqual([])

    const empty = await emptyDatabase()
    const mediaDir = mkdtempSync(path.join(work, 'media-'))
    const load = await npmRun('restore', { ...target(empty, mediaDir), PG_BIN_DIR: bin }, [backupName])
    expect(load.code).toBe(1)
    expect(load.output).toMatch(new RegExp(`pg_restore ${major} is needed`))
    expect(await tablesIn(empty)).toBe(0)
  })
})

function flipByte(file: string): void {
  const bytes = readFileSync(file)
  const at = Math.floor(bytes.length / 2)
  bytes[at] = bytes[at]! ^ 0xff
  writeFileSync(file, bytes)
}

function truncate(file: string): void {
  writeFileSync(file, readFileSync(file).subarray(0, Math.floor(statSync(file).size / 2)))
}

function editManifest(dir: string): void {
  const file = path.join(dir, 'manifest.json')
  const json = JSON.parse(readFileSync(file, 'utf8'))
  json.files[0].sha256 = 'not a checksum'
  writeFileSync(file, JSON.stringify(json))
}
