/**
 * EXPLAIN (ANALYZE, BUFFERS) of each search shape, both statements (the page and the bounded count), run
 * through searchStatements — the SQL the API runs — against DATABASE_URL (a full-size `bench:seed`
 * database): `DATABASE_URL=… npx tsx scripts/explainSearch.ts [shape…]`, VERBOSE=1 for whole plans.
 * Prints the client-side median of five runs and the server's execution time. Stays are in January 2027.
 */
import { PgDialect } from '@payloadcms/db-postgres/drizzle/pg-core'
import pg from 'pg'

import { parseSearch } from '@/domain/searchParams'
import { searchStatements } from '@/services/listingSearch'

const dialect = new PgDialect()
const shapes: Record<string, string> = {
  paris: 'checkIn=2027-01-10&checkOut=2027-01-14&guests=2&city=Paris',
  paris_lower: 'checkIn=2027-01-10&checkOut=2027-01-14&guests=2&city=paris',
  all_dates: 'checkIn=2027-01-10&checkOut=2027-01-14&guests=2',
  radius: 'checkIn=2027-01-10&checkOut=2027-01-14&lat=48.85&lng=2.35&radiusKm=50&sort=distance',
  country_amen: 'checkIn=2027-01-10&checkOut=2027-01-14&country=CH&amenities=wifi,kitchen&minPrice=5000&maxPrice=30000',
  page200: 'checkIn=2027-01-10&checkOut=2027-01-14&guests=2&page=200',
  rating: 'checkIn=2027-01-10&checkOut=2027-01-14&sort=rating',
  neg_price: 'sort=-price',
  cursor200: 'checkIn=2027-01-10&checkOut=2027-01-14&guests=2',
}
const only = process.argv.slice(2)
const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
await client.connect()
for (const [name, qs] of Object.entries(shapes)) {
  if (only.length && !only.includes(name)) continue
  const params = new URLSearchParams(qs)
  const parsed = parseSearch((n) => params.get(n))
  if (!parsed.ok) throw new Error(parsed.message)
  if (name === 'cursor200') {
    const base = searchStatements({ ...parsed.criteria, page: 200 })
    const q0 = dialect.sqlToQuery(base.query)
    const first = (await client.query(q0.sql, q0.params)).rows[0]
    parsed.criteria.after = { page: 200, key: { sort: 'price', rate: Number(first.nightly_rate), id: first.id } }
  }
  const { query, count } = searchStatements(parsed.criteria)
  for (const [kind, st] of [
    ['page', query],
    ['count', count],
  ] as const) {
    const q = dialect.sqlToQuery(st)
    // warm
    await client.query(q.sql, q.params)
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      await client.query(q.sql, q.params)
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b) // five runs: times[2] is the median
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params)
    const lines = plan.rows.map((r) => r['QUERY PLAN'] as string)
    console.log(`== ${name} ${kind}: client median ${times[2]!.toFixed(1)} ms; ${lines.filter((l) => /Execution Time/.test(l)).join('')}`)
    if (process.env.VERBOSE) console.log(lines.join('\n'))
  }
}
await client.end()
