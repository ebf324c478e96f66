import type { Payload } from 'payload'

import { env } from '@/lib/env'
import { enqueueAccountMailQuietly } from './accountMail'
import { sharedRedis } from './redis'

/**
 * The "your account was locked" mail goes out once per lock. Parallel wrong passwords can each write
 * their own `lockUntil` (Payload's incrementLoginAttempts, milliseconds apart), so the lock's end alone
 * does not name the lock. The first request that finds the account locked claims the notice in Redis
 * until the lock ends (plus CLAIM_SLACK_MS for those racing writes); the job id then names that end.
 * Without Redis the job id alone guards (the queue cannot be reached then anyway).
 */
const CLAIM_SLACK_MS = 1_000

export async function tellOwnerOfLock(payload: Payload, userId: number, lockUntil: number): Promise<void> {
  const ttl = lockUntil - Date.now() + CLAIM_SLACK_MS
  if (ttl <= CLAIM_SLACK_MS) return
  let first = true
  try {
    first = (await sharedRedis().set(`${env.REDIS_PREFIX}lock-notice:user-${userId}`, String(lockUntil), 'PX', ttl, 'NX')) === 'OK'
  } catch {
    // Redis is down: fall through to the (quiet) enqueue, which fails the same way and logs it.
  }
  if (first) await enqueueAccountMailQuietly(payload, { kind: 'account-locked', userId }, lockUntil)
}
