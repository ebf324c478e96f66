import autocannon from 'autocannon'

import type { Request } from './shapes'

/** One autocannon run: what the report keeps of it. Latencies in milliseconds. */
export type Measured = {
  connections: number
  durationS: number
  requests: number
  rps: number
  p50: number
  p97_5: number
  p99: number
  max: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  /** From the `x-cache` response header (hit|miss); requests without it are `unknown`. */
  cache: { hit: number; miss: number; unknown: number }
}

export async function measure(baseUrl: string, connections: number, durationS: number, next: () => Request): Promise<Measured> {
  const cache = { hit: 0, miss: 0, unknown: 0 }
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: durationS,
    timeout: 30,
    requests: [
      {
        setupRequest: (req) => ({ ...req, ...next() }),
        onResponse: (_status, _body, _context, headers) => {
          const value = String((headers as Record<string, string | undefined>)?.['x-cache'] ?? '').toLowerCase()
          if (value.startsWith('hit')) cache.hit++
          else if (value.startsWith('miss')) cache.miss++
          else cache.unknown++
        },
      },
    ],
  })
  const statusCodes: Record<string, number> = {}
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (stats as { count: number }).count
  return {
    connections,
    durationS,
    requests: result.requests.total,
    // Completed requests over the run's length: autocannon's per-second average rounds a 0.4 req/s shape to 0.
    rps: result.requests.total / (result.duration || durationS),
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    cache,
  }
}

/**
 * A few sequential requests before measuring (JIT, plan caches, connection pools, the cache under test):
 * `count` of them, or fewer when they take longer than `maxMs` together (a 10 s search is warm after one).
 */
export async function warmUp(baseUrl: string, next: () => Request, count: number, maxMs = 5_000): Promise<number[]> {
  const statuses: number[] = []
  const deadline = Date.now() + maxMs
  for (let i = 0; i < count && (i === 0 || Date.now() < deadline); i++) {
    const r = next()
    const res = await fetch(`${baseUrl}${r.path}`, {
      method: r.method,
      headers: r.headers,
      body: r.body,
      signal: AbortSignal.timeout(60_000),
    })
    await res.arrayBuffer()
    statuses.push(res.status)
  }
  return statuses
}
