import { Redis, type RedisOptions } from 'ioredis'

import { env } from '@/lib/env'

const KEY = Symbol.for('staybase.redis')
type Holder = { [KEY]?: Redis }

/**
 * The web process's Redis client. Kept on globalThis because Next bundles route modules separately and
 * the express server is bundled on its own: all of them must share one connection.
 *
 * `enableOfflineQueue: false` makes every command fail at once while Redis is down instead of queueing
 * behind a reconnect, so a Redis outage degrades requests instead of hanging them.
 */
export function sharedRedis(): Redis {
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    const options: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      // Keep retrying in the background (capped at 5 s) so the process heals when Redis comes back.
      retryStrategy: (times) => Math.min(times * 200, 5_000),
    }
    const client = new Redis(env.REDIS_URL, options)
    // Errors surface on the commands that need Redis; an unhandled 'error' event would crash the process.
    client.on('error', () => {})
    holder[KEY] = client
  }
  return holder[KEY]
}

export async function closeSharedRedis(): Promise<void> {
  const holder = globalThis as Holder
  const client = holder[KEY]
  if (!client) return
  delete holder[KEY]
  try {
    await client.quit()
  } catch {
    client.disconnect()
  }
}

/**
 * A Redis answer within `ms`, or a rejection: a connection that still says `ready` but gets no answer
 * (a half-open socket, a partitioned network) must degrade a request, not hang it.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}
