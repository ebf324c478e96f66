/**
 * What `npm run backup` and `npm run restore` share: their settings, the PostgreSQL client tools of the
 * server's major version, child processes, checksums and timed steps. The decisions are pure functions
 * in src/backup/; this is their I/O.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

import nextEnv from '@next/env'
import { cleanEnv, makeValidator, str } from 'envalid'
import pg from 'pg'
import type { Logger } from 'pino'

import { type PgTool, chooseTool, serverMajor, toolCandidates } from '@/backup/pgTools'
import { createLogger } from '@/lib/logger'

/** A refusal or a failure whose message says it all: logged without a stack trace, exit code 1. */
export class Stop extends Error {}

const postgresUrl = makeValidator<string>((value) => {
  if (!/^postgres(ql)?:\/\//.test(value)) throw new Error('must be a postgres:// connection URL')
  return value
})

/**
 * The scripts read only what they need (not src/lib/env.ts, which requires the web app's settings too),
 * from the same places as the app: the environment, then .env files.
 */
export function loadSettings() {
  nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV === 'development', { info: () => {}, error: console.error })
  const given = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ''))
  return cleanEnv(given, {
    DATABASE_URL: postgresUrl({ desc: 'The database to back up, or to restore into' }),
    BACKUP_DIR: str({ default: 'backups', desc: 'Where backups are written (relative to the working directory)' }),
    MEDIA_DIR: str({ default: 'media' }),
    S3_BUCKET: str({ default: '' }),
    S3_PREFIX: str({ default: '' }),
    S3_REGION: str({ default: 'us-east-1' }),
    S3_ENDPOINT: str({ default: '' }),
    PG_BIN_DIR: str({ default: '', desc: 'Folder of the pg_dump/pg_restore to use (only there)' }),
  })
}
export type Settings = ReturnType<typeof loadSettings>

export const scriptLogger = (name: string): Logger => createLogger(name)

/** Runs a step and logs it with its duration; a failing step is logged as such and rethrown. */
export async function step<T>(
  logger: Logger,
  name: string,
  run: () => Promise<T>,
  done?: (result: T) => Record<string, unknown>,
): Promise<T> {
  const started = performance.now()
  try {
    const result = await run()
    logger.info({ step: name, ms: Math.round(performance.now() - started), ...done?.(result) }, `${name}: done`)
    return result
  } catch (error) {
    logger.warn({ step: name, ms: Math.round(performance.now() - started) }, `${name}: failed`)
    throw error
  }
}

/**
 * libpq's connection for pg_dump/pg_restore: the URL without its password (command lines are visible to
 * every user of the machine in `ps`), the password in PGPASSWORD.
 */
export function libpqConnection(url: string): { dbname: string; env: Record<string, string> } {
  const parsed = new URL(url)
  const password = decodeURIComponent(parsed.password)
  parsed.password = ''
  return { dbname: parsed.toString(), env: password ? { PGPASSWORD: password } : {} }
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  await client.connect()
  return client
}

export async function serverVersion(client: pg.Client): Promise<{ major: number; version: string }> {
  const { rows } = await client.query<{ num: string; version: string }>(
    `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version`,
  )
  return { major: serverMajor(rows[0]!.num), version: rows[0]!.version.split(' ')[0]! }
}

/** The pg_dump/pg_restore of the server's major version, or Stop with what to install. */
export function findTool(tool: PgTool, server: { major: number; version: string }, pgBinDir: string): { path: string; version: string } {
  const probed = toolCandidates(tool, server.major, pgBinDir).map((candidate) => {
    if (candidate.includes('/') && !existsSync(candidate)) return { path: candidate, output: null }
    const result = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 10_000 })
    if (result.error || result.status !== 0) return { path: candidate, output: null }
    return { path: candidate, output: result.stdout }
  })
  const choice = chooseTool(tool, server, probed, pgBinDir)
  if (!choice.ok) throw new Stop(choice.message)
  return { path: choice.path, version: choice.version }
}

/** Runs a command to its end; rejects with its exit code and the end of its stderr. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  /** Exit codes besides 0 that mean success for this command. */
  alsoOk: number[] = [],
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8_000)
    })
    child.on('error', (error) => reject(new Stop(`${path.basename(command)} could not run: ${error.message}`)))
    child.on('close', (code, signal) => {
      if (code === 0 || (code !== null && alsoOk.includes(code))) resolve()
      else reject(new Stop(`${path.basename(command)} failed (${signal ? `signal ${signal}` : `exit ${code}`}):\n${stderr.trim()}`))
    })
  })
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Files and bytes under a folder (an absent folder holds nothing). */
export function folderSize(dir: string): { files: number; bytes: number } {
  if (!existsSync(dir)) return { files: 0, bytes: 0 }
  let files = 0
  let bytes = 0
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    files++
    bytes += statSync(path.join(entry.parentPath, entry.name)).size
  }
  return { files, bytes }
}

/** Tables (`schema.table`) in every schema that is not PostgreSQL's own; partitions are counted in their parent. */
export async function userTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%s.%s', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1`,
  )
  return rows.map((r) => r.name)
}

const quoteQualified = (name: string) =>
  name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.')

export async function rowCounts(client: pg.ClientBase, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteQualified(table)}`)
    counts[table] = Number(rows[0]!.n)
  }
  return counts
}

/** The migrations the database has: how many, and the newest by name (names start with their creation time). */
export async function migrationState(client: pg.ClientBase, tables: string[]): Promise<{ latest: string | null; count: number }> {
  if (!tables.includes('public.payload_migrations')) return { latest: null, count: 0 }
  const { rows } = await client.query<{ latest: string | null; n: string }>(
    'SELECT max(name) AS latest, count(*) AS n FROM public.payload_migrations',
  )
  return { latest: rows[0]!.latest, count: Number(rows[0]!.n) }
}

/**
 * Logs a Stop as its message and anything else with its stack; the exit code is 1. Not process.exit():
 * the pretty log stream writes asynchronously, and the last lines are the ones that say why.
 */
export function fail(logger: Logger, error: unknown): void {
  if (error instanceof Stop) logger.error(error.message)
  else logger.error({ err: error }, 'unexpected failure')
  process.exitCode = 1
}

export const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
