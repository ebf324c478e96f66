import type { Measured } from './measure'

export type Row = {
  shape: string
  label: string
  group: string
  cache: 'off' | 'on'
  api: Measured
  bare: Measured | null
  /** Staybase requests/s ÷ bare requests/s, both measured in this run. */
  ratio: number | null
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2))
const rps = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2))

function statuses(m: Measured): string {
  const codes = Object.entries(m.statusCodes).filter(([code]) => !code.startsWith('2'))
  const parts = codes.map(([code, n]) => `${n}× ${code}`)
  if (m.errors) parts.push(`${m.errors} errors`)
  if (m.timeouts) parts.push(`${m.timeouts} timeouts`)
  return parts.length ? parts.join(', ') : '0'
}

function hits(m: Measured): string {
  const { hit, miss } = m.cache
  return hit + miss ? `${((100 * hit) / (hit + miss)).toFixed(0)}%` : '—'
}

export function markdownTable(rows: Row[]): string {
  const lines = [
    '| shape | conn. | cache | Staybase p50 / p97.5 / p99 ms | req/s | non-2xx | hit ratio | bare p50 / p97.5 / p99 ms | bare req/s | ratio |',
    '| --- | ---: | --- | --- | ---: | --- | ---: | --- | ---: | ---: |',
  ]
  for (const r of rows) {
    const a = r.api
    const created = r.group === 'booking' ? ` (${a.statusCodes['201'] ?? 0}× 201)` : ''
    const latency = (m: Measured) => (m.requests ? `${ms(m.p50)} / ${ms(m.p97_5)} / ${ms(m.p99)}` : 'no answer in the run')
    lines.push(
      `| ${r.label} | ${a.connections} | ${r.cache} | ${latency(a)} | ${rps(a.rps)} | ${statuses(a)}${created} | ${hits(a)} | ` +
        (r.bare ? `${latency(r.bare)} | ${rps(r.bare.rps)} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} |` : '— | — | — |'),
    )
  }
  return lines.join('\n')
}

/** Re-renders a results file: `npx tsx bench/harness/report.ts bench/results/<file>.json`. */
const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href
if (isMain) {
  const { readFileSync } = await import('node:fs')
  const file = process.argv[2]
  if (!file) throw new Error('Usage: npx tsx bench/harness/report.ts bench/results/<file>.json')
  const result = JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[] }
  // Files written before rps was completed ÷ duration carried autocannon's rounded per-second average.
  for (const row of result.rows) for (const m of [row.api, row.bare]) if (m) m.rps = m.requests / m.durationS
  for (const row of result.rows) row.ratio = row.bare && row.bare.rps > 0 ? row.api.rps / row.bare.rps : null
  console.log(markdownTable(result.rows))
}
