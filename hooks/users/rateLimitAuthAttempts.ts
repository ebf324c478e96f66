import type { CollectionBeforeOperationHook, PayloadRequest } from 'payload'

import { isStaffUser } from '@/domain/roles'
import { clientIp, rateLimitKey } from '@/lib/clientIp'
import { tooManyRequests } from '@/lib/errors'
import { type AuthAction, consumeAuthAttempt } from '@/services/authRateLimit'

/** Counts one `action` attempt of the request's client; 429 with Retry-After once over the limit. */
export async function limitAuthAttempt(req: PayloadRequest, action: AuthAction): Promise<void> {
  const retryAfter = await consumeAuthAttempt(action, rateLimitKey(clientIp(req)))
  if (retryAfter !== null) {
    req.responseHeaders ??= new Headers()
    req.responseHeaders.set('Retry-After', String(retryAfter))
    throw tooManyRequests(`Too many ${action} attempts. Try again in ${retryAfter} seconds.`, retryAfter)
  }
}

/**
 * Limits login, forgot-password and registration per client IP, whichever API they come through
 * (REST or GraphQL both run this operation hook; the forgot-password route, which only queues, calls
 * limitAuthAttempt itself). Local API calls (seed, jobs) are not client traffic.
 */
export const rateLimitAuthAttempts: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (req.payloadAPI === 'local') return args
  let action: AuthAction | null = null
  if (operation === 'login') action = 'login'
  else if (operation === 'forgotPassword') action = 'forgot-password'
  else if (operation === 'create' && !isStaffUser(req.user)) action = 'register'
  if (!action) return args
  await limitAuthAttempt(req, action)
  return args
}
