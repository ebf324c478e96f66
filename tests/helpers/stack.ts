import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

import pg from 'pg'

import { createDatabase, dropDatabase, withDatabase } from '../../scripts/lib/database'
import { stopProcessGroup } from '../../scripts/lib/processGroup'
import { type SmtpSink, startSmtpSink } from '../../scripts/lib/smtpSink'
import { serverNodeArgs } from '@/lib/serverHeap'
import { TEST_SECRET } from './constants'
import { type SqlCounter, startSqlCounter } from './sqlCounter'
import { eventually } from './wait'

/**
 * One running Staybase for a suite: its own database (cloned from the migrated template), a real SMTP
 * sink, and the built server (`dist/server.js`) as a child process in its own process group. Tests talk
 * to it over HTTP only, exactly like a frontend would.
 */
export type Stack = {
  url: string
  mail: SmtpSink
  databaseUrl: string
  /** Where this server stores uploads (a temporary folder, removed on stop). */
  mediaDir: string
  /** The environment the server runs with (workers of this stack use the same). */
  env: NodeJS.ProcessEnv
  process: ChildProcess
  /** The mail-only worker that sends account mail (verification, reset), unless `mailWorker: false`. */
  mailWorker: WorkerProcess | null
  /** The SQL the server runs, counted on the wire (startStack({ countStatements: true }); see tests/helpers/statementBudget.ts). */
  sql: SqlCounter | null
  output: () => string
  stop: () => Promise<number | null>
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run the suites through jest (globalSetup prepares it)`)
  return value
}

/**
 * A port free right now for a server a test starts (and may restart) on it. Taken below Linux's
 * ephemeral range (32768–60999), from which the OS gives outgoing connections their local ports: a port
 * from there can be taken by a client connection between this check and the server's bind, or while a
 * stopped server is down.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (await canListen(port)) return port
  }
  throw new Error('no free port between 20000 and 32000 after 100 tries')
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/**
 * `mailWorker` (default on): account mail goes through the mail queue, so a stack without a worker would
 * send no verification links; a mail-only worker (WORKER_QUEUES=mail) leaves the other queues to the
 * suites that start their own workers.
 */
export async function startStack(
  options: {
    env?: Record<string, string>
    mailWorker?: boolean
    /**
     * Put a counter of SQL statements between the server and Postgres (`stack.sql`; budgets with
     * tests/helpers/statementBudget.ts, faults with `cutNext`). `databaseUrl` stays direct.
     */
    countStatements?: boolean
    /**
     * Run on this database of the test server and this media folder (a restored backup) instead of a
     * fresh clone of the template; stop() drops and removes them like its own.
     */
    existing?: { database: string; mediaDir: string }
  } = {},
): Promise<Stack> {
  const pgServer = required('STAYBASE_TEST_PG_SERVER')
  const database = options.existing?.database ?? `staybase_test_${randomBytes(5).toString('hex')}`
  if (!options.existing) await createDatabase(pgServer, database, required('STAYBASE_TEST_TEMPLATE_DB'))
  const databaseUrl = withDatabase(pgServer, database)
  const sql = options.countStatements ? await startSqlCounter(pgServer) : null

  const mediaDir = options.existing?.mediaDir ?? mkdtempSync(path.join(tmpdir(), 'staybase-media-'))
  const mail = await startSmtpSink()
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATABASE_URL: sql ? sql.urlFor(databaseUrl) : databaseUrl,
    DATABASE_POOL_MAX: '5',
    REDIS_URL: required('STAYBASE_TEST_REDIS_URL'),
    // Per stack: job ids are booking ids, which every suite's fresh database starts again from 1.
    REDIS_PREFIX: `${required('STAYBASE_TEST_REDIS_PREFIX')}${database}:`,
    PAYLOAD_SECRET: TEST_SECRET,
    SERVER_URL: url,
    HOST: '127.0.0.1',
    PORT: String(port),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(mail.port),
    MAIL_FROM: 'no-reply@staybase.test',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT_MS: '5000',
    MEDIA_DIR: mediaDir,
    ...options.env,
  }
  let mailWorker: WorkerProcess | null = null
  let server: ServerProcess
  const cleanUp = async () => {
    await mailWorker?.stop()
    await mail.close()
    await sql?.close()
    await dropDatabase(pgServer, database).catch(() => {})
    rmSync(mediaDir, { recursive: true, force: true })
  }
  try {
    server = await spawnServer(env)
  } catch (error) {
    await cleanUp()
    throw error
  }
  const stop = async (): Promise<number | null> => {
    const code = await server.stop()
    await cleanUp()
    return code
  }
  const stack: Stack = { url, mail, databaseUrl, mediaDir, env, process: server.process, mailWorker, sql, output: server.output, stop }
  if (options.mailWorker !== false) {
    try {
      mailWorker = stack.mailWorker = await startWorker(stack, { WORKER_QUEUES: 'mail' })
    } catch (error) {
      await stop()
      throw error
    }
  }
  return stack
}

type ServerProcess = { process: ChildProcess; output: () => string; stop: (signal?: NodeJS.Signals) => Promise<number | null> }

/** The built server (`dist/server.js`) with `env`, in its own process group, once /healthz answers. */
async function spawnServer(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...serverNodeArgs(env), 'dist/server.js'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  // 'close', not 'exit': it comes after the child's stdout and stderr are read to the end, so output()
  // is complete once stop() resolves (counting log lines is then exact).
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => stopProcessGroup(child, exited, signal)
  const url = `http://${env.HOST}:${env.PORT}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output}`)
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })
      if (res.ok) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`server not ready within 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { process: child, output: () => output, stop }
}

/**
 * One more server process of a running stack, as a deployment runs several behind a load balancer: the
 * same database, Redis, mail and environment (SERVER_URL too, the public address they share), its own
 * port; `env` overrides settings of this server only. What it returns is the stack as seen through this
 * server — `url`, `process`, `output` are its own, so every helper (rest, gql, answeredBy) talks to it —
 * and its `stop()` stops this server alone (SIGTERM by default), resolving with its exit code. The
 * stack's own stop() does not stop it: stop it first.
 */
export async function startServer(stack: Stack, env: Record<string, string> = {}): Promise<Stack & { stop: ServerProcess['stop'] }> {
  const port = await freePort()
  const server = await spawnServer({ ...stack.env, PORT: String(port), ...env })
  return { ...stack, url: `http://${stack.env.HOST}:${port}`, process: server.process, output: server.output, stop: server.stop }
}

export type WorkerProcess = {
  process: ChildProcess
  output: () => string
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
  /** Where this worker serves /metrics and /healthz (http://127.0.0.1:<port>). */
  metricsUrl: string
}

/**
 * A background worker for a stack (the bundled jobs/worker.ts, as `npm run worker`), ready when it says
 * so. Its /metrics server takes a free port of the system's choosing (WORKER_METRICS_PORT=0; its log says
 * which), so any number of workers run side by side.
 */
export async function startWorker(stack: Stack, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--conditions=production', 'dist/worker.js'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Running jobs get 20 s to finish on SIGTERM (the worker's own bound), however loaded the machine.
    env: { ...stack.env, SHUTDOWN_TIMEOUT_MS: '20000', LOG_LEVEL: 'info', LOG_FORMAT: 'json', WORKER_METRICS_PORT: '0', ...env },
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  // 'close', not 'exit': it comes after the child's stdout and stderr are read to the end, so output()
  // is complete once stop() resolves (counting log lines is then exact).
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  // The worker exits by itself within its SHUTDOWN_TIMEOUT_MS; one that does not is killed, so a suite's
  // teardown is bounded on a loaded machine too.
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => stopProcessGroup(child, exited, signal, 30_000)
  const deadline = Date.now() + 60_000
  while (!output.includes('worker ready')) {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${output}`)
    if (Date.now() > deadline) {
      await stop('SIGKILL')
      throw new Error(`worker not ready within 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  const port = /"metricsPort":(\d+)/.exec(output)?.[1]
  if (!port) {
    await stop('SIGKILL')
    throw new Error(`worker did not log its metrics port:\n${output}`)
  }
  return { process: child, output: () => output, stop, metricsUrl: `http://127.0.0.1:${port}` }
}

/**
 * For a test that waited too long: the stack database's sessions (who waits on which lock, who is idle
 * in a transaction) and the end of the server's log.
 */
export async function whatTheStackIsDoing(stack: Stack): Promise<string> {
  let sessions: string
  try {
    const { rows } = await queryDatabase(
      stack,
      `SELECT pid, state, wait_event_type, wait_event, pg_blocking_pids(pid) AS blocked_by,
              round(extract(epoch FROM now() - xact_start)::numeric, 1) AS xact_s, left(query, 200) AS query
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY xact_start NULLS LAST`,
    )
    sessions = rows.map((r) => JSON.stringify(r)).join('\n')
  } catch (error) {
    sessions = `(could not read pg_stat_activity: ${(error as Error).message})`
  }
  return `Database sessions:\n${sessions || '(none)'}\nServer log (last 4,000 characters):\n${stack.output().slice(-4_000)}`
}

/** One statement on a stack's database, for fixtures the API cannot make (moving a stay into the past). */
export async function queryDatabase(stack: Stack, statement: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: stack.databaseUrl })
  await client.connect()
  try {
    return await client.query(statement, params)
  } finally {
    await client.end()
  }
}

/**
 * Whether express answered a request itself (a fast path: `"answeredBy":"express"` in its access log
 * line) or handed it to Next (null). The server must log at info in JSON (LOG_LEVEL=info,
 * LOG_FORMAT=json). pino-http writes the line when the answer is finished, which may be just after the
 * client has it: this waits for the line (`eventually`), and fails at its deadline without it.
 */
export async function answeredBy(stack: Stack, requestId: string): Promise<string | null> {
  const line = await eventually(
    `the access log line of ${requestId}`,
    async () =>
      stack
        .output()
        .split('\n')
        .find((l) => l.includes(`"id":"${requestId}"`) && l.includes('"msg":"request completed"')),
    { intervalMs: 20, detail: () => stack.output().slice(-3000) },
  )
  return (JSON.parse(line) as { answeredBy?: string }).answeredBy ?? null
}
