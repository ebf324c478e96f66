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
const rps = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1))

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
    lines.push(
      `| ${r.label} | ${a.connections} | ${r.cache} | ${ms(a.p50)} / ${ms(a.p97_5)} / ${ms(a.p99)} | ${rps(a.rps)} | ${statuses(a)}${created} | ${hits(a)} | ` +
        (r.bare ? `${ms(r.bare.p50)} / ${ms(r.bare.p97_5)} / ${ms(r.bare.p99)} | ${rps(r.bare.rps)} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} |` : '— | — | — |'),
    )
  }
  return lines.join('\n')
}
