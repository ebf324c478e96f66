/**
 * Search latency: `npx tsx bench/search.ts [baseUrl] [seconds]` against a running Staybase (e.g. a
 * quickstart with the demo seed). Each query shape runs for `seconds` with 10 connections (autocannon);
 * the report gives requests/s and latency percentiles, and each shape's p50 relative to the simplest.
 */
import autocannon from 'autocannon'

import { addDays } from '../src/domain/stayDates'

const base = process.argv[2] ?? 'http://localhost:3000'
const seconds = Number(process.argv[3] ?? 10)
const checkIn = addDays(new Date().toISOString().slice(0, 10), 35)
const checkOut = addDays(checkIn, 4)

const shapes: [string, string][] = [
  ['all published, by price', 'sort=price&limit=20'],
  ['dates + guests', `checkIn=${checkIn}&checkOut=${checkOut}&guests=2&limit=20`],
  ['dates + country + amenities', `checkIn=${checkIn}&checkOut=${checkOut}&guests=2&country=CH&amenities=wifi,kitchen&limit=20`],
  ['dates + 300 km around Zürich, by distance', `checkIn=${checkIn}&checkOut=${checkOut}&lat=47.37&lng=8.54&radiusKm=300&sort=distance&limit=20`],
]

async function main(): Promise<void> {
  const results: { name: string; rps: number; p50: number; p97: number; p99: number; errors: number }[] = []
  for (const [name, query] of shapes) {
    const r = await autocannon({ url: `${base}/api/properties/search?${query}`, connections: 10, duration: seconds })
    results.push({ name, rps: r.requests.average, p50: r.latency.p50, p97: r.latency.p97_5, p99: r.latency.p99, errors: r.errors + r.non2xx })
  }
  const reference = results[0].p50 || 1
  for (const r of results) {
    console.log(
      `${r.name.padEnd(44)} ${r.rps.toFixed(0).padStart(5)} req/s  p50 ${r.p50} ms  p97.5 ${r.p97} ms  p99 ${r.p99} ms  ` +
        `(${(r.p50 / reference).toFixed(2)}× the first)${r.errors ? `  ${r.errors} errors` : ''}`,
    )
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
