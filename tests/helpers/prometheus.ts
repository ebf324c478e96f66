/**
 * A strict reader of Prometheus's text exposition format (version 0.0.4), enough to check what
 * /metrics answers: every sample line parses, belongs to a family declared by `# HELP` and `# TYPE`,
 * and has a numeric value. Throws on the first line that does not.
 */
export type Exposition = {
  /** Family name → its type (counter, gauge, histogram, summary, untyped). */
  families: Map<string, string>
  /** Every sample: name, labels and value. */
  samples: { name: string; labels: Record<string, string>; value: number }[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] }

export function parseExposition(text: string): Exposition {
  const families = new Map<string, string>()
  const helped = new Set<string>()
  const samples: Exposition['samples'] = []
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a newline')
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue
    const fail = (why: string) => new Error(`line ${index + 1}: ${why}: ${line}`)
    if (line.startsWith('# HELP ')) {
      const name = line.slice(7).split(' ', 1)[0]!
      if (!NAME.test(name)) throw fail('bad metric name')
      helped.add(name)
      continue
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ')
      if (!name || !NAME.test(name) || !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type ?? '')) throw fail('bad TYPE')
      if (families.has(name)) throw fail('family declared twice')
      families.set(name, type!)
      continue
    }
    if (line.startsWith('#')) continue
    const match = SAMPLE.exec(line)
    if (!match) throw fail('not a sample')
    const [, name, , rawLabels = '', rawValue] = match
    // Prometheus reads values with Go's ParseFloat: NaN and Inf in any case (prom-client writes `Nan`).
    const special = /^(nan|[+-]?inf(inity)?)$/i.test(rawValue!)
    const value = special ? (/nan/i.test(rawValue!) ? Number.NaN : rawValue!.startsWith('-') ? -Infinity : Infinity) : Number(rawValue)
    if (!special && (rawValue!.trim() === '' || Number.isNaN(value))) throw fail('value is not a number')
    const labels: Record<string, string> = {}
    LABEL.lastIndex = 0
    while (LABEL.lastIndex < rawLabels.length) {
      const start = LABEL.lastIndex
      const label = LABEL.exec(rawLabels)
      if (!label || label.index !== start) throw fail('bad labels')
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
    }
    const family = familyOf(name!, families)
    if (!family) throw fail('sample of an undeclared family')
    if (!helped.has(family)) throw fail('family without HELP')
    samples.push({ name: name!, labels, value })
  }
  return { families, samples }
}

function familyOf(name: string, families: Map<string, string>): string | null {
  if (families.has(name) && !SUFFIXES[families.get(name)!]) return name
  for (const [family, type] of families) {
    for (const suffix of SUFFIXES[type] ?? []) if (`${family}${suffix}` === name) return family
  }
  return null
}

/** The sum of the samples named `name` whose labels include `labels` (0 when there is none). */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  return exposition.samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0)
}

/** Whether any sample named `name` has labels including `labels`. */
export function hasSample(exposition: Exposition, name: string, labels: Record<string, string> = {}): boolean {
  return exposition.samples.some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
}

/** Every name a sample of this exposition may have: the families and their histogram/summary series. */
export function seriesNames(exposition: Exposition): Set<string> {
  const names = new Set<string>()
  for (const [family, type] of exposition.families) {
    names.add(family)
    for (const suffix of SUFFIXES[type] ?? []) names.add(`${family}${suffix}`)
  }
  return names
}

/**
 * GET <url>/metrics with the bearer token: the exposition as sent (`text`) and parsed (throws on a
 * refusal, a wrong content type or a line that does not parse).
 */
export async function scrapeMetrics(url: string, token: string): Promise<Exposition & { text: string }> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text}`)
  const type = res.headers.get('content-type') ?? ''
  if (!/^text\/plain; version=0\.0\.4/.test(type)) throw new Error(`/metrics answered with content-type ${type}`)
  return { ...parseExposition(text), text }
}
