import type { IncomingMessage } from 'node:http'

import type { NextFunction, Request, Response } from 'express'
import { type TypedUser, executeAuthStrategies } from 'payload'

import * as contract from './contract/operations'
import { parseInput } from './contract/validate'
import { isStaffUser } from './domain/roles'
import { runCreateBooking } from './endpoints/createBooking'
import { queryOf } from './endpoints/operation'
import { HttpError, malformedJson } from './lib/errors'
import { localRequest, nextPayload, requestHeaders, sendErrorLikeNext, sendLikeNext } from './lib/likeNext'
import { contentEncoding } from './lib/publicRead'

/**
 * POST /api/bookings answered in express, in front of Next — the same operation as the Payload endpoint
 * (src/endpoints/createBooking.ts, `runCreateBooking`: idempotency keys, rules, one INSERT, the answer,
 * the after-create hooks), without Next's routing and Payload's REST request machinery, which cost
 * more CPU than the booking itself. The caller is authenticated by Payload's own auth strategies on
 * Payload's instance inside Next (the JWT strategy with its sessions, served from Redis:
 * src/lib/cachedSessions.ts), so who may book is decided exactly as on Next.
 *
 * Taken only for a signed-in guest or host sending `Authorization: JWT|Bearer <token>` and a JSON body,
 * with no query or only `depth`, once Next has started Payload. Everything else falls through to Next
 * before the body is read: no or a bad token (Next answers 401), cookies alone (Payload checks their
 * CSRF origin), API keys, staff (who read more of the answer), other parameters, a method override
 * header (Payload answers such a POST as a GET), odd Accept-Encoding.
 * Once taken, the answer — 201, or an error in the API's one shape — comes from here.
 * tests/int/booking-answer.test.ts compares answers of both paths. FAST_BOOKINGS switches it.
 */
const TOKEN = /^(JWT|Bearer) \S+$/

export type FastBookingsOptions = { enabled: boolean; onError: (error: unknown, req: Request) => void }

export function fastBookings({ enabled, onError }: FastBookingsOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!enabled || req.method !== 'POST') return next()
    const url = new URL(req.originalUrl, 'http://staybase.invalid')
    const params = [...url.searchParams.keys()]
    if (url.pathname !== '/api/bookings' || params.length > 1 || (params.length === 1 && params[0] !== 'depth')) return next()
    const authorization = req.headers.authorization
    // Payload parses a body only for exactly this media type; other spellings are Next's to refuse.
    if (!authorization || !TOKEN.test(authorization) || req.headers['content-type']?.split(';', 1)[0] !== 'application/json') return next()
    // Payload answers a POST that says it is a GET (a long query sent as a body) as that GET.
    if (req.headers['x-http-method-override'] !== undefined || req.headers['x-payload-http-method-override'] !== undefined) return next()
    const encoding = contentEncoding(req.headers['accept-encoding'])
    const payload = nextPayload()
    if (encoding === null || !payload) return next()

    const headers = requestHeaders(req)
    let user: TypedUser | null
    try {
      ;({ user } = await executeAuthStrategies({ headers, payload, isGraphQL: false, canSetHeaders: false }))
    } catch (error) {
      onError(error, req)
      return next()
    }
    if (user?.collection !== 'users' || isStaffUser(user)) return next()

    res.locals.answeredBy = 'express'
    try {
      const body = await readJson(req)
      const local = await localRequest(payload, req, headers, user)
      const { depth } = parseInput(contract.createBooking.query, queryOf(url))
      const input = parseInput(contract.createBooking.body, body)
      const result = await runCreateBooking(local, { body: input, depth: depth ?? 1 }, headers.get('idempotency-key'))
      sendLikeNext(res, result.status, JSON.stringify(result.body), encoding, result.replayed ? { 'idempotent-replayed': 'true' } : {})
    } catch (error) {
      // The client went away while sending its body: nobody is left to answer, and nothing was done.
      if (req.socket.destroyed) return
      // A replayed refusal is answered as it was the first time, and says it is a replay.
      const replayed = error instanceof HttpError && (error as HttpError & { replayed?: boolean }).replayed
      sendErrorLikeNext(req, res, error, encoding, onError, replayed ? { 'idempotent-replayed': 'true' } : {})
    }
  }
}

/**
 * The JSON body as Payload reads it (addDataAndFileToRequest): empty is `{}`, JSON `null` too (the
 * endpoint reads `req.data ?? {}`), anything unparsable a 400. The size is bounded by limitBodySize,
 * which runs before.
 */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  // As Request#text() decodes it (a leading byte order mark dropped).
  const text = new TextDecoder().decode(Buffer.concat(chunks))
  try {
    return (text ? JSON.parse(text) : {}) ?? {}
  } catch {
    throw malformedJson()
  }
}
