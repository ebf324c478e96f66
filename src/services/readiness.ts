import type { Redis } from 'ioredis'
import type { Pool } from 'pg'

export type Check = 'ok' | 'down'
export type Readiness = { ready: boolean; checks: { postgres: Check; redis: Check }; down: string[] }

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

const probe = async (run: () => Promise<unknown>, ms: number): Promise<Check> => {
  try {
    await withTimeout(run(), ms)
    return 'ok'
  } catch {
    return 'down'
  }
}

/** Both dependencies are probed in parallel, each bounded, so /readyz answers within ~2 s whatever is down. */
export async function checkReadiness(pg: Pool, redis: Redis, timeoutMs = 2_000): Promise<Readiness> {
  const [postgres, redisCheck] = await Promise.all([probe(() => pg.query('SELECT 1'), timeoutMs), probe(() => redis.ping(), timeoutMs)])
  const checks = { postgres, redis: redisCheck }
  const down = Object.entries(checks)
    .filter(([, state]) => state === 'down')
    .map(([name]) => name)
  return { ready: down.length === 0, checks, down }
}
