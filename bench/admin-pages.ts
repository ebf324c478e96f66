/**
 * `npx tsx bench/admin-pages.ts` — how long the admin panel's own pages take to render on a full-size
 * `bench:seed` database, signed in as bench-host (50 listings) and bench-staff: the dashboards, a
 * listing's calendar and the multi-calendar. Each page is opened in Debian's headless Chromium, as a
 * person would open it, and timed from the navigation to the moment its content shows (Payload's panel
 * renders in the browser: the HTML alone holds a loading shell). One at a time, after a warm-up;
 * percentiles over `--runs`. The first row is one of Payload's own list views: the panel's floor on
 * the same machine. (A plain HTTP fetch of these pages answers Payload's loading shell in ~30 ms and
 * says nothing about the page a person sees.) The SQL behind each page: scripts/explainDashboard.ts.
 *
 *   npx tsx scripts/build.ts
 *   npx tsx bench/admin-pages.ts --database-url postgres://postgres@127.0.0.1:5432/staybase_bench
 *
 * Options: --database-url URL (default $DATABASE_URL), --runs N (default 10), --port P (default 3140),
 * --password P (the generator's default). The server is dist/server.js as `npm run bench` starts it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import pg from 'pg'
import { chromium } from 'playwright-core'

import { BENCH_GUEST_PASSWORD, logIn } from './harness/bookings'
import { startServer } from './harness/processes'

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.DATABASE_URL },
    runs: { type: 'string', default: '10' },
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
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu'] })
try {
  const [hostToken, staffToken] = await logIn(server.url, ['bench-host@staybase.bench', 'bench-staff@staybase.bench'], args.password)
  const month = new Date().toISOString().slice(0, 7)
  // Who, what, where, and what shows in the browser once the page has rendered.
  const pages: [string, string, string, string][] = [
    // The floor: one of Payload's own list views, for comparison.
    ['host', "Payload's bookings list (baseline)", '/admin/collections/bookings', '.table tbody tr'],
    ['host', 'dashboard', '/admin', 'section[aria-label="This month and next"]'],
    ['host', "a listing's calendar", `/admin/calendar/${hostListing.id}?month=${month}`, '.sb-cal__night'],
    ['host', 'multi-calendar (25 of 50 listings, 2 months)', `/admin/calendar?month=${month}`, '.sb-multi__row >> nth=25'],
    ['staff', 'dashboard', '/admin', 'section[aria-label="Failed jobs"]'],
    ['staff', "multi-calendar (everyone's, first 25)", `/admin/calendar?month=${month}`, '.sb-multi__row >> nth=25'],
  ]
  console.log(`\n${counts.listings} listings, ${counts.bookings} bookings; ${runs} runs per page after 2 warm-ups\n`)
  console.log('| who | page | shown p50 ms | shown p95 ms | shown max ms |')
  console.log('| --- | --- | ---: | ---: | ---: |')
  for (const [who, name, url, ready] of pages) {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } })
    await context.addCookies([{ name: 'payload-token', value: who === 'host' ? hostToken! : staffToken!, url: server.url }])
    const page = await context.newPage()
    const open = async () => {
      const started = performance.now()
      await page.goto(`${server.url}${url}`, { waitUntil: 'commit', timeout: 60_000 })
      await page.locator(ready).first().waitFor({ timeout: 60_000 })
      return performance.now() - started
    }
    for (let i = 0; i < 2; i++) await open()
    const shown: number[] = []
    for (let i = 0; i < runs; i++) shown.push(await open())
    await context.close()
    const at = (ms: number[], q: number) => [...ms].sort((a, b) => a - b)[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!.toFixed(0)
    console.log(`| ${who} | ${name} | ${at(shown, 0.5)} | ${at(shown, 0.95)} | ${at(shown, 1)} |`)
  }
} finally {
  await browser.close()
  await server.stop()
  rmSync(mediaDir, { recursive: true, force: true })
}
