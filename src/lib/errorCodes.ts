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
  UnauthorizedError,
  UnverifiedEmail,
  ValidationError,
} from 'payload'

import { type ErrorCode, HttpError, causedBy, defaultCode } from './errors'

/**
 * Payload's own error classes by readable name and stable code. `next build` minifies class names, so
 * `error.name` says "d" or "eq"; instanceof still knows them. Order matters: subclasses first.
 */
const PAYLOAD_ERRORS: [new (...args: never[]) => Error, string, ErrorCode][] = [
  // Answered exactly like a wrong password (see addErrorCode): a lock must not reveal an account.
  [LockedAuth, 'AuthenticationError', 'INVALID_CREDENTIALS'],
  [AuthenticationError, 'AuthenticationError', 'INVALID_CREDENTIALS'],
  [UnverifiedEmail, 'UnverifiedEmail', 'EMAIL_NOT_VERIFIED'],
  [UnauthorizedError, 'UnauthorizedError', 'UNAUTHORIZED'],
  [Forbidden, 'Forbidden', 'FORBIDDEN'],
  [NotFound, 'NotFound', 'NOT_FOUND'],
  [ValidationError, 'ValidationError', 'VALIDATION_FAILED'],
  [QueryError, 'QueryError', 'VALIDATION_FAILED'],
  [MissingFile, 'MissingFile', 'VALIDATION_FAILED'],
  [FileUploadError, 'FileUploadError', 'VALIDATION_FAILED'],
  [FileRetrievalError, 'FileRetrievalError', 'NOT_FOUND'],
  [Locked, 'Locked', 'CONFLICT'],
]

export type DescribedError = { name: string; code: ErrorCode; status: number; field?: string; message?: string }

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
 * A body Payload could not parse: its "Invalid JSON" (a 400 whose message the minified build loses),
 * a JSON.parse of the multipart `_payload` field, busboy's multipart errors and Payload's own
 * "not eligible for file upload" (both thrown as 500s). All are the client's malformed request.
 */
function malformedBody(error: unknown): string | null {
  if (!(error instanceof Error)) return null
  if (error instanceof SyntaxError && /JSON/.test(error.message)) return 'The request body is not valid JSON.'
  if (error instanceof APIError && error.message === 'Invalid JSON') return 'The request body is not valid JSON.'
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

/** The readable name, stable code, status and (for rule errors) field of any error thrown while serving a request. */
export function describeError(error: unknown): DescribedError {
  const original = (error as { originalError?: unknown })?.originalError ?? error
  const malformed = malformedBody(original)
  if (malformed) return { name: 'MalformedRequest', code: 'MALFORMED_REQUEST', status: 400, message: malformed }
  const refused = original instanceof HttpError ? null : rejectedByDatabase(original)
  if (refused) return { name: 'ValidationError', code: 'VALIDATION_FAILED', status: 400, message: refused }
  const status = typeof (original as { status?: unknown })?.status === 'number' ? (original as { status: number }).status : 500
  if (original instanceof HttpError) return { name: 'HttpError', code: original.code, status, field: original.field }
  for (const [cls, name, code] of PAYLOAD_ERRORS) {
    if (original instanceof cls) {
      const paths = (original as { data?: { errors?: { path?: string }[] } }).data?.errors
      const field = Array.isArray(paths) && typeof paths[0]?.path === 'string' ? paths[0].path : undefined
      return { name, code: status >= 500 && code !== 'NOT_FOUND' ? defaultCode(status) : code, status, field }
    }
  }
  return { name: original instanceof APIError ? 'APIError' : 'Error', code: defaultCode(status), status }
}

/** Payload's formatErrors says this for an error without a class name, which every error has once minified. */
const UNKNOWN = 'An unknown error occurred.'
const publicMessage = (error: unknown) => {
  const original = (error as { originalError?: unknown })?.originalError ?? error
  return original instanceof Error && original.message ? original.message : UNKNOWN
}

/**
 * Config-level afterError hook: every REST error item gets `code` (and `field` when a rule names one)
 * and a readable `name`; every GraphQL error gets `extensions.code` next to `extensions.statusCode`.
 */
export const addErrorCode: AfterErrorHook = ({ error, req, result, graphqlResult }) => {
  const described = describeError(error)
  // Payload's LockedAuth ("This user is locked…") after parallel wrong passwords would tell that the
  // address has an account: it says what a wrong password says, with the same status, code and name.
  const locked = ((error as { originalError?: unknown })?.originalError ?? error) instanceof LockedAuth
  if (locked) described.message = new AuthenticationError(req?.t).message
  if (graphqlResult) {
    const extensions = { ...(graphqlResult.extensions ?? {}), name: described.name, code: described.code, ...(described.field ? { field: described.field } : {}) }
    const corrected = described.message && !locked ? { message: described.message, extensions: { ...extensions, statusCode: described.status } } : {}
    return { graphqlResult: { ...graphqlResult, ...(locked ? { message: described.message } : {}), extensions, ...corrected } }
  }
  if (result && Array.isArray(result.errors)) {
    const errors = result.errors.map((item) => {
      const e = item as Record<string, unknown>
      const field = typeof e.field === 'string' ? e.field : described.field
      const message = described.message ?? (e.message === UNKNOWN && described.status < 500 ? publicMessage(error) : String(e.message))
      return { ...e, message, ...(e.name !== undefined ? { name: described.name } : {}), code: typeof e.code === 'string' ? e.code : described.code, ...(field ? { field } : {}) }
    })
    return { response: { ...result, errors }, ...(described.message ? { status: described.status } : {}) }
  }
  return undefined
}
