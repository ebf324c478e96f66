import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

import { env } from '@/lib/env'
import { sharedRedis } from './redis'

export type AuthAction = 'login' | 'forgot-password' | 'register'

const KEY = Symbol.for('staybase.authRateLimiters')
type Holder = { [KEY]?: Map<string, RateLimiterRedis> }

/** One limiter per scope (`auth:login`, `messages`…): `points` per minute, counted in Redis. */
function limiterFor(scope: string, points: number): RateLimiterRedis {
  const holder = globalThis as Holder
  holder[KEY] ??= new Map()
  let limiter = holder[KEY].get(scope)
  if (!limiter) {
    limiter = new RateLimiterRedis({
      storeClient: sharedRedis(),
      keyPrefix: `${env.REDIS_PREFIX}rl:${scope}`,
      points,
      duration: 60,
      // While Redis is unreachable each process limits on its own, so an outage neither locks
      // everyone out nor lifts the limit.
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `rl:${scope}:mem`, points, duration: 60 }),
    })
    holder[KEY].set(scope, limiter)
  }
  return limiter
}

/**
 * Counts one attempt in `scope` from `key` (at most `points` a minute). Resolves to null when allowed;
 * otherwise to the number of seconds until the next attempt is allowed.
 */
export async function consumeRateLimit(scope: string, points: number, key: string): Promise<number | null> {
  try {
    await limiterFor(scope, points).consume(key)
    return null
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))
    throw rejection
  }
}

/**
 * Counts one attempt of `action` from `clientKey`. Resolves when allowed; otherwise resolves to the
 * number of seconds until the next attempt is allowed.
 */
export const consumeAuthAttempt = (action: AuthAction, clientKey: string): Promise<number | null> =>
  consumeRateLimit(`auth:${action}`, env.AUTH_RATE_LIMIT_PER_MINUTE, clientKey)
