import { randomBytes } from 'node:crypto'

import type { NextFunction, Request, RequestHandler, Response } from 'express'

/**
 * The browser-facing protections of every page and API answer (the admin panel, REST, GraphQL, the
 * account pages):
 * - a Content-Security-Policy: scripts only from this origin or inline with this response's nonce
 *   (Next reads the nonce from the request's own CSP header and puts it on the scripts it renders);
 *   styles also inline, because React renders `style` attributes; no plugins; nobody may frame us;
 * - X-Frame-Options for browsers without `frame-ancestors`;
 * - Referrer-Policy `same-origin`: links in mail carry tokens (/account/verify?token=…,
 *   /admin/reset/<token>), and no other site may see those URLs as the referrer;
 * - Strict-Transport-Security once the public URL is https.
 */
export function securityHeaders(options: { serverUrl: string }): RequestHandler {
  const server = new URL(options.serverUrl)
  // The admin panel calls the API and loads media at SERVER_URL, which may be another name of this host.
  const self = `'self' ${server.origin}`
  const hsts = server.protocol === 'https:' ? 'max-age=31536000' : null

  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64')
    const policy = [
      `default-src ${self}`,
      `script-src ${self} 'nonce-${nonce}'`,
      `style-src ${self} 'unsafe-inline'`,
      `img-src ${self} data: blob:`,
      `font-src ${self} data:`,
      `connect-src ${self}`,
      `object-src 'none'`,
      `base-uri 'self'`,
      `form-action 'self'`,
      `frame-ancestors 'none'`,
    ].join('; ')
    // Next takes the nonce for its scripts from the request; never from one the client sent.
    req.headers['content-security-policy'] = policy
    delete req.headers['content-security-policy-report-only']
    res.setHeader('content-security-policy', policy)
    res.setHeader('x-frame-options', 'DENY')
    res.setHeader('referrer-policy', 'same-origin')
    if (hsts) res.setHeader('strict-transport-security', hsts)
    next()
  }
}
