import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import https from 'node:https'
import { createServer } from 'node:net'
import type { TLSSocket } from 'node:tls'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

import { isInternalAddress } from '@/domain/feedUrl'
import type { CalendarFetchOptions, CalendarFetchResult, LookupAll } from '@/services/calendarFetch'

import { TEST_SECRET } from '../../tests/helpers/constants'
import { type IcalServer, startIcalServer } from '../../tests/helpers/icalServer'
import { eventually } from '../../tests/helpers/wait'

/**
 * fetchCalendar against a real local HTTP server (no Payload needed). The fixture server listens on
 * 127.0.0.1, so most tests pass allowPrivate; the tests of the address rules instead give names that
 * resolve (through an injected lookup) to the server, and, where the first hop must count as public,
 * an `isInternal` that lets 127.0.0.1 stand for a public site while 127.0.0.2 stays internal.
 */
const BASE_ENV = { DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', PAYLOAD_SECRET: TEST_SECRET, SERVER_URL: 'https://stay.example' }
Object.assign(process.env, BASE_ENV)

let fetchCalendar: (url: string, opts?: CalendarFetchOptions) => Promise<CalendarFetchResult>
let server: IcalServer
const airbnb = readFileSync(path.join(process.cwd(), 'tests/fixtures/ical/airbnb.ics'), 'utf8')

/** Names of the tests' own "DNS": public.test is the fixture server, rebind.test and the rest are internal. */
const lookup: LookupAll = async (hostname) => {
  if (hostname === 'public.test') return [{ address: '127.0.0.1', family: 4 }]
  if (hostname === 'inside.test') return [{ address: '127.0.0.2', family: 4 }]
  if (hostname === 'mixed.test')
    return [
      { address: '127.0.0.1', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ]
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
}
/** 127.0.0.1 plays a public site; every other internal address keeps its rule. */
const fixtureIsPublic = (ip: string) => ip !== '127.0.0.1' && isInternalAddress(ip)
const publicUrl = (p: string) => server.url(p).replace('127.0.0.1', 'public.test')
const asPublic: CalendarFetchOptions = { allowPrivate: false, lookup, isInternal: fixtureIsPublic, timeoutMs: 5_000 }

beforeAll(async () => {
  ;({ fetchCalendar } = await import('@/services/calendarFetch'))
  server = await startIcalServer()
})

afterEach(async () => {
  // Every answer, finished or cut off, leaves no connection open on either side.
  await eventually('the fetcher to close its connections', async () => server.connections() === 0, {
    timeoutMs: 5_000,
    intervalMs: 20,
    detail: () => `${server.connections()} still open`,
  })
})

afterAll(async () => {
  await server?.close()
})

describe('fetchCalendar: answers', () => {
  it('fetches a feed with our User-Agent and Accept', async () => {
    server.setFeed('/airbnb.ics', airbnb)
    const result = await fetchCalendar(server.url('/airbnb.ics'), { allowPrivate: true })
    expect(result).toEqual({ ok: true, body: airbnb, finalUrl: server.url('/airbnb.ics'), status: 200 })
    const headers = server.lastHeaders('/airbnb.ics')!
    expect(headers['user-agent']).toBe('Staybase-Calendar-Sync/1 (+https://stay.example)')
    expect(headers.accept).toMatch(/^text\/calendar/)
    expect(headers.host).toBe(new URL(server.url('/')).host)
  })

  it('defaults come from the environment (allowPrivate false): the fixture server is refused', async () => {
    expect(await fetchCalendar(server.url('/airbnb.ics'))).toMatchObject({ ok: false, code: 'FEED_URL_PRIVATE' })
  })

  it('decodes gzip, and bounds the decoded size (a gzip bomb is too large)', async () => {
    server.setFeed('/gzip.ics', gzipSync(airbnb), { headers: { 'content-encoding': 'gzip' } })
    expect(await fetchCalendar(server.url('/gzip.ics'), { allowPrivate: true })).toMatchObject({ ok: true, body: airbnb })
    const bomb = gzipSync('X'.repeat(20 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(100_000)
    server.setFeed('/bomb.ics', bomb, { headers: { 'content-encoding': 'gzip' } })
    expect(await fetchCalendar(server.url('/bomb.ics'), { allowPrivate: true, maxBytes: 1024 * 1024 })).toMatchObject({
      ok: false,
      code: 'FEED_TOO_LARGE',
    })
  })

  it('an unreadable content encoding is a failure, not a crash', async () => {
    server.setFeed('/zstd.ics', airbnb, { headers: { 'content-encoding': 'zstd' } })
    expect(await fetchCalendar(server.url('/zstd.ics'), { allowPrivate: true })).toMatchObject({ ok: false, code: 'FEED_UNREACHABLE' })
  })

  it.each([
    [404, /answered 404.*still valid/],
    [403, /answered 403/],
    [500, /answered 500/],
    [204, /answered 204/],
  ])('non-2xx %s is FEED_HTTP_ERROR with the status', async (status, message) => {
    server.setFeed(`/status-${status}.ics`, status === 204 ? '' : 'nope', { status })
    const result = await fetchCalendar(server.url(`/status-${status}.ics`), { allowPrivate: true })
    if (status === 204) {
      // 204 is a success without a body: an empty feed, which the parser then refuses.
      expect(result).toMatchObject({ ok: true, body: '', status: 204 })
      return
    }
    expect(result).toMatchObject({ ok: false, code: 'FEED_HTTP_ERROR', status })
    expect(!result.ok && result.message).toMatch(message)
  })

  it('a refused connection is FEED_UNREACHABLE', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as { port: number }
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    expect(await fetchCalendar(`http://127.0.0.1:${port}/feed.ics`, { allowPrivate: true })).toEqual({
      ok: false,
      code: 'FEED_UNREACHABLE',
      message: 'The calendar site refused the connection.',
    })
  })

  it('a name that does not resolve is FEED_UNREACHABLE', async () => {
    expect(await fetchCalendar('https://nowhere.test/feed.ics', { ...asPublic })).toMatchObject({ ok: false, code: 'FEED_UNREACHABLE' })
  })

  it.each([
    ['ftp', 'ftp://example.com/a.ics'],
    ['file', 'file:///etc/passwd'],
    ['not a URL', 'not a url'],
    ['credentials', 'https://u:p@example.com/a.ics'],
  ])('%s is FEED_URL_INVALID before any request', async (_, url) => {
    expect(await fetchCalendar(url, { allowPrivate: true })).toMatchObject({ ok: false, code: 'FEED_URL_INVALID' })
  })

  it('a signal aborted by the caller ends the fetch', async () => {
    server.setFeed('/never.ics', airbnb)
    server.slow('/never.ics', {})
    const controller = new AbortController()
    const pending = fetchCalendar(server.url('/never.ics'), { allowPrivate: true, signal: controller.signal, timeoutMs: 30_000 })
    await eventually('the request to arrive', async () => server.requests('/never.ics') > 0)
    controller.abort()
    expect(await pending).toEqual({ ok: false, code: 'FEED_UNREACHABLE', message: 'The fetch was cancelled.' })
  })
})

describe('fetchCalendar: limits', () => {
  it('a server that never answers: FEED_TIMEOUT', async () => {
    server.setFeed('/silent.ics', airbnb)
    server.slow('/silent.ics', {})
    expect(await fetchCalendar(server.url('/silent.ics'), { allowPrivate: true, timeoutMs: 300 })).toMatchObject({
      ok: false,
      code: 'FEED_TIMEOUT',
    })
  })

  it('a body trickling past the deadline: FEED_TIMEOUT (the deadline covers the body too)', async () => {
    server.slow('/trickle.ics', { trickle: true, delayMs: 20 })
    expect(await fetchCalendar(server.url('/trickle.ics'), { allowPrivate: true, timeoutMs: 300 })).toMatchObject({
      ok: false,
      code: 'FEED_TIMEOUT',
    })
  })

  it('the deadline covers every redirect hop', async () => {
    server.setFeed('/late.ics', airbnb)
    server.slow('/late.ics', { delayMs: 60_000 })
    server.redirect('/to-late', '/late.ics')
    expect(await fetchCalendar(server.url('/to-late'), { allowPrivate: true, timeoutMs: 300 })).toMatchObject({
      ok: false,
      code: 'FEED_TIMEOUT',
    })
  })

  it('a huge body with Content-Length is refused before reading', async () => {
    server.huge('/huge.ics', 50 * 1024 * 1024)
    expect(await fetchCalendar(server.url('/huge.ics'), { allowPrivate: true, maxBytes: 1024 * 1024 })).toMatchObject({
      ok: false,
      code: 'FEED_TOO_LARGE',
    })
  })

  it('a huge chunked body is cut off past maxBytes', async () => {
    server.huge('/huge-chunked.ics', 50 * 1024 * 1024, { contentLength: false })
    const result = await fetchCalendar(server.url('/huge-chunked.ics'), { allowPrivate: true, maxBytes: 1024 * 1024 })
    expect(result).toMatchObject({ ok: false, code: 'FEED_TOO_LARGE' })
  })

  it('a body of exactly maxBytes is read', async () => {
    server.huge('/exact.ics', 4096, { contentLength: false })
    const result = await fetchCalendar(server.url('/exact.ics'), { allowPrivate: true, maxBytes: 4096 })
    expect(result.ok && result.body.length).toBe(4096)
  })
})

describe('fetchCalendar: redirects', () => {
  it('follows a chain of redirects (301, 302, 307, 308) to the feed', async () => {
    server.setFeed('/final.ics', airbnb)
    server.redirect('/hop1', '/hop2', 301)
    server.redirect('/hop2', '/hop3', 302)
    server.redirect('/hop3', '/hop4', 307)
    server.redirect('/hop4', '/hop5', 308)
    server.redirect('/hop5', '/final.ics', 303)
    const result = await fetchCalendar(server.url('/hop1'), { allowPrivate: true })
    expect(result).toMatchObject({ ok: true, finalUrl: server.url('/final.ics'), status: 200, body: airbnb })
  })

  it('more than five redirects: FEED_TOO_MANY_REDIRECTS', async () => {
    server.redirect('/loop', '/loop')
    const before = server.requests('/loop')
    expect(await fetchCalendar(server.url('/loop'), { allowPrivate: true })).toMatchObject({ ok: false, code: 'FEED_TOO_MANY_REDIRECTS' })
    expect(server.requests('/loop') - before).toBe(6)
  })

  it('a redirect without Location is FEED_HTTP_ERROR', async () => {
    server.setFeed('/no-location', '', { status: 302 })
    expect(await fetchCalendar(server.url('/no-location'), { allowPrivate: true })).toMatchObject({
      ok: false,
      code: 'FEED_HTTP_ERROR',
      status: 302,
    })
  })

  it('a redirect to another scheme is FEED_URL_INVALID', async () => {
    server.redirect('/to-file', 'file:///etc/passwd')
    expect(await fetchCalendar(server.url('/to-file'), { allowPrivate: true })).toMatchObject({ ok: false, code: 'FEED_URL_INVALID' })
  })
})

describe('fetchCalendar: internal addresses (allowPrivate false)', () => {
  it('a public name is fetched from the address it resolved to, with the name as Host', async () => {
    server.setFeed('/public.ics', airbnb)
    const result = await fetchCalendar(publicUrl('/public.ics'), asPublic)
    expect(result).toMatchObject({ ok: true, body: airbnb })
    expect(server.lastHeaders('/public.ics')!.host).toBe(new URL(publicUrl('/')).host)
  })

  it.each([
    ['literal 127.0.0.1', () => server.url('/airbnb.ics')],
    ['localhost', () => server.url('/airbnb.ics').replace('127.0.0.1', 'localhost')],
    ['a name resolving to loopback (the DNS check)', () => server.url('/airbnb.ics').replace('127.0.0.1', 'inside.test')],
    ['a name with one internal address among public ones', () => server.url('/airbnb.ics').replace('127.0.0.1', 'mixed.test')],
  ])('refuses %s', async (_, url) => {
    const before = server.requests('/airbnb.ics')
    expect(await fetchCalendar(url(), { allowPrivate: false, lookup })).toMatchObject({ ok: false, code: 'FEED_URL_PRIVATE' })
    expect(server.requests('/airbnb.ics')).toBe(before)
  })

  it('without the injected lookup, the system resolver checks too: localhost. (root dot) is refused', async () => {
    expect(await fetchCalendar(server.url('/airbnb.ics').replace('127.0.0.1', 'localhost.'), { allowPrivate: false })).toMatchObject({
      ok: false,
      code: 'FEED_URL_PRIVATE',
    })
  })

  it.each([
    ['127.0.0.1', 'http://127.0.0.1/latest'],
    ['cloud metadata 169.254.169.254', 'http://169.254.169.254/latest/meta-data/'],
    ['[::1]', 'http://[::1]:6379/'],
    ['localhost', 'http://localhost:5432/'],
    ['a name resolving to loopback', 'http://inside.test/'],
    ['decimal 127.0.0.1', 'http://2130706433/'],
  ])('a redirect to %s is refused after a public first hop', async (_, location) => {
    server.redirect('/evil', location)
    const result = await fetchCalendar(publicUrl('/evil'), asPublic)
    expect(result).toMatchObject({ ok: false, code: 'FEED_URL_PRIVATE' })
    expect(server.requests('/evil')).toBeGreaterThan(0)
  })
})

describe('fetchCalendar: https to the pinned address', () => {
  const tls = (name: string) => readFileSync(path.join(process.cwd(), 'tests/fixtures/tls', name), 'utf8')
  const ca = tls('public-test.crt')
  let secure: https.Server
  let port: number
  let seen: { sni: string | false | null | undefined; host: string | undefined } | undefined
  beforeAll(async () => {
    secure = https.createServer({ key: tls('public-test.key'), cert: ca }, (req, res) => {
      if (req.url === '/downgrade') {
        res.writeHead(302, { location: server.url('/airbnb.ics') }).end()
        return
      }
      seen = { sni: (req.socket as TLSSocket).servername, host: req.headers.host }
      res.writeHead(200, { 'content-type': 'text/calendar' }).end(airbnb)
    })
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve))
    port = (secure.address() as { port: number }).port
  })
  afterAll(async () => {
    secure.closeAllConnections()
    await new Promise<void>((resolve) => secure.close(() => resolve()))
  })

  it('connects to the checked address while TLS (SNI, certificate) and Host keep the name', async () => {
    const result = await fetchCalendar(`https://public.test:${port}/feed.ics`, { ...asPublic, ca })
    expect(result).toMatchObject({ ok: true, body: airbnb, status: 200 })
    expect(seen).toEqual({ sni: 'public.test', host: `public.test:${port}` })
  })

  it('a certificate for another name is FEED_UNREACHABLE', async () => {
    const other: LookupAll = async () => [{ address: '127.0.0.1', family: 4 }]
    const result = await fetchCalendar(`https://other.test:${port}/feed.ics`, { ...asPublic, lookup: other, ca })
    expect(result).toEqual({ ok: false, code: 'FEED_UNREACHABLE', message: "The calendar site's certificate does not match its name." })
  })

  it('an untrusted certificate is FEED_UNREACHABLE', async () => {
    expect(await fetchCalendar(`https://public.test:${port}/feed.ics`, asPublic)).toMatchObject({ ok: false, code: 'FEED_UNREACHABLE' })
  })

  it('a redirect from https to http is refused', async () => {
    const result = await fetchCalendar(`https://public.test:${port}/downgrade`, { allowPrivate: true, lookup, ca })
    expect(result).toMatchObject({
      ok: false,
      code: 'FEED_URL_INVALID',
      message: expect.stringMatching(/https:\/\/ to insecure http:\/\//),
    })
  })
})

describe('CALENDAR_FEEDS_ALLOW_PRIVATE in production', () => {
  const loadEnv = (extra: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', '-e', "await import('./src/lib/env.ts')"], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...BASE_ENV, SMTP_HOST: '127.0.0.1', ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    })

  it('stops the process (server and worker validate the same env) with a clear message', () => {
    const run = loadEnv({ NODE_ENV: 'production', CALENDAR_FEEDS_ALLOW_PRIVATE: 'true' })
    expect(run.status).not.toBe(0)
    expect(`${run.stdout}${run.stderr}`).toMatch(/CALENDAR_FEEDS_ALLOW_PRIVATE[\s\S]*must not be true in production/)
  })

  it('is fine in production when false, and in test when true', () => {
    expect(loadEnv({ NODE_ENV: 'production', CALENDAR_FEEDS_ALLOW_PRIVATE: 'false' }).status).toBe(0)
    expect(loadEnv({ NODE_ENV: 'test', CALENDAR_FEEDS_ALLOW_PRIVATE: 'true' }).status).toBe(0)
  })

  it.each([
    ['CALENDAR_SYNC_MINUTES', '0'],
    ['CALENDAR_FETCH_TIMEOUT_MS', '1.5'],
    ['CALENDAR_MAX_BYTES', '-1'],
    ['CALENDAR_FEEDS_ALLOW_PRIVATE', 'maybe'],
  ])('%s=%s is refused', (name, value) => {
    const run = loadEnv({ NODE_ENV: 'test', [name]: value })
    expect(run.status).not.toBe(0)
    expect(`${run.stdout}${run.stderr}`).toContain(name)
  })
})
