import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Other booking sites' calendar feeds for the import tests: a local HTTP server answering each path with
 * the text set for it (or a handler: slow, huge, an error), and `ics()` to write a feed of all-day events.
 */
export type FeedServer = {
  url: (path: string) => string
  set: (path: string, body: string | ((res: ServerResponse) => void)) => void
  close: () => Promise<void>
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, string | ((res: ServerResponse) => void)>()
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route = routes.get(req.url ?? '')
    if (route === undefined) {
      res.writeHead(404).end('not found')
    } else if (typeof route === 'function') {
      route(res)
    } else {
      res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' }).end(route)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    set: (path, body) => routes.set(path, body),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type Ev = { uid: string; start: string; end: string; summary?: string; extra?: string[] }
export const compact = (date: string) => date.replace(/-/g, '')
export function ics(events: Ev[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test Site//Feed//EN',
    ...events.flatMap((e) => [
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART;VALUE=DATE:${compact(e.start)}`,
      `DTEND;VALUE=DATE:${compact(e.end)}`,
      `SUMMARY:${e.summary ?? 'Reserved'}`,
      ...(e.extra ?? []),
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
    '',
  ].join('\r\n')
}
