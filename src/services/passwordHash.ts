import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const pbkdf2Async = promisify(pbkdf2)

/**
 * Payload's local strategy (payload/dist/auth/strategies/local/generatePasswordSaltHash.js): current
 * hashes are `pbkdf2-sha256-v1:<hex>` with 600,000 iterations and 32 bytes; older ones are bare hex
 * with 25,000 iterations and 512 bytes. Both sha256.
 */
const CURRENT_PREFIX = 'pbkdf2-sha256-v1:'
const parameters = (hash: string) =>
  hash.startsWith(CURRENT_PREFIX)
    ? { stored: hash.slice(CURRENT_PREFIX.length), iterations: 600_000, keyLength: 32 }
    : { stored: hash, iterations: 25_000, keyLength: 512 }

/** True when `password` matches the stored hash and salt, checked exactly as Payload's login does. */
export async function passwordMatches(password: string, hash: unknown, salt: unknown): Promise<boolean> {
  if (typeof hash !== 'string' || typeof salt !== 'string') return false
  const { stored, iterations, keyLength } = parameters(hash)
  const computed = await pbkdf2Async(password, salt, iterations, keyLength, 'sha256')
  const expected = Buffer.from(stored, 'hex')
  return computed.length === expected.length && timingSafeEqual(computed, expected)
}

/**
 * Spends the time checking a password takes, for addresses without an account (or locked ones), so the
 * answer's timing says nothing about whether the address is registered.
 */
export async function spendPasswordCheck(password: string): Promise<void> {
  await passwordMatches(password, `${CURRENT_PREFIX}${'0'.repeat(64)}`, randomBytes(32).toString('hex'))
}
