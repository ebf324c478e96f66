import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

import { env } from '@/lib/env'
import { sharedRedis } from './redis'

export type AuthAction = 'login' | 'forgot-password' | 'register'

const KEY = Symbol.for('staybase.authRateLimiters')
type Holder = { [KEY]?: Map<AuthAction, RateLimiterRedis> }

function limiterFor(action: AuthAction): RateLimiterRedis {
  const holder = globalThis as Holder
  holder[KEY] ??= new Map()
  let limiter = holder[KEY].get(action)
  if (!limiter) {
    const points = env.AUTH_RATE_LIMIT_PER_MINUTE
    limiter = new RateLimiterRedis({
      storeClient: sharedRedis(),
      keyPrefix: `${env.REDIS_PREFIX}rl:auth:${action}`,
      points,
      duration: 60,
      // While Redis is unreachable each process limits on its own, so an outage neither locks
      // everyone out nor lifts the limit.
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `rl:auth:${action}:mem`, points, duration: 60 }),
    })
    holder[KEY].set(action, limiter)
  }
  return limiter
}

/**
 * Counts one attempt of `action` from `clientKey`. Resolves when allowed; otherwise resolves to the
 * number of seconds until the next attempt is allowed.
 */
export async function consumeAuthAttempt(action: AuthAction, clientKey: string): Promise<number | null> {
  try {
    await limiterFor(action).consume(clientKey)
    return null
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))
    throw rejection
  }
}
