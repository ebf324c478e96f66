import type { Request as ExpressRequest, Response as ExpressResponse } from 'express'
import {
  APIError,
  type AfterErrorHook,
  AuthenticationError,
  FileRetrievalError,
  FileUploadError,
  Forbidden,
  Locked,
  LockedAuth,
  MissingFile,
  NotFound,
  QueryError,
  type SanitizedConfig,
  UnauthorizedError,
  UnverifiedEmail,
  ValidationError,
  getPayload,
} from 'payload'

import { match } from 'path-to-regexp'

import { constraintAnswer } from './constraints'
import { ERROR_STATUS, type ErrorCode, HttpError, NOT_JSON, causedBy, defaultCode } from './errors'
import { type GraphQLGuardFailure, type GraphQLMediaType, graphqlErrorResponse } from './graphqlGuard'

/**
 * Errors mapped to HTTP in one module. Every error answer of the API has one shape,
 * `{"errors":[{"message","code","field"?,"data"?}]}` (GraphQL: `extensions.code` and
 * `extensions.statusCode`), and is logged once: a client error at info with its code and request id,
 * a server error at error with its stack. Called from
 * - Payload's root `hooks.afterError` (addErrorCode below: REST and GraphQL execution errors),
 * - the GraphQL route (src/app/(payload)/api/graphql/route.ts: parse and validation errors),
 * - the REST catch-all route (src/app/(payload)/api/[...slug]/route.ts: unknown routes and methods),
 * - express middleware (body size, request guard, queue dashboard: errors answered before Next).
 */

export type ApiErrorItem = { message: string; code: ErrorCode; field?: string; data?: unknown }
export type ApiErrorBody = { errors: ApiErrorItem[] }

export const apiError = (code: ErrorCode, message: string, options: { field?: string; data?: unknown } = {}): ApiErrorItem => ({
  message,
  code,
  ...(options.field ? { field: options.field } : {}),
  ...(options.data !== undefined && options.data !== null ? { data: options.data } : {}),
})

/** The REST answer to one error (for Next route handlers and Payload endpoints). */
export function errorResponse(item: ApiErrorItem, init: { status?: number; headers?: HeadersInit } = {}): Response {
  return Response.json({ errors: [item] } satisfies ApiErrorBody, { status: init.status ?? ERROR_STATUS[item.code], headers: init.headers })
}

/** What is logged about an error answer: the request id pino-http logs under, and the error itself for 5xx. */
export type LoggedError = { status: number; code: string; message: string; requestId?: string | null; error?: unknown }
type Logs = { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void }

/**
 * An expected client error (4xx) is one info line with its code and request id, no stack; a server error
 * (5xx) is logged at error with the error and its stack.
 */
export function logErrorAnswer(logger: Logs, { status, code, message, requestId, error }: LoggedError): void {
  const fields = { reqId: requestId ?? undefined, status, code }
  if (status >= 500) logger.error({ ...fields, err: error }, message)
  else logger.info(fields, message)
}

/**
 * Express middleware's answer to one error, logged through pino-http's request logger (which carries the
 * request id). `extra` keeps fields a known client reads beside `errors` (bull-board's UI).
 */
export function sendError(
  req: ExpressRequest,
  res: ExpressResponse,
  item: ApiErrorItem,
  options: { status?: number; extra?: object; error?: unknown } = {},
): void {
  const status = options.status ?? ERROR_STATUS[item.code]
  const log = (req as { log?: Logs }).log
  if (log)
    logErrorAnswer(log, {
      status,
      code: item.code,
      message: item.message,
      requestId: String(req.headers['x-request-id'] ?? '') || null,
      error: options.error,
    })
  res.status(status).json({ ...options.extra, errors: [item] })
}

/**
 * Express's last error handler: what an express middleware or router throws (e.g. a route parameter
 * that is not valid percent-encoding, a 400 from express itself) is answered in the API's shape too,
 * not as express's HTML page.
 */
export function expressErrorHandler(error: unknown, req: ExpressRequest, res: ExpressResponse, next: (error?: unknown) => void): void {
  if (res.headersSent) {
    next(error)
    return
  }
  const declared = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode
  const status = typeof declared === 'number' && declared >= 400 && declared < 600 ? declared : 500
  const message = status < 500 && error instanceof Error && error.message ? error.message : 'Something went wrong.'
  sendError(req, res, apiError(defaultCode(status), message), { status, error })
}

/**
 * Error names whose logging Payload leaves to addErrorCode (Payload's `loggingLevels`, looked up by
 * `error.name`: readable since the server build is not minified, see next.config.mjs). Payload's own
 * errors and ours, GraphQL's wrapper of every execution error, and the plain errors a malformed body or
 * a refused database value throw. Any other name (TypeError, …) is a bug: Payload logs it at error.
 */
const LOGGED_BY_AFTER_ERROR = [
  'AuthenticationError',
  'ErrorDeletingFile',
  'FileRetrievalError',
  'FileUploadError',
  'Forbidden',
  'Locked',
  'LockedAuth',
  'MissingFile',
  'NotFound',
  'QueryError',
  'UnauthorizedError',
  'UnverifiedEmail',
  'ValidationError',
  'HttpError',
  'GraphQLError',
] as const
export const loggingLevels = Object.fromEntries(LOGGED_BY_AFTER_ERROR.map((name) => [name, false])) as Record<string, false>

/**
 * Plain errors (Error, SyntaxError, pg's DatabaseError named "error", Drizzle's wrapper) are often bugs,
 * and Payload also logs them outside requests (auth strategies, admin views), so their names stay
 * logged by Payload. The client errors among them — a malformed body, a value PostgreSQL refuses, a
 * booking conflict — are left out of Payload's error lines (`clientErrorLoggedByHook`, the Payload
 * logger's filter) and logged once by addErrorCode at info with their code.
 */
export const clientErrorLoggedByHook = (error: unknown): boolean => !isNamedHere(error) && describeError(error).status < 500
const isNamedHere = (error: unknown) => typeof (error as Error)?.name === 'string' && loggingLevels[(error as Error).name] === false
const loggedHere = (error: unknown) => isNamedHere(error) || clientErrorLoggedByHook(error)

/** Payload's own error classes and their stable codes. Order matters: subclasses first. */
const PAYLOAD_ERRORS: [new (...args: never[]) => Error, ErrorCode][] = [
  // Answered exactly like a wrong password (see addErrorCode): a lock must not reveal an account.
  [LockedAuth, 'INVALID_CREDENTIALS'],
  [AuthenticationError, 'INVALID_CREDENTIALS'],
  [UnverifiedEmail, 'EMAIL_NOT_VERIFIED'],
  [UnauthorizedError, 'UNAUTHORIZED'],
  [Forbidden, 'FORBIDDEN'],
  [NotFound, 'NOT_FOUND'],
  [ValidationError, 'VALIDATION_FAILED'],
  [QueryError, 'VALIDATION_FAILED'],
  [MissingFile, 'VALIDATION_FAILED'],
  [FileUploadError, 'VALIDATION_FAILED'],
  [FileRetrievalError, 'NOT_FOUND'],
  [Locked, 'CONFLICT'],
]

/**
 * `message` is set only where the answer's message changes (Payload's would be wrong or say too much);
 * then `status` replaces Payload's too.
 */
export type DescribedError = {
  name: string
  code: ErrorCode
  status: number
  field?: string
  message?: string
  /** The answer replaces Payload's items whole (a database error's details say nothing a client needs). */
  replaces?: boolean
}

/** What busboy (Payload's multipart parser) throws on a body that is not the multipart it claims to be. */
const MULTIPART_ERRORS = new Set([
  'Malformed content type',
  'Malformed part header',
  'Malformed urlencoded form',
  'Missing Content-Type',
  'Multipart: Boundary not found',
  'Unexpected end of file',
  'Unexpected end of form',
])

/**
 * A body Payload could not parse: its "Invalid JSON", a JSON.parse of the multipart `_payload` field,
 * busboy's multipart errors and Payload's own "not eligible for file upload" (both thrown as 500s).
 * All are the client's malformed request.
 */
function malformedBody(error: unknown): string | null {
  if (!(error instanceof Error)) return null
  if (error instanceof SyntaxError && /JSON/.test(error.message)) return NOT_JSON
  if (error instanceof APIError && error.message === 'Invalid JSON') return NOT_JSON
  if (error instanceof APIError && error.message === 'Request is not eligible for file upload') {
    return 'The multipart body cannot be read: send multipart/form-data with a boundary, or application/json.'
  }
  if (MULTIPART_ERRORS.has(error.message)) return `The multipart body cannot be read: ${error.message}.`
  return null
}

/**
 * The backstop for input that reached PostgreSQL past every guard (e.g. Payload's preferences, which it
 * writes straight to the database): a data exception (SQLSTATE class 22 — a NUL byte, a number out of
 * range, an unreadable date) is the client's bad value, never a 500.
 */
function rejectedByDatabase(error: unknown): string | null {
  let code: string | undefined
  causedBy(error, (e) => {
    if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) code = e.code
    return code !== undefined
  })
  if (!code) return null
  if (code === '22P05' || code === '22021') return 'A value in the request cannot be stored: text may not contain NUL (\\u0000) characters.'
  return 'A value in the request cannot be stored: it is out of range or not of the expected type.'
}

export const SIGN_IN_FIRST = 'Sign in first: this needs a signed-in account.'

const originalOf = (error: unknown): unknown => (error as { originalError?: unknown })?.originalError ?? error

/**
 * The name, stable code, status and (for rule errors) field of any error thrown while serving a request.
 * `signedIn: false` (no user on the request): Payload's access control refuses with Forbidden (403), but a
 * signed-out caller is told to sign in (401), as the custom endpoints do.
 */
export function describeError(error: unknown, options: { signedIn?: boolean } = {}): DescribedError {
  const original = originalOf(error)
  const malformed = malformedBody(original)
  if (malformed) return { name: 'MalformedRequest', code: 'MALFORMED_REQUEST', status: 400, message: malformed }
  // A write that raced past the pre-checks and met a database guarantee (overlapping nights, a second
  // review): the same 409 on REST and GraphQL, from here — not from per-collection hooks, which GraphQL skips.
  const conflict = original instanceof HttpError ? null : constraintAnswer(original)
  if (conflict) return { name: 'HttpError', ...conflict, replaces: true }
  const refused = original instanceof HttpError ? null : rejectedByDatabase(original)
  if (refused) return { name: 'ValidationError', code: 'VALIDATION_FAILED', status: 400, message: refused }
  const status = typeof (original as { status?: unknown })?.status === 'number' ? (original as { status: number }).status : 500
  if (original instanceof HttpError) return { name: original.name, code: original.code, status, field: original.field }
  if (original instanceof Forbidden && options.signedIn === false) {
    return { name: 'UnauthorizedError', code: 'UNAUTHORIZED', status: 401, message: SIGN_IN_FIRST }
  }
  const name = original instanceof Error ? original.name : 'Error'
  for (const [cls, code] of PAYLOAD_ERRORS) {
    if (original instanceof cls) {
      const paths = (original as { data?: { errors?: { path?: string }[] } }).data?.errors
      const field = Array.isArray(paths) && typeof paths[0]?.path === 'string' ? paths[0].path : undefined
      // LockedAuth is named like the wrong password it is answered as.
      return {
        name: original instanceof LockedAuth ? 'AuthenticationError' : name,
        code: status >= 500 && code !== 'NOT_FOUND' ? defaultCode(status) : code,
        status,
        field,
      }
    }
  }
  return { name: original instanceof APIError ? 'APIError' : name, code: defaultCode(status), status }
}

/**
 * The answer for a client error thrown with its status (HttpError, Payload's errors), as Payload's REST
 * handler and addErrorCode give it; null for anything else. POST /api/bookings stores it under an
 * Idempotency-Key so a retry gets it again.
 */
export function clientErrorResponse(error: unknown): { status: number; body: ApiErrorBody } | null {
  const { status, message, data } = error as { status?: number; message?: string; data?: unknown }
  if (typeof status !== 'number' || status < 400 || status >= 500) return null
  const { code, field } = describeError(error)
  return { status, body: { errors: [{ message: message ?? '', code, ...(field ? { field } : {}), ...(data ? { data } : {}) }] } }
}

/**
 * Any client error as Payload's error hook answers it — one thrown with its status, or one
 * describeError knows to be the client's (a malformed body, a value PostgreSQL refuses: 400); null for
 * a server error. For the routes express answers itself (src/lib/likeNext.ts).
 */
export function refusalResponse(error: unknown): { status: number; body: ApiErrorBody } | null {
  const thrown = clientErrorResponse(error)
  if (thrown) return thrown
  const described = describeError(error)
  if (described.status >= 500) return null
  const message = described.message ?? (error instanceof Error ? error.message : 'The request was refused.')
  return { status: described.status, body: { errors: [apiError(described.code, message, { field: described.field })] } }
}

/** Payload's formatErrors says this for an error without a name. */
const UNKNOWN = 'An unknown error occurred.'
const publicMessage = (error: unknown) => {
  const original = originalOf(error)
  return original instanceof Error && original.message ? original.message : UNKNOWN
}

/**
 * Config-level afterError hook: every REST error item gets `code` (and `field` when a rule names one);
 * every GraphQL error gets `extensions.code` next to `extensions.statusCode`. Logs the error once (see
 * `loggingLevels`).
 */
export const addErrorCode: AfterErrorHook = ({ error, req, result, graphqlResult }) => {
  const described = describeError(error, { signedIn: Boolean(req?.user) })
  // Payload's LockedAuth ("This user is locked…") after parallel wrong passwords would tell that the
  // address has an account: it says what a wrong password says, with the same status, code and name.
  const locked = originalOf(error) instanceof LockedAuth
  if (locked) described.message = new AuthenticationError(req?.t).message
  const log = (status: number, code: string, message: string) => {
    if (req?.payload && loggedHere(error)) {
      logErrorAnswer(req.payload.logger, { status, code, message, requestId: req.headers?.get?.('x-request-id'), error: originalOf(error) })
    }
  }

  if (graphqlResult) {
    const statusCode = described.message ? described.status : Number(graphqlResult.extensions?.statusCode ?? described.status)
    const message = described.message ?? graphqlResult.message
    const extensions = {
      ...(graphqlResult.extensions ?? {}),
      name: described.name,
      code: described.code,
      statusCode,
      ...(described.field ? { field: described.field } : {}),
    }
    log(statusCode, described.code, message)
    return { graphqlResult: { ...graphqlResult, message, extensions } }
  }
  if (result && Array.isArray(result.errors)) {
    const errors = result.errors.map((item) => {
      if (described.replaces)
        return { message: described.message, code: described.code, ...(described.field ? { field: described.field } : {}) }
      const e = item as Record<string, unknown>
      const field = typeof e.field === 'string' ? e.field : described.field
      const message = described.message ?? (e.message === UNKNOWN && described.status < 500 ? publicMessage(error) : String(e.message))
      return {
        ...e,
        message,
        ...(e.name !== undefined ? { name: described.name } : {}),
        code: typeof e.code === 'string' ? e.code : described.code,
        ...(field ? { field } : {}),
      }
    })
    // A collection's afterError hook may have answered already (e.g. 409 DATES_UNAVAILABLE for a
    // database conflict): its code tells the status it chose, which this hook does not see.
    const first = errors[0] as { code: ErrorCode; message: string } | undefined
    const status = described.message
      ? described.status
      : first && first.code !== described.code
        ? (ERROR_STATUS[first.code] ?? described.status)
        : described.status
    log(status, first?.code ?? described.code, first?.message ?? '')
    return { response: { ...result, errors }, ...(described.message ? { status: described.status } : {}) }
  }
  return undefined
}

/** The request id the express server gave this request (src/server.ts), for log lines. */
const requestIdOf = (request: Request) => request.headers.get('x-request-id')

/** A GraphQL request refused before Payload saw it (src/lib/graphqlGuard.ts), answered and logged. */
export function graphqlRefusal(
  request: Request,
  logger: Logs,
  failure: GraphQLGuardFailure,
  mediaType: GraphQLMediaType = 'application/json',
): Response {
  logErrorAnswer(logger, { status: failure.status, code: failure.code, message: failure.message, requestId: requestIdOf(request) })
  return graphqlErrorResponse(failure, mediaType)
}

/** graphql-http's answer to an Accept it cannot serve (406) has no body; this one says what to send. */
export const notAcceptableFailure: GraphQLGuardFailure = {
  status: ERROR_STATUS.NOT_ACCEPTABLE,
  code: 'NOT_ACCEPTABLE',
  message: 'GraphQL answers as application/graphql-response+json or application/json; send an Accept header with one of them.',
}

/**
 * Completes the errors graphql-http answers by itself — a query that does not validate against the
 * schema (unknown field, wrong argument type, Payload's complexity rule) never reaches afterError — with
 * `extensions.code` and `extensions.statusCode`. The HTTP status stays graphql-http's: 400 to a client
 * that accepts application/graphql-response+json, 200 to one that accepts only application/json.
 */
export async function completeGraphQLErrors(request: Request, response: Response, logger: Logs): Promise<Response> {
  if (!/json/.test(response.headers.get('content-type') ?? '')) return response
  const text = await response.text()
  let body: { errors?: { message?: string; extensions?: Record<string, unknown> }[] } & Record<string, unknown>
  try {
    body = JSON.parse(text)
  } catch {
    return new Response(text, response)
  }
  const incomplete = Array.isArray(body?.errors) && body.errors.some((e) => typeof e?.extensions?.code !== 'string')
  if (!incomplete) return new Response(text, response)
  const errors = body.errors!.map((e) => {
    if (typeof e?.extensions?.code === 'string') return e
    const code: ErrorCode = /^Syntax Error/.test(e?.message ?? '') ? 'MALFORMED_REQUEST' : 'VALIDATION_FAILED'
    logErrorAnswer(logger, { status: 400, code, message: String(e?.message), requestId: requestIdOf(request) })
    return { ...e, extensions: { ...e?.extensions, code, statusCode: ERROR_STATUS[code] } }
  })
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  return new Response(JSON.stringify({ ...body, errors }), { status: response.status, statusText: response.statusText, headers })
}

/** The methods Payload has an endpoint for at this API path (collection, global or root endpoints). */
export function allowedMethods(config: SanitizedConfig, pathname: string): string[] {
  const api = config.routes.api
  if (!pathname.startsWith(api)) return []
  let rest = pathname.slice(api.length)
  let endpoints: false | { path: string; method: string }[] | undefined = config.endpoints
  const [, first, second] = rest.split('/')
  const global = first === 'globals' ? config.globals.find((g) => g.slug === second) : undefined
  const collection = config.collections.find((c) => c.slug === first)
  if (global) {
    endpoints = global.endpoints
    rest = rest.slice(`/globals/${global.slug}`.length)
  } else if (collection) {
    endpoints = collection.endpoints
    rest = rest.slice(`/${collection.slug}`.length)
  }
  if (!Array.isArray(endpoints)) return []
  const path = rest === '' ? '/' : rest
  const methods = endpoints.filter((e) => match(e.path, { decode: decodeURIComponent })(path)).map((e) => e.method.toUpperCase())
  return [...new Set(methods)]
}

/** Payload's answer to a route it has no endpoint for (`{"message":"Route not found …"}` or 501 "Cannot …"). */
const ROUTE_NOT_FOUND = /^(Route not found|Cannot [A-Z]+ )/

/**
 * Every error answer of the REST catch-all in the API's one shape: Payload's unknown-route answer
 * becomes 404 NOT_FOUND, or 405 METHOD_NOT_ALLOWED (with `Allow`) when the path has endpoints for other
 * methods; any other error answer without `errors[].code` (an endpoint's own Response, an empty or
 * non-JSON body) gets one for its status.
 */
export async function normalizeErrorAnswer(request: Request, response: Response, config: SanitizedConfig, logger: Logs): Promise<Response> {
  if (response.status < 400) return response
  const text = await response.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  const items = (body as { errors?: unknown })?.errors
  if (Array.isArray(items) && items.every((e) => typeof (e as ApiErrorItem)?.code === 'string')) return new Response(text, response)

  const headers = new Headers(response.headers)
  headers.delete('content-length')
  headers.set('content-type', 'application/json')
  const message = (body as { message?: unknown })?.message
  if ((response.status === 404 || response.status === 501) && typeof message === 'string' && ROUTE_NOT_FOUND.test(message)) {
    const { pathname } = new URL(request.url)
    const allowed = allowedMethods(config, pathname).filter((m) => m !== request.method.toUpperCase())
    const item = allowed.length
      ? apiError('METHOD_NOT_ALLOWED', `${request.method.toUpperCase()} is not allowed on ${pathname}; use ${allowed.join(', ')}.`, {
          data: { allow: allowed },
        })
      : apiError('NOT_FOUND', `There is no API route ${pathname}.`)
    if (allowed.length) headers.set('allow', allowed.join(', '))
    const status = ERROR_STATUS[item.code]
    logErrorAnswer(logger, { status, code: item.code, message: item.message, requestId: requestIdOf(request) })
    return new Response(JSON.stringify({ errors: [item] } satisfies ApiErrorBody), { status, headers })
  }
  const code = defaultCode(response.status)
  const fallback = typeof message === 'string' ? message : response.status >= 500 ? 'Something went wrong.' : response.statusText || code
  const errors = Array.isArray(items)
    ? items.map((e) => ({
        ...(e as object),
        message: String((e as { message?: unknown })?.message ?? fallback),
        code: typeof (e as ApiErrorItem)?.code === 'string' ? (e as ApiErrorItem).code : code,
      }))
    : [apiError(code, fallback)]
  return new Response(JSON.stringify({ errors }), { status: response.status, headers })
}

type RouteHandler<C> = (request: Request, context: C) => Promise<Response>

/** Wraps one of Payload's Next route handlers so that its error answers are in the API's one shape. */
export function inOneErrorShape<C>(config: Promise<SanitizedConfig> | SanitizedConfig, handler: RouteHandler<C>): RouteHandler<C> {
  return async (request, context) => {
    const response = await handler(request, context)
    if (response.status < 400) return response
    const payload = await getPayload({ config })
    return normalizeErrorAnswer(request, response, payload.config, payload.logger)
  }
}
