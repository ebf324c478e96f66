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
