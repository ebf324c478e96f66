import { APIError } from 'payload'

/**
 * The one family of client errors. Each is a Payload APIError marked public, so REST answers with the
 * status and message and GraphQL carries them in `errors[].extensions`.
 */
export class HttpError extends APIError {
  constructor(status: number, message: string, data: Record<string, unknown> | null = null) {
    super(message, status, data, true)
    // Bundlers minify class names; Payload shows the message only for errors that have a name.
    this.name = 'HttpError'
  }
}

export const badRequest = (message: string, data?: Record<string, unknown>) => new HttpError(400, message, data)
export const forbidden = (message: string) => new HttpError(403, message)
export const notFound = (message: string) => new HttpError(404, message)
export const conflict = (message: string, data?: Record<string, unknown>) => new HttpError(409, message, data)
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, message, { retryAfterSeconds })

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
