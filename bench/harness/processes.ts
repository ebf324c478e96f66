import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'

import { stopProcessGroup } from '../../scripts/lib/processGroup'
import { serverNodeArgs } from '@/lib/serverHeap'

/**
 * The processes a benchmark run starts: the production build (dist/server.js, as `npm start` runs it)
 * and the bare express + pg floor (bench/bare.ts). Each runs in its own process group so stopping it
 * stops everything it started, and nothing else.
 */
export type Started = { url: string; pid: number; stop: () => Promise<void>; output: () => string }

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode} before it was ready:\n${output()}`)
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })
      if (res.ok) return
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url}: not ready within ${timeoutMs / 1000} s:\n${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

function startProcess(args: string[], env: NodeJS.ProcessEnv, url: string, timeoutMs: number): Promise<Started> {
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env })
  let text = ''
  // Keep only the tail: a long run at LOG_LEVEL=info would otherwise grow without bound.
  const append = (d: Buffer) => {
    text = (text + d.toString()).slice(-20_000)
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const stop = () => stopProcessGroup(child, closed)
  const output = () => text
  return waitReady(url, child, output, timeoutMs).then(
    () => ({ url, pid: child.pid!, stop, output }),
    async (error: unknown) => {
      await stop()
      throw error
    },
  )
}

export type ServerOptions = {
  port: number
  databaseUrl: string
  poolMax: number
  cache: 'on' | 'off'
  redisUrl: string
  redisPrefix: string
  logLevel: string
  mediaDir: string
  secret: string
}

/** dist/server.js with production settings; CACHE_ENABLED is the switch agreed with the cache work (COMMON.md). */
export function startServer(o: ServerOptions): Promise<Started> {
  const url = `http://127.0.0.1:${o.port}`
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: o.databaseUrl,
    DATABASE_POOL_MAX: String(o.poolMax),
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: o.redisPrefix,
    CACHE_ENABLED: o.cache === 'on' ? 'true' : 'false',
    // Shared with the bare handler, which decodes the search's signed cursors the same way.
    PAYLOAD_SECRET: o.secret,
    SERVER_URL: url,
    HOST: '127.0.0.1',
    PORT: String(o.port),
    SMTP_HOST: '127.0.0.1',
    // The run logs in up to 64 guests at once from one address.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: o.logLevel,
    LOG_FORMAT: 'json',
    MEDIA_DIR: o.mediaDir,
  }
  // The heap ceiling `npm start` sets (src/lib/serverHeap.ts), then e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // to see where the server's time goes (not allowed in NODE_OPTIONS); a later --max-old-space-size wins.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  return startProcess([...serverNodeArgs(process.env), ...nodeArgs, 'dist/server.js'], env, url, 120_000)
}

export function startBareProcess(o: { port: number; databaseUrl: string; poolMax: number; secret: string }): Promise<Started> {
  const url = `http://127.0.0.1:${o.port}`
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PAYLOAD_SECRET: o.secret }
  return startProcess(
    ['--import', 'tsx', 'bench/bare.ts', '--port', String(o.port), '--database-url', o.databaseUrl, '--pool-max', String(o.poolMax)],
    env,
    url,
    60_000,
  )
}

/** Resident memory of a process and everything it started, in bytes (Linux /proc). */
export function treeRss(pid: number): number {
  let total = 0
  const seen = new Set<number>()
  const visit = (p: number) => {
    if (seen.has(p)) return
    seen.add(p)
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8')
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)
      if (kb) total += Number(kb[1]) * 1024
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim()
        for (const child of children ? children.split(/\s+/) : []) visit(Number(child))
      }
    } catch {
      /* exited meanwhile */
    }
  }
  visit(pid)
  return total
}

/** Samples a process tree's RSS every `everyMs` until stopped; the peak is what the run reports. */
export function rssSampler(pid: number, everyMs = 200): { peak: () => number; stop: () => number } {
  let peak = treeRss(pid)
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(pid))
  }, everyMs)
  timer.unref()
  return {
    peak: () => peak,
    stop: () => {
      clearInterval(timer)
      return peak
    },
  }
}
