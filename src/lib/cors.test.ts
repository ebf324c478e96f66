import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import express from 'express'

import { ALLOWED_HEADERS, EXPOSED_HEADERS, cors, corsHeaders, payloadCors } from './cors'

const origins = ['https://stay.example', 'http://localhost:5173']

describe('corsHeaders', () => {
  it.each([
    ['no Origin', undefined, false, {}],
    ['a disallowed origin', 'https://evil.example', false, {}],
    ['a disallowed preflight', 'https://evil.example', true, {}],
    ['a prefix of an allowed origin', 'https://stay.example.evil', false, {}],
    [
      'an allowed origin',
      'http://localhost:5173',
      false,
      {
        'access-control-allow-origin': 'http://localhost:5173',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-request-id, Idempotent-Replayed, Retry-After',
      },
    ],
  ])('%s', (_, origin, preflight, expected) => {
    expect(corsHeaders(origins, origin, preflight)).toEqual(expected)
  })

  it('a preflight from an allowed origin may send Idempotency-Key and Payload’s own headers', () => {
    const headers = corsHeaders(origins, 'https://stay.example', true)
    expect(headers['access-control-allow-headers']?.split(', ')).toEqual(
      expect.arrayContaining(['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Payload-HTTP-Method-Override']),
    )
    expect(headers['access-control-allow-methods']).toBe('GET, POST, PUT, PATCH, DELETE, OPTIONS')
    expect(Number(headers['access-control-max-age'])).toBeGreaterThan(0)
  })

  it('Payload gets the same origins and the headers it does not send by default', () => {
    expect(payloadCors(origins)).toEqual({ origins, headers: ['Idempotency-Key', 'X-Request-Id'] })
    expect(ALLOWED_HEADERS).toEqual(expect.arrayContaining(payloadCors(origins).headers))
    expect(EXPOSED_HEADERS).toEqual(['x-request-id', 'Idempotent-Replayed', 'Retry-After'])
  })
})

describe('cors middleware', () => {
  let server: Server
  let url: string
  beforeAll(async () => {
    const app = express()
    app.use(cors(origins))
    app.all('/{*splat}', (_req, res) => {
      res.status(418).json({ reached: true })
    })
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const preflight = (origin: string) =>
    fetch(`${url}/api/bookings`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' },
    })

  it('answers preflights itself: 204, with CORS headers for allowed origins only', async () => {
    const ok = await preflight('https://stay.example')
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://stay.example')
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/)
    expect(ok.headers.get('vary')).toBe('Origin')

    const refused = await preflight('https://evil.example')
    expect(refused.status).toBe(204)
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    expect(refused.headers.get('vary')).toBe('Origin')
  })

  it('passes other requests (and OPTIONS that is not a preflight) on, with the headers already set', async () => {
    const res = await fetch(`${url}/x`, { method: 'POST', headers: { origin: 'http://localhost:5173' } })
    expect(res.status).toBe(418)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Idempotent-Replayed/)
    expect((await fetch(`${url}/x`, { method: 'OPTIONS' })).status).toBe(418)
    const bare = await fetch(`${url}/x`)
    expect(bare.headers.get('access-control-allow-origin')).toBeNull()
    expect(bare.headers.get('vary')).toBe('Origin')
  })
})
