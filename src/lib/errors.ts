import { APIError } from 'payload'

import type { Refusal, RefusalCode, RefusalKind } from '@/domain/refusal'

/**
 * Stable error codes a frontend can switch on, each with the HTTP status it answers with. Every error
 * answer of the API carries one (`errors[].code` on REST, `extensions.code` on GraphQL; see
 * src/lib/errorCodes.ts, which also names Payload's own errors). Add codes here, never inline.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_REQUEST: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  EMAIL_NOT_VERIFIED: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  CONFLICT: 409,
  FEED_URL_INVALID: 400,
  FEED_URL_PRIVATE: 400,
  DATES_UNAVAILABLE: 409,
  INVALID_TRANSITION: 409,
  ALREADY_REVIEWED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  REVIEW_WINDOW_CLOSED: 422,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  PAYMENT_PROVIDER_UNAVAILABLE: 502,
  SERVICE_UNAVAILABLE: 503,
} as const
export type ErrorCode = keyof typeof ERROR_STATUS

/** The code an error of this status has when nothing more specific was said. */
export function defaultCode(status: number): ErrorCode {
  const byStatus: Record<number, ErrorCode> = {
    400: 'VALIDATION_FAILED',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    406: 'NOT_ACCEPTABLE',
    409: 'CONFLICT',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    422: 'UNPROCESSABLE',
    429: 'RATE_LIMITED',
    502: 'PAYMENT_PROVIDER_UNAVAILABLE',
    503: 'SERVICE_UNAVAILABLE',
  }
  return byStatus[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED')
}

export type HttpErrorOptions = { code?: ErrorCode; field?: string; data?: Record<string, unknown> | null }

/**
 * The one family of client errors. Each is a Payload APIError marked public, so REST answers with the
 * status and message and GraphQL carries them in `errors[].extensions`; `code` and `field` are added to
 * both by the afterError hook in src/lib/errorCodes.ts.
 */
export class HttpError extends APIError {
  readonly code: ErrorCode
  readonly field?: string

  constructor(status: number, message: string, opts: HttpErrorOptions = {}) {
    super(message, status, opts.data ?? null, true)
    this.name = 'HttpError'
    this.code = opts.code ?? defaultCode(status)
    this.field = opts.field
  }
}

export const badRequest = (message: string, options?: HttpErrorOptions) => new HttpError(400, message, options)
/** What every JSON body that cannot be parsed is answered with (REST, GraphQL, Payload's own "Invalid JSON"). */
export const NOT_JSON = 'The request body is not valid JSON.'
export const malformedJson = () => new HttpError(400, NOT_JSON, { code: 'MALFORMED_REQUEST' })
/** The caller is signed out: sign in first (a signed-in caller who may not gets `forbidden`). */
export const unauthorized = (message: string, options?: HttpErrorOptions) => new HttpError(401, message, options)
export const forbidden = (message: string, options?: HttpErrorOptions) => new HttpError(403, message, options)
export const notFound = (message: string, options?: HttpErrorOptions) => new HttpError(404, message, options)
export const conflict = (message: string, options?: HttpErrorOptions) => new HttpError(409, message, options)
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, message, { code: 'RATE_LIMITED', data: { retryAfterSeconds } })

const REFUSAL_STATUS: Record<RefusalKind, number> = { forbidden: 403, conflict: 409, closed: 422 }
// Every code a domain rule may name is one of the API's codes, with its kind's status.
const REFUSAL_CODES = {
  INVALID_TRANSITION: 'conflict',
  ALREADY_REVIEWED: 'conflict',
  REVIEW_WINDOW_CLOSED: 'closed',
} as const satisfies Record<RefusalCode & ErrorCode, RefusalKind>

/** The answer to a domain rule's refusal (src/domain/refusal.ts): the one mapping of its kind to HTTP. */
export function refused(refusal: Refusal): HttpError {
  const code = refusal.code && REFUSAL_CODES[refusal.code] === refusal.kind ? refusal.code : undefined
  return new HttpError(REFUSAL_STATUS[refusal.kind], refusal.message, code ? { code } : {})
}

/** What a database error looks like once Drizzle and Payload have wrapped it (pg's fields, Payload's data). */
export type WrappedDbError = { code?: string; constraint?: string; cause?: unknown; data?: { errors?: { path?: string }[] } }

/** Whether `error`, or an error it wraps (a few `.cause` levels deep), matches. */
export function causedBy(error: unknown, match: (e: WrappedDbError) => boolean): boolean {
  for (let e = error as WrappedDbError | undefined, depth = 0; e && depth < 5; depth++) {
    if (match(e)) return true
    e = e.cause as WrappedDbError | undefined
  }
  return false
}
