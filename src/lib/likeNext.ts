import { deflateSync, gzipSync } from 'node:zlib'

import type { Response } from 'express'
import type { Payload } from 'payload'

import { ALLOWED_HEADERS } from './cors'

/**
 * For the routes express answers in front of Next (src/publicReads.ts, src/fastBookings.ts): Payload's
 * instance inside Next, and an answer with the headers and encoding Next gives the same route.
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
export function sendLikeNext(res: Response, status: number, text: string, encoding: 'gzip' | 'deflate' | 'identity', headers: Record<string, string> = {}): void {
  if (!res.hasHeader('access-control-allow-methods')) res.setHeader('access-control-allow-methods', 'PUT, PATCH, POST, GET, DELETE, OPTIONS')
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
