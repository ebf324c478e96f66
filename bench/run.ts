/**
 * `npm run bench` — the request shapes of issue 13 against the production build, each followed in the
 * same run by a bare express + pg handler that runs the same SQL (bench/bare.ts), so every ratio is
 * measured back to back on the same machine state.
 *
 *   npx tsx scripts/build.ts                    # the production build the bench starts (dist/server.js)
 *   npm run bench:seed -- --listings 100000 --bookings 2000000    # once, into an empty migrated database
 *   npm run bench -- --database-url postgres://postgres@127.0.0.1:5432/staybase_bench
 *
 * Options:
 *   --database-url URL   database under test (default $DATABASE_URL)
 *   --duration S         seconds per shape and side (default 10)
 *   --connections N      the concurrent level (default 16); searches also run at 1, bookings also at 2N
 *   --only LIST          comma-separated shape ids (search-city@1), ids without @ (search-city), or groups
 *                        (search, read, booking, mix)
 *   --cache off|on|both  start the server with CACHE_ENABLED=false/true, or once with each (default both)
 *   --read-only          skip the booking shapes (they create guests and bookings in the database)
 *   --port P             Staybase listens on P, the bare handler on P+1 (default 3120)
 *   --pool-max N         DATABASE_POOL_MAX of the server and the bare handler's pool (default 16)
 *   --min-listings N     refuse a database with fewer published listings (default 5000)
 *   --log-level L        the server's LOG_LEVEL (default warn: no access log line per request)
 *   --out DIR            where the JSON goes (default bench/results)
 *   BENCH_SERVER_NODE_ARGS (env)  node options for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 *   --password P         password of the bench-guest-<n>@staybase.bench accounts (the generator's default)
 *
 * The server is started by the bench so it can sample its RSS (/proc/<pid>/status) during the run and
 * report the peak. Results: bench/results/<ISO date-time>.json and a markdown table on stdout.
 */
import { execSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import pg from 'pg'

import { BENCH_GUEST_PASSWORD, ensureGuests, freeStays, logIn } from './harness/bookings'
import { countPublished, readDataset } from './harness/dataset'
import { type Measured, measure, warmUp } from './harness/measure'
import { startBareProcess, startServer, rssSampler, type Started } from './harness/processes'
import { type Row, markdownTable } from './harness/report'
import { type ShapeContext, buildShapes, searchQueries, selected } from './harness/shapes'

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    only: { type: 'string', default: '' },
    cache: { type: 'string', default: 'both' },
    'read-only': { type: 'boolean', default: false },
    port: { type: 'string', default: '3120' },
    'pool-max': { type: 'string', default: '16' },
    'min-listings': { type: 'string', default: '5000' },
    'log-level': { type: 'string', default: 'warn' },
    out: { type: 'string', default: 'bench/results' },
    password: { type: 'string', default: BENCH_GUEST_PASSWORD },
  },
})

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

const positive = (name: string) => {
  const n = Number(args[name as keyof typeof args])
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive whole number.`)
  return n
}

const databaseUrl =
  args['database-url'] ?? process.env.DATABASE_URL ?? fail('Give --database-url (or DATABASE_URL): the database to benchmark.')
const duration = positive('duration')
const connections = positive('connections')
const port = positive('port')
const poolMax = positive('pool-max')
const minListings = Number(args['min-listings'])
const only = args.only
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
const cacheModes =
  args.cache === 'both'
    ? (['off', 'on'] as const)
    : args.cache === 'on' || args.cache === 'off'
      ? ([args.cache] as const)
      : fail('--cache is off, on or both.')
const today = new Date().toISOString().slice(0, 10)
const log = (...parts: unknown[]) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts)

/** The nextCursor that reaches page 200 (limit 20) of the whole-catalogue search, when the API answers cursors. */
async function cursorToPage200(baseUrl: string, query: string): Promise<string | null> {
  const deadline = Date.now() + 120_000
  let cursor: string | null = null
  for (let page = 1; page < 200; page++) {
    const res = await fetch(`${baseUrl}/api/properties/search?${query}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      signal: AbortSignal.timeout(60_000),
    })
    const body = (await res.json()) as { nextCursor?: string | null }
    if (page === 1 && !('nextCursor' in body)) return null
    if (!body.nextCursor) {
      log(`the cursor walk ended at page ${page}: fewer than 200 pages match`)
      return null
    }
    cursor = body.nextCursor
    if (Date.now() > deadline) {
      log('walking the cursor to page 200 took over 2 minutes: skipping the cursor shape')
      return null
    }
  }
  return cursor
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
  const published = await countPublished(pool).catch((error: Error) =>
    fail(`Cannot read listings from ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}: ${error.message}`),
  )
  if (published < minListings) {
    await pool.end()
    fail(
      `This database has ${published} published listings; the benchmark needs at least ${minListings} (page 200 alone needs 4,000 matches).\n` +
        'Fill an empty, migrated database first: npm run bench:seed -- --listings 100000 --bookings 2000000\n' +
        '(or pass --min-listings to run against smaller data, knowing the numbers then say little).',
    )
  }
  const startedAt = new Date()
  log(`reading the dataset of ${published} published listings`)
  const data = await readDataset(pool, today)
  const withBookings = !args['read-only'] && (only.length === 0 || only.some((o) => o.startsWith('book')))
  log(
    `${data.database}: ${data.publishedListings} listings, ~${data.bookings} bookings; city ${data.city} (${data.cityListings}); Postgres ${data.postgres.server_version}, shared_buffers ${data.postgres.shared_buffers}`,
  )

  let guests: string[] = []
  if (withBookings) {
    log(`booking shapes write into ${data.database}: creating bench guests where missing`)
    guests = await ensureGuests(pool, connections * 2, args.password)
  }
  const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'staybase-bench-media-'))
  const redisPrefix = process.env.REDIS_PREFIX ?? 'staybase-bench:'
  const secret = randomBytes(32).toString('hex')
  const bare = await startBareProcess({ port: port + 1, databaseUrl, poolMax, secret })
  const bareResults = new Map<string, Measured>()
  const rows: Row[] = []
  const servers: { cache: 'off' | 'on'; rssPeakMb: number; rssAfterStartMb: number }[] = []
  let server: Started | null = null
  try {
    for (const cache of cacheModes) {
      log(`starting dist/server.js with CACHE_ENABLED=${cache === 'on'}`)
      server = await startServer({
        port,
        databaseUrl,
        poolMax,
        cache,
        redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        redisPrefix,
        logLevel: args['log-level'],
        mediaDir,
        secret,
      })
      const sampler = rssSampler(server.pid)
      const rssAfterStartMb = sampler.peak() / 2 ** 20
      const context: ShapeContext = { data, today, connections, cursor200: null, booking: null }
      if (only.length === 0 || only.some((o) => o.includes('cursor') || o === 'search' || o === 'searches')) {
        context.cursor200 = await cursorToPage200(server.url, searchQueries(context)['search-all'].query)
        if (!context.cursor200) log('the API answers no nextCursor (or fewer than 200 pages): no cursor shape')
      }
      if (withBookings) {
        const tokens = await logIn(server.url, guests, args.password)
        context.booking = { tokens, stays: await freeStays(pool, today), next: 0 }
        log(`${tokens.length} guests logged in, ${context.booking.stays.length} free stays ready`)
      }
      for (const shape of buildShapes(context)) {
        if (!selected(shape, only) || !shape.cache.includes(cache)) continue
        if (shape.group === 'booking' && !context.booking) continue
        if (shape.group !== 'booking') {
          const statuses = await warmUp(server.url, shape.api, 20)
          const bad = statuses.filter((s) => s >= 400)
          if (bad.length) log(`${shape.id}: the warm-up answered ${bad.join(', ')}`)
        }
        log(`${shape.id} (cache ${cache}): Staybase`)
        const api = await measure(server.url, shape.connections, duration, shape.api)
        let bareResult: Measured | null = null
        if (shape.bare) {
          bareResult = bareResults.get(shape.id) ?? null
          if (!bareResult) {
            await warmUp(bare.url, shape.bare, 20)
            log(`${shape.id}: bare express + pg`)
            bareResult = await measure(bare.url, shape.connections, duration, shape.bare)
            bareResults.set(shape.id, bareResult)
          }
        }
        rows.push({
          shape: shape.id,
          label: shape.label,
          group: shape.group,
          cache,
          api,
          bare: bareResult,
          ratio: bareResult && bareResult.rps > 0 ? api.rps / bareResult.rps : null,
        })
        log(
          `${shape.id}: p50 ${api.p50} ms, p99 ${api.p99} ms, ${api.rps.toFixed(0)} req/s${bareResult ? `; bare ${bareResult.rps.toFixed(0)} req/s` : ''}`,
        )
      }
      servers.push({ cache, rssPeakMb: Math.round(sampler.stop() / 2 ** 20), rssAfterStartMb: Math.round(rssAfterStartMb) })
      await server.stop()
      server = null
    }
  } catch (error) {
    if (server) console.error(server.output().slice(-4000))
    throw error
  } finally {
    await server?.stop()
    await bare.stop()
    await pool.end()
    rmSync(mediaDir, { recursive: true, force: true })
  }

  const finishedAt = new Date()
  const git = (cmd: string) => {
    try {
      return execSync(`git ${cmd}`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return null
    }
  }
  const { ids: _ids, slugs: _slugs, cities, ...dataset } = data
  const result = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    commit: git('rev-parse HEAD'),
    dirty: Boolean(git('status --porcelain --untracked-files=no')),
    host: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      loadAverageAtStart: os.loadavg(),
      node: process.version,
    },
    options: { duration, connections, poolMax, cache: cacheModes, only, logLevel: args['log-level'], readOnly: args['read-only'] },
    dataset: { ...dataset, topCities: cities.slice(0, 10) },
    servers,
    rows,
  }
  mkdirSync(args.out, { recursive: true })
  const file = path.join(
    args.out,
    `${startedAt
      .toISOString()
      .replace(/[:]/g, '-')
      .replace(/\.\d+Z$/, 'Z')}.json`,
  )
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)

  console.log(
    `\n## ${data.database}: ${data.publishedListings} published listings, ~${data.bookings} bookings — ${startedAt.toISOString()}\n`,
  )
  console.log(
    `Postgres ${data.postgres.server_version}: shared_buffers ${data.postgres.shared_buffers}, work_mem ${data.postgres.work_mem}, effective_cache_size ${data.postgres.effective_cache_size}, random_page_cost ${data.postgres.random_page_cost}, jit ${data.postgres.jit}. ${os.cpus().length} cores, load average at start ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}. ${duration} s per shape and side; pool ${poolMax}.\n`,
  )
  console.log(markdownTable(rows))
  console.log(`\nServer RSS peak: ${servers.map((s) => `${s.rssPeakMb} MB (cache ${s.cache})`).join(', ')}.`)
  console.log(`Results: ${file}`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
