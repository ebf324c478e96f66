import ipaddr from 'ipaddr.js'

/**
 * Which calendar feed URLs Staybase may fetch. The server fetches what a host typed, so without these
 * rules a host could make it read its own network: cloud metadata (169.254.169.254), Redis, Postgres,
 * admin ports. Checked without DNS when a feed is saved (`checkFeedUrl`) and again, on every fetch and
 * every redirect hop, against the addresses the name resolves to (`isInternalAddress`, used by
 * src/services/calendarFetch.ts, which then connects to exactly the address it checked).
 *
 * `webcal://` (what Airbnb, Google and others hand out for "subscribe") is accepted and fetched as
 * `https://`: webcal is only a hint to open a calendar app, the feed itself is served over HTTP(S).
 */

export const MAX_FEED_URL_LENGTH = 2048

export type FeedUrlRefusal = { code: 'FEED_URL_INVALID' | 'FEED_URL_PRIVATE'; message: string }

const PRIVATE_MESSAGE =
  'The calendar link points at a private or local network address; use the public export link the booking site gives you.'

/**
 * An IPv4 address inside an IPv6 one that routes to that IPv4 address: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::/96, deprecated: ::a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002:aabb:ccdd::/48) and Teredo
 * (2001::/32, the client address inverted).
 */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = ip.range()
  const bytes = ip.toByteArray()
  const v4 = (four: number[]) => new ipaddr.IPv4(four)
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return v4(bytes.slice(12, 16))
  if (range === '6to4') return v4(bytes.slice(2, 6))
  if (range === 'teredo') return v4(bytes.slice(12, 16).map((byte) => byte ^ 0xff))
  if (bytes.slice(0, 12).every((byte) => byte === 0)) return v4(bytes.slice(12, 16))
  return null
}

/**
 * True for every address a feed must not be fetched from: anything that is not plain public unicast
 * (loopback, unspecified, private, link-local, unique-local, CGNAT, multicast, broadcast, reserved and
 * documentation ranges), and IPv6 forms that carry such an IPv4 address. A string that is not an IP
 * address counts as internal: callers only ask about addresses, so a surprise is refused, not fetched.
 */
export function isInternalAddress(ip: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.parse(ip.replace(/^\[(.*)\]$/, '$1'))
  } catch {
    return true
  }
  if (parsed.kind() === 'ipv6') {
    const v4 = embeddedIPv4(parsed as ipaddr.IPv6)
    if (v4) return v4.range() !== 'unicast'
  }
  return parsed.range() !== 'unicast'
}

/** A hostname that names this machine without DNS: `localhost`, `*.localhost` (RFC 6761), with or without the root dot. */
const isLocalhostName = (host: string): boolean => /(^|\.)localhost\.?$/i.test(host)

/** An IP literal as WHATWG URL leaves it in `hostname`: dotted-quad IPv4 (other forms are normalised to it) or bracketed IPv6. */
function ipLiteral(hostname: string): string | null {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1)
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) return hostname
  return null
}

/**
 * The checks a feed URL passes before it is saved or fetched, without DNS: an absolute http(s) (or
 * webcal, read as https) URL of at most 2048 characters, without credentials, whose host is not
 * `localhost` or an internal IP literal (decimal, octal and hex IPv4 forms included: WHATWG URL
 * normalises them to dotted-quad first). `allowPrivate` lifts only the address rule (tests).
 * The URL returned is the normalised one, without a fragment, to store and fetch.
 */
export function checkFeedUrl(raw: string, allowPrivate: boolean): { ok: true; url: string } | ({ ok: false } & FeedUrlRefusal) {
  const invalid = (message: string) => ({ ok: false as const, code: 'FEED_URL_INVALID' as const, message })
  if (typeof raw !== 'string' || raw.trim() === '') return invalid('Give the calendar link (an https:// or webcal:// address).')
  const trimmed = raw.trim()
  if (trimmed.length > MAX_FEED_URL_LENGTH) return invalid(`The calendar link is longer than ${MAX_FEED_URL_LENGTH} characters.`)
  const text = trimmed.replace(/^webcals?:\/\//i, 'https://')
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return invalid('The calendar link is not a valid web address; copy the whole export link, starting with https://.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return invalid(`The calendar link must start with https:// (or http:// or webcal://), not ${url.protocol}//.`)
  }
  if (url.username || url.password) return invalid('The calendar link must not contain a user name or password.')
  if (!url.hostname) return invalid('The calendar link has no host name.')
  if (!allowPrivate) {
    const literal = ipLiteral(url.hostname)
    if (isLocalhostName(url.hostname) || (literal !== null && isInternalAddress(literal))) {
      return { ok: false, code: 'FEED_URL_PRIVATE', message: PRIVATE_MESSAGE }
    }
  }
  url.hash = ''
  if (url.href.length > MAX_FEED_URL_LENGTH) return invalid(`The calendar link is longer than ${MAX_FEED_URL_LENGTH} characters.`)
  return { ok: true, url: url.href }
}

/**
 * A redirect from https to plain http is refused: the feed's URL usually carries a secret token, and the
 * downgraded request (and the calendar it returns) could be read or changed on the way.
 */
export function redirectRefusal(from: string, to: string): FeedUrlRefusal | null {
  if (new URL(from).protocol === 'https:' && new URL(to).protocol === 'http:') {
    return {
      code: 'FEED_URL_INVALID',
      message: 'The calendar link redirects from https:// to insecure http://; Staybase does not follow that.',
    }
  }
  return null
}

export { PRIVATE_MESSAGE as FEED_URL_PRIVATE_MESSAGE }
