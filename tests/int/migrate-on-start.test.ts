import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import pg from 'pg'

import { createDatabase, dropDatabase, withDatabase } from '../../scripts/lib/database'
import { stopProcessGroup } from '../../scripts/lib/processGroup'
import { TEST_SECRET } from '../helpers/constants'
import { freePort } from '../helpers/stack'
import { eventually } from '../helpers/wait'

/**
 * MIGRATE_ON_START: the two start commands that exist (the Docker image's CMD, read from the Dockerfile,
 * and `npm start`) migrate an empty database by default and leave it alone with MIGRATE_ON_START=false,
 * where a deployment's release step migrates (scripts/deploy.sh). Each runs against its own database
 * made without the migrated template, so "no migration applied" is read from the database itself.
 */

const pgServer = (): string => {
  const value = process.env.STAYBASE_TEST_PG_SERVER
  if (!value) throw new Error('STAYBASE_TEST_PG_SERVER is not set: run the suites through jest (globalSetup prepares it)')
  return value
}

/** The shell line of the Dockerfile's last `CMD ["sh", "-c", "…"]`, as the image runs it. */
function dockerCmd(): string {
  const lines = readFileSync('Dockerfile', 'utf8').split('\n')
  const cmd = lines.filter((line) => line.startsWith('CMD ')).at(-1)
  if (!cmd) throw new Error('the Dockerfile has no CMD')
  const argv = JSON.parse(cmd.slice(4)) as string[]
  expect(argv.slice(0, 2)).toEqual(['sh', '-c'])
  return argv[2]!
}

type Started = { process: ChildProcess; output: () => string; closed: Promise<number | null>; stop: () => Promise<number | null> }

async function startWith(command: string, databaseUrl: string, env: Record<string, string>): Promise<Started & { url: string }> {
  const port = await freePort()
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'staybase-media-'))
  const child = spawn('sh', ['-c', command], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // As in the image (ENV NODE_ENV=production) and npm start's default.
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: '3',
      REDIS_URL: process.env.STAYBASE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `${process.env.STAYBASE_TEST_REDIS_PREFIX ?? 'staybase-test:'}migrate-on-start:`,
      PAYLOAD_SECRET: TEST_SECRET,
      SERVER_URL: `http://127.0.0.1:${port}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      SMTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MEDIA_DIR: mediaDir,
      ...env,
    },
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  const stop = async () => {
    const code = await stopProcessGroup(child, closed)
    rmSync(mediaDir, { recursive: true, force: true })
    return code
  }
  return { process: child, url: `http://127.0.0.1:${port}`, output: () => output, closed, stop }
}

/** Waits until the server answers /healthz, failing early (with its output) if the command exits. */
async function untilServing(started: Started & { url: string }): Promise<void> {
  await eventually(
    'the server to answer /healthz',
    async () => {
      if (started.process.exitCode !== null) throw new Error(`exited with ${started.process.exitCode}:\n${started.output()}`)
      const res = await fetch(`${started.url}/healthz`, { signal: AbortSignal.timeout(1_000) }).catch(() => null)
      return res?.ok ?? false
    },
    { timeoutMs: 90_000, detail: started.output },
  )
}

/** How many migrations the database records; null when it has no migrations table (never migrated). */
async function migrationsApplied(databaseUrl: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ table: string | null }>(`SELECT to_regclass('payload_migrations')::text AS table`)
    if (!rows[0]?.table) return null
    const count = await client.query<{ n: string }>('SELECT count(*) AS n FROM payload_migrations')
    return Number(count.rows[0]!.n)
  } finally {
    await client.end()
  }
}

describe('MIGRATE_ON_START', () => {
  const databases: string[] = []
  const running: Started[] = []

  async function emptyDatabase(): Promise<string> {
    const name = `staybase_test_mos_${randomBytes(4).toString('hex')}`
    await createDatabase(pgServer(), name)
    databases.push(name)
    return withDatabase(pgServer(), name)
  }

  afterEach(async () => {
    for (const started of running.splice(0)) await started.stop()
  })
  afterAll(async () => {
    for (const name of databases) await dropDatabase(pgServer(), name).catch(() => {})
  })

  it.each([
    ['the Docker CMD', () => dockerCmd()],
    ['npm start', () => 'npm start'],
  ])('%s with MIGRATE_ON_START=false starts the server without migrating', async (_, command) => {
    const databaseUrl = await emptyDatabase()
    const started = await startWith(command(), databaseUrl, { MIGRATE_ON_START: 'false' })
    running.push(started)
    await untilServing(started)
    expect(started.output()).toContain('migrations: skipped at start (MIGRATE_ON_START=false')
    expect(await migrationsApplied(databaseUrl)).toBeNull()
  })

  it('by default the Docker CMD migrates before the server starts', async () => {
    const databaseUrl = await emptyDatabase()
    const started = await startWith(dockerCmd(), databaseUrl, {})
    running.push(started)
    await untilServing(started)
    expect(await migrationsApplied(databaseUrl)).toBeGreaterThan(0)
    expect(started.output()).toMatch(/migrations: [1-9]\d* applied/)
  })

  it('a value that is not a boolean stops the start with a message naming the variable', async () => {
    const databaseUrl = await emptyDatabase()
    const started = await startWith(dockerCmd(), databaseUrl, { MIGRATE_ON_START: 'sometimes' })
    running.push(started)
    const code = await started.closed
    expect(code).not.toBe(0)
    expect(started.output()).toContain('MIGRATE_ON_START')
    expect(await migrationsApplied(databaseUrl)).toBeNull()
  })
})
