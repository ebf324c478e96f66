import { createHash } from 'node:crypto'

import { env } from '@/lib/env'
import { sharedRedis } from './redis'

/**
 * One-time account links (email verification, password reset, a new address's confirmation) are often opened twice: a browser that
 * reloads the page, a person who clicks the mail again, a mail scanner that fetched it first. The first
 * use spends the token; a second opening within REOPEN_WINDOW_MS by the same account should still say
 * that it worked, not "invalid". So a used token is remembered for that long — by its hash (the token
 * itself never reaches Redis), with the account it belonged to and when it was used.
 *
 * Best effort: with Redis down nothing is remembered and a reopened link shows the usual error.
 */
export const REOPEN_WINDOW_MS = 10 * 60_000

export type AccountLink = 'verify-email' | 'reset-password' | 'confirm-email'
export type UsedLink = { userId: number; usedAt: number }

const keyOf = (kind: AccountLink, token: string) =>
  `${env.REDIS_PREFIX}used-link:${kind}:${createHash('sha256').update(token).digest('hex')}`

export async function rememberUsedLink(kind: AccountLink, token: string, userId: number, now = Date.now()): Promise<void> {
  const record: UsedLink = { userId, usedAt: now }
  try {
    await sharedRedis().set(keyOf(kind, token), JSON.stringify(record), 'PX', REOPEN_WINDOW_MS)
  } catch {
    // Remembering is a courtesy for a second click; the link itself has done its work.
  }
}

/** The account that used this token less than REOPEN_WINDOW_MS ago, or null. */
export async function recentlyUsedLink(kind: AccountLink, token: string, now = Date.now()): Promise<UsedLink | null> {
  let stored: string | null
  try {
    stored = await sharedRedis().get(keyOf(kind, token))
  } catch {
    return null
  }
  if (!stored) return null
  const record = JSON.parse(stored) as UsedLink
  return now - record.usedAt < REOPEN_WINDOW_MS ? record : null
}
