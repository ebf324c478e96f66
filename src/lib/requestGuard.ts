import type { NextFunction, Request, Response } from 'express'

import { apiError, sendError } from './errorCodes'
import { type ErrorCode, ERROR_STATUS } from './errors'
import { INT4_MAX, isIdValue } from '@/domain/ids'

/**
 * The express guard in front of Payload's REST API (mounted on /api in src/server.ts): what can be told
 * wrong from the URL alone, answered before Next and Payload parse anything. The rest — field types in
 * `where` and bodies, paging bounds by role — is checked inside Payload by hooks/shared/guardInput.ts,
 * which also covers GraphQL and the Local API.
 *
 * - The URL must decode, and no decoded path segment or query parameter may hold a NUL byte.
 * - An id in the path must be a whole number 1…2147483647, written plainly: Payload reads ids with
 *   parseFloat, so `/api/users/1%20OR%201=1` would be user 1 and `/api/properties/1.5` a 500.
 *   Ids sit right after the collection (`/api/bookings/7`, `/api/bookings/7/cancel`) and after
 *   `versions/` and `access/`. A segment of letters and hyphens there is a route name (`login`,
 *   `count`, `search`); a word that is not one reaches Payload as NaN and guardInput answers it.
 * - `where` and `data` sent as JSON text must parse.
 * - A body comes as application/json or multipart/form-data with a boundary (form-urlencoded only with
 *   Payload's GET method override, which the admin panel uses); anything else is a 415 here instead of
 *   a 500 inside Payload's multipart parser.
 */
export type GuardError = { status: number; code: ErrorCode; message: string; field?: string }

const ROUTE_WORD = /^[a-z][a-z-]*$/
/** Routes under /api whose path segments are not document ids. */
const NOT_COLLECTIONS = new Set(['graphql', 'graphql-playground', 'globals', 'payload-preferences', 'access', 'docs'])

const fail = (code: ErrorCode, message: string, field?: string): GuardError => ({
  status: ERROR_STATUS[code],
  code,
  message,
  ...(field ? { field } : {}),
})

/**
 * The collections with versions (drafts and history). Payload routes `/api/<slug>/versions` for every
 * collection and answers 500 for one without them; here that is a 404. Kept equal to the config's
 * collections with `versions` by tests/int/no-500-graphql.test.ts, which loads the config.
 */
export const VERSIONED_COLLECTIONS: ReadonlySet<string> = new Set(['properties'])

/** Route names followed by a further segment that is not a document id. */
const TWO_PART_ROUTES = new Set(['versions', 'access', 'file', 'verify', 'paste-url'])
const BODY_METHODS = new Set(['POST', 'PATCH', 'PUT'])

export type RequestHead = { method: string; url: string; contentType?: string; hasBody?: boolean; methodOverride?: string }

/** Checks a request under /api by its method, full original URL (`/api/...?...`) and body type; null when it may pass. */
export function checkApiRequest({ method, url: originalUrl, contentType, hasBody, methodOverride }: RequestHead): GuardError | null {
  // GraphQL answers in its own shape, with its own checks.
  if (/^\/api\/graphql(?:[/?-]|$)/.test(originalUrl)) return null
  const queryAt = originalUrl.indexOf('?')
  const rawPath = queryAt === -1 ? originalUrl : originalUrl.slice(0, queryAt)
  const rawQuery = queryAt === -1 ? '' : originalUrl.slice(queryAt + 1)

  let segments: string[]
  try {
    segments = rawPath
      .split('/')
      .filter(Boolean)
      .slice(1)
      .map((s) => decodeURIComponent(s))
  } catch {
    return fail('MALFORMED_REQUEST', 'The URL path is not valid percent-encoding.')
  }
  if (segments.some((s) => s.includes('\0'))) return fail('VALIDATION_FAILED', 'The URL path contains a NUL character.')

  let params: [string, string][]
  try {
    // URLSearchParams never throws on bad escapes; decodeURIComponent does, which is what Payload's qs uses.
    decodeURIComponent(rawQuery.replace(/\+/g, ' '))
    params = [...new URLSearchParams(rawQuery)]
  } catch {
    return fail('MALFORMED_REQUEST', 'The query string is not valid percent-encoding.')
  }
  for (const [key, value] of params) {
    if (key.includes('\0') || value.includes('\0'))
      return fail('VALIDATION_FAILED', `Query parameter ${key.replace(/\0/g, '\\0')} contains a NUL character.`, key.replace(/\0/g, ''))
    if ((key === 'where' || key === 'data') && value !== '') {
      try {
        JSON.parse(value)
      } catch {
        return fail(
          'MALFORMED_REQUEST',
          `Query parameter ${key} is not valid JSON; send it as JSON text or as ${key}[field][operator]=value.`,
          key,
        )
      }
    }
  }

  const [collection, first, second] = segments
  if (BODY_METHODS.has(method) && hasBody) {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
    if (type === 'multipart/form-data' && !/;\s*boundary=\S/i.test(contentType ?? '')) {
      return fail('MALFORMED_REQUEST', 'multipart/form-data needs a boundary parameter in its Content-Type.')
    }
    const formOverride = type === 'application/x-www-form-urlencoded' && methodOverride?.toUpperCase() === 'GET'
    if (type !== 'application/json' && type !== 'multipart/form-data' && !formOverride) {
      return fail(
        'UNSUPPORTED_MEDIA_TYPE',
        `Send the body as application/json (or multipart/form-data for uploads), not ${type || 'without a Content-Type'}.`,
      )
    }
  }
  if (!collection || NOT_COLLECTIONS.has(collection) || first === undefined) return null
  if (first === 'versions' && !VERSIONED_COLLECTIONS.has(collection)) {
    return fail('NOT_FOUND', `${collection} keeps no versions: /api/${collection}/versions does not exist.`)
  }
  if (first === 'versions' || first === 'access') {
    if (second !== undefined && !isIdValue(second)) return notAnId(collection, second)
    if (first === 'access' && second === undefined && method === 'GET') {
      return fail(
        'NOT_FOUND',
        `GET /api/${collection}/access needs a document id: /api/${collection}/access/:id (or GET /api/access for the collections).`,
      )
    }
    return null
  }
  if (TWO_PART_ROUTES.has(first) || isIdValue(first)) return null
  // `/api/bookings/abc` may be a route name Payload knows; `/api/bookings/abc/cancel` can only be an id.
  if (ROUTE_WORD.test(first) && second === undefined) return null
  return notAnId(collection, first)
}

const notAnId = (collection: string, segment: string) =>
  fail(
    'NOT_FOUND',
    `No ${collection} document has the id ${JSON.stringify(segment.slice(0, 60))}: ids are whole numbers from 1 to ${INT4_MAX}.`,
    'id',
  )

/** Express middleware for app.use('/api', …): answers a GuardError in the API's error shape, else passes on. */
export function requestGuard(req: Request, res: Response, next: NextFunction): void {
  const length = req.get('content-length')
  const problem = checkApiRequest({
    method: req.method,
    url: req.originalUrl,
    contentType: req.get('content-type'),
    hasBody: Boolean(req.get('transfer-encoding')) || (length !== undefined && length !== '0'),
    methodOverride: req.get('x-payload-http-method-override') ?? req.get('x-http-method-override'),
  })
  if (!problem) {
    next()
    return
  }
  sendError(req, res, apiError(problem.code, problem.message, { field: problem.field }), { status: problem.status })
}
