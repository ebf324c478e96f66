import { randomBytes } from 'node:crypto'
import path from 'node:path'

import { Redis } from 'ioredis'
import pg from 'pg'

import { startEmbeddedPostgres } from '../scripts/lib/embeddedPostgres'
import { canConnect, createDatabase, dropDatabase, runMigrations, splitDatabaseUrl, withDatabase } from '../scripts/lib/database'
import { TEST_SECRET } from './helpers/constants'

/**
 * Once per `npm test`: find a Postgres (TEST_DATABASE_URL, else an embedded one), migrate a template
 * database with the committed migrations, and check Redis. Each suite then clones the template into a
 * database of its own (CREATE DATABASE … TEMPLATE), so suites never see each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const requested = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/staybase_test'
  let { serverUrl, database } = splitDatabaseUrl(requested)

  if (!(await canConnect(serverUrl))) {
    console.log(`\nNo PostgreSQL answers at ${serverUrl}; starting the embedded one.`)
    const embedded = await startEmbeddedPostgres(path.resolve('.data/test-postgres'), 54330)
    ;(globalThis as { __embeddedPostgres?: { stop: () => Promise<void> } }).__embeddedPostgres = embedded
    serverUrl = withDatabase(embedded.url, 'postgres')
  }

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000 })
  try {
    await redis.connect()
    await redis.ping()
  } catch {
    throw new Error(`Redis is not reachable at ${redisUrl}. Start it (e.g. redis-server --daemonize yes) and rerun.`)
  } finally {
    redis.disconnect()
  }

  // One template per run (named by this process), so two runs at once — two checkouts, CI beside a
  // developer — never drop each other's template; templates of runs that are gone are removed.
  await dropTemplatesOfEndedRuns(serverUrl, database)
  const template = `${database}_template_${process.pid}`
  await dropDatabase(serverUrl, template)
  await createDatabase(serverUrl, template)
  const started = Date.now()
  await runMigrations({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: withDatabase(serverUrl, template),
    PAYLOAD_SECRET: TEST_SECRET,
    SERVER_URL: 'http://127.0.0.1:3000',
    SMTP_HOST: '127.0.0.1',
  })
  console.log(`\nTest template database ${template} migrated in ${Date.now() - started} ms`)

  process.env.STAYBASE_TEST_PG_SERVER = serverUrl
  process.env.STAYBASE_TEST_TEMPLATE_DB = template
  process.env.STAYBASE_TEST_REDIS_URL = redisUrl
  // Every run gets its own Redis key space, so rate-limit counters never leak between runs.
  process.env.STAYBASE_TEST_REDIS_PREFIX = `staybase-test-${randomBytes(4).toString('hex')}:`
}

/** Drops `<database>_template_<pid>` databases whose process no longer runs (a run that was killed). */
async function dropTemplatesOfEndedRuns(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 })
  await client.connect()
  let names: string[]
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${database}\\_template\\_%`,
    ])
    names = rows.map((r) => r.datname)
  } finally {
    await client.end()
  }
  for (const name of names) {
    const pid = Number(name.slice(`${database}_template_`.length))
    if (Number.isInteger(pid) && pid > 0 && !isRunning(pid)) await dropDatabase(serverUrl, name)
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
