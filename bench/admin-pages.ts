/**
 * `npx tsx bench/admin-pages.ts` — how long the admin panel's own pages take to render on a full-size
 * `bench:seed` database, signed in as bench-host (50 listings) and bench-staff: the dashboards, a
 * listing's calendar and the multi-calendar. Each page is fetched as a browser would navigate to it
 * (the server renders it whole), one at a time, after a warm-up; percentiles over `--runs`.
 *
 *   npx tsx scripts/build.ts
 *   npx tsx bench/admin-pages.ts --database-url postgres://postgres@127.0.0.1:5432/staybase_bench
 *
 * Options: --database-url URL (default $DATABASE_URL), --runs N (default 20), --port P (default 3140),
 * --password P (the generator's default). The server is dist/server.js as `npm run bench` starts it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import pg from 'pg'

import { BENCH_GUEST_PASSWORD, logIn } from './harness/bookings'
import { startServer } from './harness/processes'

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.DATABASE_URL },
    runs: { type: 'string', default: '20' },
    port: { type: 'string', default: '3140' },
    password: { type: 'string', default: BENCH_GUEST_PASSWORD },
  },
})
const databaseUrl = args['database-url']
if (!databaseUrl) throw new Error('--database-url or DATABASE_URL: a bench:seed database')
const runs = Number(args.runs)

const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
const counts = (
  await pool.query<{ listings: string; bookings: string }>(
    'SELECT (SELECT count(*) FROM properties) AS listings, (SELECT count(*) FROM bookings) AS bookings',
  )
).rows[0]!
const hostListing = (
  await pool.query<{ id: number }>(
    `SELECT p.id FROM properties p JOIN users u ON u.id = p.host_id WHERE u.email = 'bench-host@staybase.bench' ORDER BY p.title LIMIT 1`,
  )
).rows[0]
await pool.end()
if (!hostListing) throw new Error('no bench-host@staybase.bench listing: seed the database with npm run bench:seed')

const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'staybase-admin-pages-'))
const server = await startServer({
  port: Number(args.port),
  databaseUrl,
  poolMax: 10,
  cache: 'on',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  redisPrefix: `admin-pages-${process.pid}:`,
  logLevel: 'warn',
  mediaDir,
  secret: 'bench-admin-pages-secret-0123456789abcdef',
})
try {
  const [hostToken, staffToken] = await logIn(server.url, ['bench-host@staybase.bench', 'bench-staff@staybase.bench'], args.password)
  const month = new Date().toISOString().slice(0, 7)
  const pages: [string, string, string][] = [
    ['host', 'dashboard', '/admin'],
    ['host', "a listing's calendar", `/admin/calendar/${hostListing.id}?month=${month}`],
    ['host', 'multi-calendar (25 of 50 listings, 2 months)', `/admin/calendar?month=${month}`],
    ['staff', 'dashboard', '/admin'],
    ['staff', "multi-calendar (everyone's, first 25)", `/admin/calendar?month=${month}`],
  ]
  console.log(`\n${counts.listings} listings, ${counts.bookings} bookings; ${runs} runs per page after 3 warm-ups\n`)
  console.log('| who | page | p50 ms | p95 ms | max ms | bytes |')
  console.log('| --- | --- | ---: | ---: | ---: | ---: |')
  for (const [who, name, url] of pages) {
    const cookie = `payload-token=${who === 'host' ? hostToken : staffToken}`
    const fetchPage = async () => {
      const started = performance.now()
      const res = await fetch(`${server.url}${url}`, { headers: { cookie }, redirect: 'manual' })
      const body = await res.text()
      if (res.status !== 200) throw new Error(`${url} as ${who} answered ${res.status}`)
      return { ms: performance.now() - started, bytes: body.length }
    }
    for (let i = 0; i < 3; i++) await fetchPage()
    const samples: { ms: number; bytes: number }[] = []
    for (let i = 0; i < runs; i++) samples.push(await fetchPage())
    const ms = samples.map((s) => s.ms).sort((a, b) => a - b)
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!.toFixed(0)
    console.log(`| ${who} | ${name} | ${at(0.5)} | ${at(0.95)} | ${ms.at(-1)!.toFixed(0)} | ${samples[0]!.bytes} |`)
  }
} finally {
  await server.stop()
  rmSync(mediaDir, { recursive: true, force: true })
}
