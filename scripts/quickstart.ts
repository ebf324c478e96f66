/**
 * `npm run quickstart`: Staybase with demo data on this machine, in one command.
 *
 * - PostgreSQL: DATABASE_URL if set, else an embedded PostgreSQL under .data/ on its own port.
 * - Redis: REDIS_URL (default redis://127.0.0.1:6379); if it does not answer, say how to start it.
 * - Mail: unless SMTP_HOST is set, a local SMTP sink prints every mail (with its links) to this log.
 * - Then: migrations, demo seed, a build if sources changed, the server and the worker.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import nextEnv from '@next/env'
import { Redis } from 'ioredis'

import { createDatabase, databaseExists, runMigrations, splitDatabaseUrl } from './lib/database'
import { type RunningPostgres, startEmbeddedPostgres } from './lib/embeddedPostgres'
import { startSmtpSink } from './lib/smtpSink'
import { DEMO_PASSWORD, DEMO_USERS } from './seed/demoUsers'
import { serverNodeArgs } from '@/lib/serverHeap'

const DATA_DIR = path.resolve('.data')
const say = (text: string) => console.log(`\x1b[36m[quickstart]\x1b[0m ${text}`)

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))))
  })
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, retryStrategy: () => null })
  redis.on('error', () => {})
  try {
    await redis.connect()
    await redis.ping()
    return true
  } catch {
    return false
  } finally {
    redis.disconnect()
  }
}

function persistentSecret(): string {
  const file = path.join(DATA_DIR, 'payload-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(32).toString('hex')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

async function main(): Promise<void> {
  nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error })
  mkdirSync(DATA_DIR, { recursive: true })
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' }
  const cleanups: (() => Promise<unknown>)[] = []
  const children: ChildProcess[] = []

  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  if (!(await redisAnswers(redisUrl))) {
    console.error(`
Staybase needs Redis, and nothing answers at ${redisUrl}.
Start one, then run quickstart again:
  - Debian/Ubuntu:  sudo apt-get install -y redis-server && redis-server --daemonize yes
  - macOS:          brew install redis && brew services start redis
  - Docker:         docker compose up -d redis
or point REDIS_URL at a Redis you have.`)
    process.exit(1)
  }
  env.REDIS_URL = redisUrl

  let postgres: RunningPostgres | null = null
  if (!env.DATABASE_URL) {
    const port = Number(env.EMBEDDED_POSTGRES_PORT ?? 54329)
    say(`DATABASE_URL is not set: starting the embedded PostgreSQL on port ${port} (data in .data/postgres)`)
    postgres = await startEmbeddedPostgres(path.join(DATA_DIR, 'postgres'), port)
    cleanups.push(() => postgres!.stop())
    env.DATABASE_URL = `${postgres.url}/staybase`
  }
  const { serverUrl, database } = splitDatabaseUrl(env.DATABASE_URL)
  if (!(await databaseExists(serverUrl, database))) {
    say(`creating database ${database}`)
    await createDatabase(serverUrl, database)
  }

  env.PAYLOAD_SECRET ||= persistentSecret()
  env.PORT ||= '3000'
  env.SERVER_URL ||= `http://localhost:${env.PORT}`
  env.COOKIE_SECURE ||= String(env.SERVER_URL.startsWith('https:'))
  env.LOG_FORMAT ||= 'pretty'

  if (!env.SMTP_HOST) {
    const sink = await startSmtpSink(0, (mail) => {
      const links = mail.links.map((l) => `\n      ${l}`).join('')
      console.log(`\n\x1b[35m[mail]\x1b[0m to ${mail.to.join(', ')} — ${mail.subject}${links ? `\n    links:${links}` : ''}\n`)
    })
    cleanups.push(() => sink.close())
    env.SMTP_HOST = '127.0.0.1'
    env.SMTP_PORT = String(sink.port)
    env.SMTP_SECURE = 'false'
    say(`mail goes to a local SMTP sink (port ${sink.port}) and is printed here`)
  }

  const shutdown = async (code: number) => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)))
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
    process.exit(code)
  }
  process.once('SIGINT', () => void shutdown(0))
  process.once('SIGTERM', () => void shutdown(0))

  try {
    say('building (skipped when nothing changed since the last build)')
    await run('npx', ['tsx', 'scripts/build.ts', '--if-stale'], env)
    say('applying migrations')
    await runMigrations(env)
    say('seeding demo data')
    await run(process.execPath, ['--conditions=production', '--import', 'tsx', 'scripts/seed.ts'], {
      ...env,
      NODE_ENV: 'development',
      SEED_ALLOW_PRODUCTION: 'true',
    })
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    await shutdown(1)
  }

  const server = spawn(process.execPath, [...serverNodeArgs(env), 'dist/server.js'], { env, stdio: 'inherit' })
  const worker = spawn(process.execPath, ['--conditions=production', 'dist/worker.js'], { env, stdio: 'inherit' })
  children.push(server, worker)
  server.on('exit', (code) => {
    if (code !== 0) console.error(`server exited with ${code}`)
    void shutdown(code ?? 1)
  })

  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${env.PORT}/readyz`, { signal: AbortSignal.timeout(2_000) })
      if (res.ok) break
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 500))
  }

  const width = Math.max(...DEMO_USERS.map((u) => u.email.length))
  console.log(`
\x1b[32mStaybase is running.\x1b[0m

  Admin panel:  ${env.SERVER_URL}/admin
  REST API:     ${env.SERVER_URL}/api
  GraphQL:      ${env.SERVER_URL}/api/graphql
  Health:       ${env.SERVER_URL}/readyz

  Demo logins (password: ${DEMO_PASSWORD}):
${DEMO_USERS.map((u) => `    ${u.email.padEnd(width)}  ${u.roles.join(', ')}`).join('\n')}

  Guests have no admin-panel access; they use the API. Press Ctrl+C to stop.
`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
