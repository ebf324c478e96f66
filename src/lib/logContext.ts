import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * What every log line written while serving one request or running one job carries: the request id
 * (`reqId`, the `x-request-id` the express server answers with), or the job's id, queue and booking.
 * The logger factory (src/lib/logger.ts) adds the current context to each line through pino's `mixin`,
 * so Payload's own lines, our hooks' and the fast paths' all say which request or job they belong to.
 *
 * One storage per process, kept on globalThis: Payload's hooks run inside Next's server bundle and the
 * express server is a separate esbuild bundle in the same process, each with its own copy of this
 * module. Two storages would each see only their own `run`, and Payload's lines would carry nothing.
 */
export type LogContext = { reqId?: string; jobId?: string; queue?: string; bookingId?: number }

const KEY = Symbol.for('staybase.logContext')
type Holder = { [KEY]?: AsyncLocalStorage<LogContext> }

function storage(): AsyncLocalStorage<LogContext> {
  const holder = globalThis as Holder
  holder[KEY] ??= new AsyncLocalStorage<LogContext>()
  return holder[KEY]
}

/** Run `fn` (and everything it starts, sync or async) with `context` on every log line. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage().run(context, fn)
}

/** The context of the code running now: `{}` outside any request or job. */
export function currentLogContext(): LogContext {
  return storage().getStore() ?? {}
}

/**
 * Run `fn` outside any request or job. For what outlives the request that happens to create it — a
 * Redis connection opened on first use: its socket's events (errors, reconnects) run in the context of
 * its creation, and would carry that first request's id on every line for the life of the process.
 */
export function withoutLogContext<T>(fn: () => T): T {
  return storage().exit(fn)
}
