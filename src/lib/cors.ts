import type { NextFunction, Request, RequestHandler, Response } from 'express'

/**
 * The CORS policy of every answer this server gives, in one place. Browsers on an allowed origin
 * (SERVER_URL plus CORS_ORIGINS, see `allowedOrigins` in env.ts) may call the API with credentials, send
 * the headers a frontend needs, and read the headers it must see; other origins get no CORS headers, so
 * the browser refuses to hand them the answer.
 *
 * The express middleware below is what applies it: it runs before everything — /healthz, /readyz, the
 * queue dashboard, the 413 of limitBodySize, the request guard's 4xx — and before Next, whose answers
 * (Payload's REST and GraphQL, the GraphQL guard's refusals) keep the headers set here (Next adds a
 * header of its own only where none is set yet). It answers preflights itself, for every path.
 * Payload's `cors` config gets the same origins and headers (`payloadCors`), so Payload agrees where it
 * sets headers on its own answers.
 */

/** Payload's own list (payload/dist/utilities/headersWithCors.js), which its admin panel and SDK send. */
const PAYLOAD_ALLOWED_HEADERS = [
  'Origin',
  'X-Requested-With',
  'Content-Type',
  'Accept',
  'Authorization',
  'Content-Encoding',
  'x-apollo-tracing',
  'X-Payload-HTTP-Method-Override',
]

/**
 * What Staybase adds: retries of POST /api/bookings and GraphQL createBooking carry `Idempotency-Key`;
 * a client may send its own `X-Request-Id` to find its request in our logs.
 */
export const EXTRA_ALLOWED_HEADERS = ['Idempotency-Key', 'X-Request-Id']

export const ALLOWED_HEADERS = [...PAYLOAD_ALLOWED_HEADERS, ...EXTRA_ALLOWED_HEADERS]

/**
 * Response headers a script may read besides the CORS-safelisted ones: the request id to quote in a bug
 * report, whether an idempotent retry was replayed, and how long to wait after a 429.
 */
export const EXPOSED_HEADERS = ['x-request-id', 'Idempotent-Replayed', 'Retry-After']

export const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** How long a browser may reuse a preflight answer (seconds; Chromium caps it at 2 hours). */
export const PREFLIGHT_MAX_AGE = 600

/** Payload's `cors` setting for the same policy (Payload adds its own default headers to `headers`). */
export const payloadCors = (origins: string[]) => ({ origins, headers: EXTRA_ALLOWED_HEADERS })

/**
 * The CORS headers of an answer to a request from `origin` (null without an Origin header).
 * `Vary: Origin` is always there: the same URL answers differently per origin, so a shared cache must not
 * hand one origin's answer to another.
 */
export function corsHeaders(origins: readonly string[], origin: string | null | undefined, preflight = false): Record<string, string> {
  if (!origin || !origins.includes(origin)) return {}
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
  }
  if (preflight) {
    headers['access-control-allow-methods'] = ALLOWED_METHODS.join(', ')
    headers['access-control-allow-headers'] = ALLOWED_HEADERS.join(', ')
    headers['access-control-max-age'] = String(PREFLIGHT_MAX_AGE)
  } else {
    headers['access-control-expose-headers'] = EXPOSED_HEADERS.join(', ')
  }
  return headers
}

/** Express middleware applying the policy to every answer, and answering every preflight. */
export function cors(origins: readonly string[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.vary('Origin')
    const origin = req.headers.origin
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined
    res.set(corsHeaders(origins, origin, preflight))
    if (!preflight) return next()
    // A disallowed origin gets an empty answer without CORS headers: the browser refuses the request.
    res.status(204).end()
  }
}
