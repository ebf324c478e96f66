import type { NextFunction, Request, Response } from 'express'
import type { Payload, Where } from 'payload'
import type pg from 'pg'

import { nextPayload, sendLikeNext } from './lib/likeNext'
import { type Read, contentEncoding, parsePublicRead } from './lib/publicRead'
import { env } from './lib/env'
import { ANONYMOUS_MAX_DEPTH } from './lib/queryShape'
import { DEFAULT_LIMIT, publishedListingsJson } from './listingDocument'
import { CACHE_HEADER, type CacheOutcome, cachedText, deps } from './services/cache'

/**
 * The fast path for anonymous public listing reads, in front of Next:
 *
 *   GET /api/properties/:id[?depth=0|1|2]
 *   GET /api/properties?where[slug][equals]=…[&depth=…][&limit=…]
 *   GET /api/properties?where[address.city][equals]=…[&depth=…][&limit=…]   (the first page)
 *
 * answered from the cache (src/services/cache.ts) or, on a miss, by one SQL statement
 * (src/listingDocument.ts) on the fast path's own small pool (src/lib/databasePools.ts). With uploads in
 * S3 a read that embeds photos (depth ≥ 1) is answered by Payload's Local API instead, as an anonymous
 * caller (`overrideAccess: false`, no user), on the Payload instance Next already runs: the storage
 * adapter decides those URLs. The body is what Payload's REST handler serialises for the same
 * operation, with its status and headers (tests/int/cache.test.ts compares them with Payload's own
 * answers).
 *
 * Only a plain 200 is answered here. Anything else falls through to Next unchanged: a cookie or an
 * Authorization header (someone may be signed in), another method, any other or repeated query
 * parameter (draft, locale, select, populate, joins, sort, page, other where shapes), a listing that
 * is not there or not public (Payload answers its own 404), and any error. With S3, until Next has
 * started Payload (its first API request does), the reads that need it fall through as well.
 */

/** Anonymous reads are populated one level deep, whatever depth they ask for, and without one too. */
const depthOf = (read: Read) => Math.min(read.depth ?? ANONYMOUS_MAX_DEPTH, ANONYMOUS_MAX_DEPTH)

/** The cache entry of a read: by id, or by slug or city, at the depth and limit it is answered with. */
function cacheName(read: Read): string {
  const depth = depthOf(read)
  if (read.kind === 'byId') return `listing:${read.id}:${depth}`
  return `listings:${read.kind}:${depth}:${read.limit ?? DEFAULT_LIMIT}:${encodeURIComponent(read.value)}`
}

function dependencies(read: Read): string[] {
  // At depth 0 a listing names its host and photos by id; deeper, it embeds them.
  const embedded = depthOf(read) === 0 ? [] : [deps.related]
  return read.kind === 'byId' ? [deps.listing(read.id), ...embedded] : [deps.listings, ...embedded]
}

/** Photo URLs from S3 are the storage adapter's to write: those reads go to Payload. */
const needsPayload = (read: Read) => env.S3_BUCKET !== '' && depthOf(read) !== 0

async function load(payload: Payload | null, pool: pg.Pool, read: Read): Promise<string | null> {
  if (!needsPayload(read)) return publishedListingsJson(pool, read, depthOf(read), env.SERVER_URL, read.limit)
  if (!payload) return null
  const common = { collection: 'properties' as const, overrideAccess: false, ...(read.depth === undefined ? {} : { depth: read.depth }) }
  if (read.kind === 'byId') {
    const doc = await payload.findByID({ ...common, id: read.id, disableErrors: true })
    return doc ? JSON.stringify(doc) : null
  }
  const where: Where = read.kind === 'slug' ? { slug: { equals: read.value } } : { 'address.city': { equals: read.value } }
  return JSON.stringify(await payload.find({ ...common, where, ...(read.limit === undefined ? {} : { limit: read.limit }) }))
}

export type PublicReadsOptions = { enabled: boolean; pool: pg.Pool; onError?: (error: unknown) => void }

export function publicReads({ enabled, pool, onError }: PublicReadsOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!enabled) return next()
    const read = parsePublicRead(req.method, req.originalUrl, req.headers)
    const payload = nextPayload()
    const encoding = read && contentEncoding(req.headers['accept-encoding'])
    if (!read || encoding === null || (!payload && needsPayload(read))) return next()
    let answer: { text: string | null; outcome: CacheOutcome }
    try {
      answer = await cachedText(cacheName(read), dependencies(read), () => load(payload, pool, read))
    } catch (error) {
      // Payload answers it again, in its own words.
      onError?.(error)
      return next()
    }
    if (answer.text === null) return next()
    res.locals.answeredBy = 'express'
    sendLikeNext(res, 200, answer.text, encoding, { [CACHE_HEADER]: answer.outcome })
  }
}
