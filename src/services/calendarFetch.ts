import { promises as dns } from 'node:dns'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import type { Readable } from 'node:stream'
import zlib from 'node:zlib'

import { checkFeedUrl, isInternalAddress, redirectRefusal } from '@/domain/feedUrl'
import { env } from '@/lib/env'

/**
 * Fetching a calendar feed a host gave us, safely (issue 17, calendar import). The URL is the host's
 * choice, so the fetch is treated as hostile in both directions:
 * - where it goes: `checkFeedUrl` first (http/https/webcal, no credentials, no localhost or internal
 *   literal), then DNS, and every address the name resolves to must be public; the request then
 *   connects to the address that was checked (the socket's host is that address, the Host header and
 *   TLS SNI/certificate check keep the name), so a DNS answer that changes between check and connect
 *   (rebinding) cannot reach inside. Redirects are followed by hand, at most MAX_REDIRECTS, and each
 *   Location goes through the same checks; https → http is refused (feed URLs carry secret tokens).
 * - what comes back: one deadline (`timeoutMs`) for every hop, headers and body together; the body is
 *   read as a stream and dropped past `maxBytes` (counted after gzip/deflate/brotli decoding; a
 *   Content-Length over it fails before reading); non-2xx is FEED_HTTP_ERROR.
 * Network conditions never throw: the answer is a failure with a code and a message a host can act on.
 * Only the first address of a name is tried (the others are checked too).
 */

export type CalendarFetchFailure = {
  ok: false
  code:
    | 'FEED_URL_INVALID'
    | 'FEED_URL_PRIVATE'
    | 'FEED_TIMEOUT'
    | 'FEED_TOO_LARGE'
    | 'FEED_HTTP_ERROR'
    | 'FEED_TOO_MANY_REDIRECTS'
    | 'FEED_UNREACHABLE'
  message: string
  status?: number
}
export type CalendarFetchResult = { ok: true; body: string; finalUrl: string; status: number } | CalendarFetchFailure

/** How names are resolved: every address, as dns.lookup gives them. Tests pass their own to prove the check. */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>

export type CalendarFetchOptions = {
  timeoutMs?: number
  maxBytes?: number
  allowPrivate?: boolean
  signal?: AbortSignal
  lookup?: LookupAll
  /** Which resolved addresses are refused (default isInternalAddress). Tests only: a fixture server on 127.0.0.1 can then stand for a public site. */
  isInternal?: (ip: string) => boolean
  /** Certificate authorities to trust instead of Node's (tests only: a self-signed fixture certificate). */
  ca?: string
}

export const MAX_REDIRECTS = 5
const REDIRECTS = new Set([301, 302, 303, 307, 308])

const systemLookup: LookupAll = (hostname) => dns.lookup(hostname, { all: true, verbatim: true })

const fail = (code: CalendarFetchFailure['code'], message: string, status?: number): CalendarFetchFailure =>
  status === undefined ? { ok: false, code, message } : { ok: false, code, message, status }

const userAgent = () => `Staybase-Calendar-Sync/1 (+${env.SERVER_URL})`

/** Thrown inside to leave the hop loop with an answer; never escapes fetchCalendar. */
class Answer extends Error {
  constructor(readonly failure: CalendarFetchFailure) {
    super(failure.message)
  }
}

/** Rejects as soon as `signal` aborts, so a DNS lookup (which cannot be cancelled) does not outlive the deadline. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

async function resolveChecked(
  hostname: string,
  allowPrivate: boolean,
  lookup: LookupAll,
  isInternal: (ip: string) => boolean,
  signal: AbortSignal,
) {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1')
  if (isIP(bare)) return { address: bare, family: isIP(bare) }
  let addresses: { address: string; family: number }[]
  try {
    addresses = await untilAborted(lookup(bare), signal)
  } catch (error) {
    if (signal.aborted) throw error
    throw new Answer(fail('FEED_UNREACHABLE', `The calendar site's name ${bare} could not be found (DNS); check the link.`))
  }
  if (addresses.length === 0) throw new Answer(fail('FEED_UNREACHABLE', `The calendar site's name ${bare} has no address.`))
  if (!allowPrivate && addresses.some((a) => isInternal(a.address))) {
    throw new Answer(
      fail(
        'FEED_URL_PRIVATE',
        `The calendar site's name ${bare} points at a private or local network address; Staybase does not fetch from there.`,
      ),
    )
  }
  return addresses[0]!
}

function request(
  target: URL,
  to: { address: string; family: number },
  signal: AbortSignal,
  ca: string | undefined,
): Promise<IncomingMessage> {
  const secure = target.protocol === 'https:'
  const name = target.hostname.replace(/^\[(.*)\]$/, '$1')
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        host: to.address,
        family: to.family,
        port: target.port || (secure ? 443 : 80),
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        headers: {
          host: target.host,
          'user-agent': userAgent(),
          accept: 'text/calendar, text/plain;q=0.5, */*;q=0.1',
          'accept-encoding': 'gzip, deflate',
        },
        ...(secure && !isIP(name) ? { servername: name } : {}),
        ...(secure && ca ? { ca } : {}),
        agent: false,
        signal,
      },
      resolve,
    )
    req.on('error', reject)
    req.end()
  })
}

function decoded(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase()
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : encoding === 'identity' || encoding === ''
            ? null
            : undefined
  if (decoder === undefined)
    throw new Answer(fail('FEED_UNREACHABLE', `The calendar site sent the feed in an encoding Staybase cannot read (${encoding}).`))
  if (decoder === null) return res
  res.on('error', (error) => decoder.destroy(error))
  return res.pipe(decoder)
}

async function readBody(res: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new Answer(fail('FEED_TOO_LARGE', `The calendar feed is larger than ${maxBytes} bytes; Staybase reads feeds up to that size.`))
  let stream: Readable = res
  try {
    const declared = Number(res.headers['content-length'])
    if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge()
    stream = decoded(res)
    const chunks: Buffer[] = []
    let total = 0
    for await (const chunk of stream) {
      total += (chunk as Buffer).length
      if (total > maxBytes) throw tooLarge()
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks).toString('utf8')
  } finally {
    // An answer cut short (too large, timed out) must not keep its socket: destroying the response closes it.
    stream.destroy()
    res.destroy()
  }
}

function networkFailure(error: unknown): CalendarFetchFailure {
  const code = (error as { code?: string } | null)?.code
  const messages: Record<string, string> = {
    ECONNREFUSED: 'The calendar site refused the connection.',
    ECONNRESET: 'The calendar site closed the connection before sending the feed.',
    EHOSTUNREACH: 'The calendar site cannot be reached.',
    ENETUNREACH: 'The calendar site cannot be reached.',
    ENOTFOUND: "The calendar site's name could not be found (DNS); check the link.",
    EPROTO: 'The secure connection to the calendar site failed.',
    CERT_HAS_EXPIRED: "The calendar site's certificate has expired.",
    DEPTH_ZERO_SELF_SIGNED_CERT: "The calendar site's certificate is not trusted.",
    ERR_TLS_CERT_ALTNAME_INVALID: "The calendar site's certificate does not match its name.",
    HPE_INVALID_CONSTANT: 'The calendar site did not answer in HTTP.',
  }
  const message = (code && messages[code]) ?? `The calendar feed could not be fetched${code ? ` (${code})` : ''}.`
  return fail('FEED_UNREACHABLE', message)
}

export async function fetchCalendar(url: string, opts: CalendarFetchOptions = {}): Promise<CalendarFetchResult> {
  const timeoutMs = opts.timeoutMs ?? env.CALENDAR_FETCH_TIMEOUT_MS
  const maxBytes = opts.maxBytes ?? env.CALENDAR_MAX_BYTES
  const allowPrivate = opts.allowPrivate ?? env.CALENDAR_FEEDS_ALLOW_PRIVATE
  const lookup = opts.lookup ?? systemLookup

  const deadline = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    deadline.abort(new Error('calendar fetch timed out'))
  }, timeoutMs)
  const onOuterAbort = () => deadline.abort(opts.signal?.reason)
  if (opts.signal?.aborted) onOuterAbort()
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true })
  const signal = deadline.signal

  try {
    let current = url
    for (let hop = 0; ; hop++) {
      const checked = checkFeedUrl(current, allowPrivate)
      if (!checked.ok) return fail(checked.code, checked.message)
      const target = new URL(checked.url)
      const address = await resolveChecked(target.hostname, allowPrivate, lookup, opts.isInternal ?? isInternalAddress, signal)
      const res = await request(target, address, signal, opts.ca)
      const status = res.statusCode ?? 0

      if (REDIRECTS.has(status)) {
        res.destroy()
        const location = res.headers.location
        if (!location) return fail('FEED_HTTP_ERROR', `The calendar site answered ${status} without saying where the feed moved.`, status)
        if (hop >= MAX_REDIRECTS) return fail('FEED_TOO_MANY_REDIRECTS', `The calendar link redirects more than ${MAX_REDIRECTS} times.`)
        let next: string
        try {
          next = new URL(location, target).href
        } catch {
          return fail('FEED_HTTP_ERROR', `The calendar site redirected to an invalid address.`, status)
        }
        const downgrade = redirectRefusal(target.href, next)
        if (downgrade) return fail(downgrade.code, downgrade.message)
        current = next
        continue
      }
      if (status < 200 || status > 299) {
        res.destroy()
        const hint =
          status === 401 || status === 403 || status === 404 || status === 410
            ? ' Check that the link is still valid (it may have been reset).'
            : ''
        return fail(
          'FEED_HTTP_ERROR',
          `The calendar site answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}.${hint}`,
          status,
        )
      }
      const body = await readBody(res, maxBytes)
      return { ok: true, body: body.replace(/^\uFEFF/, ''), finalUrl: target.href, status }
    }
  } catch (error) {
    if (error instanceof Answer) return error.failure
    if (timedOut) return fail('FEED_TIMEOUT', `The calendar site did not send the whole feed within ${timeoutMs / 1000} seconds.`)
    if (signal.aborted) return fail('FEED_UNREACHABLE', 'The fetch was cancelled.')
    return networkFailure(error)
  } finally {
    clearTimeout(timer)
    opts.signal?.removeEventListener('abort', onOuterAbort)
  }
}
