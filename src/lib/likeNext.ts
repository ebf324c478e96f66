import type { IncomingMessage } from 'node:http'
import { deflateSync, gzipSync } from 'node:zlib'

import type { Request, Response } from 'express'
import { type Payload, type PayloadRequest, type TypedUser, createLocalReq } from 'payload'

import { ALLOWED_HEADERS } from './cors'
import { apiError, logErrorAnswer, refusalResponse } from './errorCodes'
import { defaultCode } from './errors'

/**
 * For the routes express answers in front of Next (src/publicReads.ts, src/fastBookings.ts,
 * src/fastSearch.ts): Payload's instance inside Next, a request for its operations, and answers — and
 * errors — with the status, body, headers and encoding Next gives the same route.
 */

/** Payload's instance inside Next (the same one its REST routes use), once Next has created it (its first API request does). */
export function nextPayload(): Payload | null {
  const cache = (globalThis as { _payload?: Map<string, { payload?: Payload | null }> })._payload
  return cache?.get('default')?.payload ?? null
}

/** The Vary of Next's answers on /api (Origin comes first, from the cors middleware). */
const NEXT_VARY = ['rsc', 'next-router-state-tree', 'next-router-prefetch', 'next-router-segment-prefetch', 'Accept-Encoding']

/**
 * Sends a JSON answer as Next sends Payload's: the CORS headers Payload's REST handler adds
 * (payload/dist/utilities/headersWithCors.js with our `cors` config; the origin headers come from the
 * cors middleware, as for Next's answers), Next's Vary, and the body compressed as Next compresses every
 * API answer a client accepts compressed (a streamed body has no length for the `compression`
 * middleware's 1 kB threshold to apply to), gzip first. `encoding` comes from contentEncoding.
 */
export function sendLikeNext(
  res: Response,
  status: number,
  text: string,
  encoding: 'gzip' | 'deflate' | 'identity',
  headers: Record<string, string> = {},
): void {
  if (!res.hasHeader('access-control-allow-methods'))
    res.setHeader('access-control-allow-methods', 'PUT, PATCH, POST, GET, DELETE, OPTIONS')
  if (!res.hasHeader('access-control-allow-headers')) res.setHeader('access-control-allow-headers', ALLOWED_HEADERS.join(', '))
  for (const name of NEXT_VARY) res.vary(name)
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.setHeader('content-type', 'application/json')
  res.status(status)
  const body = Buffer.from(text)
  if (encoding === 'identity') {
    res.end(body)
    return
  }
  res.setHeader('content-encoding', encoding)
  res.end(encoding === 'gzip' ? gzipSync(body) : deflateSync(body))
}

/** The request's headers as a fetch Headers (what Payload's auth strategies and operations read). */
export function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  return headers
}

/** A PayloadRequest for an operation run from express: this request's headers and URL, as the caller `user` (or none). */
export function localRequest(payload: Payload, req: Request, headers: Headers, user?: TypedUser): Promise<PayloadRequest> {
  // payloadAPI 'REST': this is a client's request, not trusted server code (access rules and hooks that
  // let the Local API through must not let it through).
  return createLocalReq(
    {
      user,
      req: {
        headers,
        url: `${payload.config.serverURL}${req.originalUrl}`,
        method: req.method,
        payloadAPI: 'REST',
      } as Partial<PayloadRequest>,
    },
    payload,
  )
}

/**
 * An error thrown while express answered a route Next would otherwise answer: a client error in the
 * words, status and code Payload's error hook gives it (logged at info, as addErrorCode does), anything
 * else a 500 (reported to `onError`, which logs it with its stack).
 */
export function sendErrorLikeNext(
  req: Request,
  res: Response,
  error: unknown,
  encoding: 'gzip' | 'deflate' | 'identity',
  onError: (error: unknown, req: Request) => void,
  headers: Record<string, string> = {},
): void {
  const refusal = refusalResponse(error)
  if (!refusal) {
    onError(error, req)
    sendLikeNext(res, 500, JSON.stringify({ errors: [apiError(defaultCode(500), 'Something went wrong.')] }), encoding)
    return
  }
  const first = refusal.body.errors[0]
  logErrorAnswer(req.log, {
    status: refusal.status,
    code: String(first?.code),
    message: first?.message ?? '',
    requestId: String(req.headers['x-request-id']),
  })
  sendLikeNext(res, refusal.status, JSON.stringify(refusal.body), encoding, headers)
}
