import { spawn } from 'node:child_process'

import pg from 'pg'

/** `postgres://u@h:p/db` → the same server's maintenance database URL and the database name. */
export function splitDatabaseUrl(url: string): { serverUrl: string; database: string } {
  const parsed = new URL(url)
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres'
  parsed.pathname = '/postgres'
  return { serverUrl: parsed.toString(), database }
}

export function withDatabase(serverUrl: string, database: string): string {
  const parsed = new URL(serverUrl)
  parsed.pathname = `/${encodeURIComponent(database)}`
  return parsed.toString()
}

export async function canConnect(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export async function databaseExists(serverUrl: string, database: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
    return rowCount === 1
  } finally {
    await client.end()
  }
}

export const createDatabase = (serverUrl: string, database: string, template?: string) =>
  adminQuery(serverUrl, `CREATE DATABASE ${ident(database)}${template ? ` TEMPLATE ${ident(template)}` : ''}`)

export const dropDatabase = (serverUrl: string, database: string) =>
  adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`)

/** Runs the committed migrations exactly as production start does (the bundled scripts/migrate.ts). */
export function runMigrations(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=production', 'dist/migrate.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 && /migrations: \d+ applied/.test(output) ? resolve() : reject(new Error(`migrations failed (exit ${code}):\n${output}`)),
    )
  })
}
