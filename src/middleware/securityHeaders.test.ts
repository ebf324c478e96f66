import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import express from 'express'

import { securityHeaders } from './securityHeaders'

/** The headers middleware in front of a handler that reports the CSP request header Next would read. */
async function serve(serverUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express()
  app.use(securityHeaders({ serverUrl }))
  app.get('/{*splat}', (req, res) => {
    res.json({
      requestPolicy: req.headers['content-security-policy'] ?? null,
      reportOnly: req.headers['content-security-policy-report-only'] ?? null,
    })
  })
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

describe('securityHeaders', () => {
  it.each([
    ['http://localhost:3000', null],
    ['https://stay.example.com', 'max-age=31536000'],
  ])('SERVER_URL %s → Strict-Transport-Security %s', async (serverUrl, hsts) => {
    const server = await serve(serverUrl)
    try {
      const res = await fetch(`${server.url}/admin`)
      expect(res.headers.get('strict-transport-security')).toBe(hsts)
      const csp = res.headers.get('content-security-policy')!
      expect(csp).toContain(`connect-src 'self' ${new URL(serverUrl).origin}`)
      expect(csp).toContain("frame-ancestors 'none'")
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('same-origin')
    } finally {
      await server.close()
    }
  })

  it('Next is given the policy of this response, never one the client sent', async () => {
    const server = await serve('http://localhost:3000')
    try {
      const res = await fetch(`${server.url}/admin`, {
        headers: {
          'content-security-policy': "script-src 'nonce-chosenbyclient'",
          'content-security-policy-report-only': "script-src 'nonce-x'",
        },
      })
      const seen = (await res.json()) as { requestPolicy: string; reportOnly: string | null }
      expect(seen.requestPolicy).toBe(res.headers.get('content-security-policy'))
      expect(seen.requestPolicy).not.toContain('chosenbyclient')
      expect(seen.reportOnly).toBeNull()
    } finally {
      await server.close()
    }
  })
})
