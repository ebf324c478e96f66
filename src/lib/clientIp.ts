import type { PayloadRequest } from 'payload'

/**
 * The express server puts the client address it trusts (socket address, or the forwarded one when
 * TRUST_PROXY says so) into this header and drops any value a client sent, so code behind it can rely
 * on it for rate limits.
 */
export const CLIENT_IP_HEADER = 'x-staybase-client-ip'

export function clientIp(req: Pick<PayloadRequest, 'headers'>): string {
  const fromServer = req.headers.get(CLIENT_IP_HEADER)
  if (fromServer) return fromServer
  // Only reached when Next is run without our server (e.g. `next dev`): best effort.
  return req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown'
}

/**
 * The key rate limits count under. One IPv6 subscriber usually holds a whole /64, so counting single
 * addresses would let them rotate freely; IPv4 (and IPv4-mapped IPv6) addresses count one by one.
 */
export function rateLimitKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return mapped[1]!
  if (!ip.includes(':')) return ip
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`
}

function expandIPv6(ip: string): string[] {
  const [head, tail = ''] = ip.split('%')[0]!.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = ip.includes('::') && tail ? tail.split(':') : []
  const missing = 8 - left.length - right.length
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, missing)).fill('0'), ...right] : left
  return groups.map((g) => g.replace(/^0+(?=.)/, '') || '0')
}
