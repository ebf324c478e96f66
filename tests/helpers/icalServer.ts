import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A local HTTP server that plays the channels' calendar exports for tests (fetcher and sync): fixture
 * feeds, slow and trickling answers, redirects, huge bodies, error statuses. Listens on 127.0.0.1 on a
 * free port, so the code under test needs `allowPrivate` / CALENDAR_FEEDS_ALLOW_PRIVATE=true.
 * `close()` destroys every open connection, including those of answers that never end.
 */
export type FeedOptions = { status?: number; contentType?: string; headers?: Record<string, string> }

export type IcalServer = {
  /** The absolute URL of `path` (e.g. `/airbnb.ics`) on this server. */
  url(path: string): string
  /** Serve `body` (or what the function returns at each request, to change a feed between syncs) at `path`. */
  setFeed(path: string, body: string | Buffer | (() => string | Buffer), opts?: FeedOptions): void
  /** Answer `path` late: after `delayMs` (default: never), or with `trickle` one byte of the feed every `delayMs` (default 100). */
  slow(path: string, opts: { delayMs?: number; trickle?: boolean }): void
  /** Answer `path` with 302 to `location` (absolute, or a path on this server). */
  redirect(path: string, location: string, status?: number): void
  /** Answer `path` with `bytes` bytes of a calendar (cut off at that size), streamed; `opts.contentLength: false` sends it chunked. */
  huge(path: string, bytes: number, opts?: { contentLength?: boolean }): void
  /** How many requests `path` got. */
  requests(path: string): number
  /** The headers of the last request to `path`. */
  lastHeaders(path: string): http.IncomingHttpHeaders | undefined
  /** Connections open right now (a client that closed its sockets leaves 0). */
  connections(): number
  close(): Promise<void>
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void

const HUGE_EVENT = (i: number) =>
  `BEGIN:VEVENT\r\nUID:huge-${i}@example.com\r\nDTSTART;VALUE=DATE:20310101\r\nDTEND;VALUE=DATE:20310102\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n`

export async function startIcalServer(): Promise<IcalServer> {
  const routes = new Map<string, Route>()
  const counts = new Map<string, number>()
  const headers = new Map<string, http.IncomingHttpHeaders>()
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      fn()
    }, ms)
    timers.add(timer)
  }

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    counts.set(path, (counts.get(path) ?? 0) + 1)
    headers.set(path, req.headers)
    const route = routes.get(path)
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    route(req, res)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: (path) => `${base}${path}`,
    setFeed(path, body, opts = {}) {
      routes.set(path, (_req, res) => {
        const text = typeof body === 'function' ? body() : body
        res.writeHead(opts.status ?? 200, {
          'content-type': opts.contentType ?? 'text/calendar; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          ...opts.headers,
        })
        res.end(text)
      })
    },
    slow(path, { delayMs, trickle }) {
      const previous = routes.get(path)
      routes.set(path, (req, res) => {
        if (!trickle) {
          if (delayMs !== undefined && previous) later(delayMs, () => previous(req, res))
          return
        }
        const text = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slow//EN\r\nEND:VCALENDAR\r\n'.repeat(1000)
        res.writeHead(200, { 'content-type': 'text/calendar', 'content-length': Buffer.byteLength(text) })
        let at = 0
        const drip = () => {
          if (res.destroyed || at >= text.length) return
          res.write(text[at++])
          later(delayMs ?? 100, drip)
        }
        drip()
      })
    },
    redirect(path, location, status = 302) {
      routes.set(path, (_req, res) => {
        res.writeHead(status, { location: location.startsWith('/') ? `${base}${location}` : location }).end()
      })
    },
    huge(path, bytes, opts = {}) {
      routes.set(path, (_req, res) => {
        const head = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//huge//EN\r\n'
        res.writeHead(200, { 'content-type': 'text/calendar', ...(opts.contentLength === false ? {} : { 'content-length': bytes }) })
        let sent = 0
        let i = 0
        const pump = () => {
          while (sent < bytes && !res.destroyed) {
            let chunk = sent === 0 ? head : ''
            while (chunk.length < 64 * 1024) chunk += HUGE_EVENT(i++)
            chunk = chunk.slice(0, bytes - sent)
            sent += chunk.length
            if (!res.write(chunk)) {
              res.once('drain', pump)
              return
            }
          }
          if (!res.destroyed) res.end()
        }
        res.on('error', () => {})
        pump()
      })
    },
    requests: (path) => counts.get(path) ?? 0,
    lastHeaders: (path) => headers.get(path),
    connections: () => sockets.size,
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
}
