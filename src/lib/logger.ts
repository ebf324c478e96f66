import { pino, type Logger } from 'pino'
import { build as prettyStream } from 'pino-pretty'

import { currentLogContext } from './logContext'

/**
 * One logger factory for the web server, Payload and the worker: JSON lines in production (what log
 * shippers expect), human-readable lines in development and tests. Every line carries the request id
 * (`reqId`) of the request it was written for, or the `jobId`, `queue` and `bookingId` of the job
 * (src/lib/logContext.ts); a field the call names itself wins.
 */
export function createLogger(
  name: string,
  level = process.env.LOG_LEVEL ?? 'info',
  format = process.env.LOG_FORMAT ?? (process.env.NODE_ENV === 'production' ? 'json' : 'pretty'),
  /** An error-level line `{err}` whose error this says is logged elsewhere is left out. */
  loggedElsewhere?: (error: unknown) => boolean,
): Logger {
  const options = {
    name,
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['error']>, method: Logger['error'], levelValue: number) {
        const first = args[0] as { err?: unknown } | undefined
        if (loggedElsewhere && levelValue >= 50 && first && typeof first === 'object' && first.err && loggedElsewhere(first.err)) return
        return method.apply(this, args)
      },
    },
    // A copy: pino merges the line's own fields into the object the mixin returns.
    mixin: () => ({ ...currentLogContext() }),
    level,
    enabled: process.env.DISABLE_LOGGING !== 'true',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  }
  if (format === 'json') return pino(options)
  return pino(options, prettyStream({ colorize: true, singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' }))
}

/**
 * For a failure that repeats while it lasts (Redis down: every reconnect attempt errs): true at most
 * once per `ms`, so the log says it once a minute instead of several times a second.
 */
export function atMostEvery(ms: number): () => boolean {
  let last = -Infinity
  return () => {
    const now = Date.now()
    if (now - last < ms) return false
    last = now
    return true
  }
}
