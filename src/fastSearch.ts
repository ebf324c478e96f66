import type { NextFunction, Request, Response } from 'express'

import { parseParts, queryOf } from './endpoints/operation'
import { searchListingsOperation } from './endpoints/searchListings'
import { localRequest, nextPayload, requestHeaders, sendErrorLikeNext, sendLikeNext } from './lib/likeNext'
import { contentEncoding } from './lib/publicRead'

/**
 * GET /api/properties/search answered in express, in front of Next: the same operation as the REST
 * endpoint (src/endpoints/searchListings.ts — the contract's query schema, the rules, the Redis cache,
 * `x-cache`), without Next's routing and Payload's REST request machinery, which cost about as much CPU as
 * a cheap search's SQL. Search answers everyone alike (the operation has no auth), so any caller is
 * answered here, with the status, body, headers and error answers Next gives
 * (tests/int/fast-search.test.ts compares them with a server that has FAST_SEARCH=false). Until Next
 * has started Payload (its first API request does) and for an Accept-Encoding out of the ordinary, Next
 * answers.
 */
export type FastSearchOptions = { enabled: boolean; onError: (error: unknown, req: Request) => void }

export function fastSearch({ enabled, onError }: FastSearchOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!enabled || req.method !== 'GET') return next()
    const url = new URL(req.originalUrl, 'http://staybase.invalid')
    if (url.pathname !== '/api/properties/search') return next()
    const encoding = contentEncoding(req.headers['accept-encoding'])
    const payload = nextPayload()
    if (encoding === null || !payload) return next()

    res.locals.answeredBy = 'express'
    try {
      const local = await localRequest(payload, req, requestHeaders(req))
      const input = parseParts(searchListingsOperation, { query: queryOf(url) })
      const output = await searchListingsOperation.run(local, input)
      const headers = Object.fromEntries(local.responseHeaders?.entries() ?? [])
      sendLikeNext(res, searchListingsOperation.contract.status, JSON.stringify(output), encoding, headers)
    } catch (error) {
      sendErrorLikeNext(req, res, error, encoding, onError)
    }
  }
}
