import { type AfterErrorHook, AuthenticationError, type CollectionBeforeOperationHook, LockedAuth, incrementLoginAttempts } from 'payload'

import { MAX_LOGIN_ATTEMPTS, normalizeEmail } from '@/domain/accountRules'
import { tellOwnerOfLock } from '@/services/lockNotice'
import { passwordMatches, spendPasswordCheck } from '@/services/passwordHash'

type Credentials = { id: number; hash?: string | null; salt?: string | null; loginAttempts?: number | null; lockUntil?: string | null }

const lockedUntil = (user: Pick<Credentials, 'lockUntil'>) => (user.lockUntil ? Date.parse(user.lockUntil) : 0)

/**
 * A failed login answers the same whether the address has no account, the password is wrong or the
 * account is locked: 401 INVALID_CREDENTIALS with Payload's own message, after the same password
 * check (Payload alone answers an unknown address at once and a locked account with "This user is
 * locked"). The attempt that locks an account is checked here, so its owner is told (once per lock).
 * A correct password for an open account goes on to Payload's login.
 */
export const answerLoginFailuresAlike: CollectionBeforeOperationHook = async ({ args, collection, operation, req }) => {
  if (operation !== 'login') return args
  const data = ((args as { data?: Record<string, unknown> }).data ?? {}) as Record<string, unknown>
  const email = normalizeEmail(data.email)
  const password = data.password
  // Missing fields: Payload's validation answers (that says nothing about any account).
  if (!email || typeof password !== 'string' || password.trim() === '') return args

  const user = (await req.payload.db.findOne({
    collection: collection.slug,
    where: { email: { equals: email } },
    req,
  })) as Credentials | null
  if (!user) {
    await spendPasswordCheck(password)
    throw new AuthenticationError(req.t)
  }
  if (lockedUntil(user) > Date.now()) {
    await spendPasswordCheck(password)
    await tellOwnerOfLock(req.payload, user.id, lockedUntil(user))
    throw new AuthenticationError(req.t)
  }
  if ((user.loginAttempts ?? 0) + 1 >= MAX_LOGIN_ATTEMPTS && !(await passwordMatches(password, user.hash, user.salt))) {
    // This wrong password may be the one that locks the account.
    await incrementLoginAttempts({ collection, payload: req.payload, user } as unknown as Parameters<typeof incrementLoginAttempts>[0])
    const after = (await req.payload.db.findOne({
      collection: collection.slug,
      where: { id: { equals: user.id } },
      req,
    })) as Credentials | null
    if (after && lockedUntil(after) > Date.now()) {
      await tellOwnerOfLock(req.payload, user.id, lockedUntil(after))
    }
    throw new AuthenticationError(req.t)
  }
  // Payload's login may still find the account locked (parallel wrong passwords): see tellOwnerOfLockAfterError.
  req.context[LOGIN_ACCOUNT] = user.id
  return args
}

const LOGIN_ACCOUNT = 'loginAccountId'

/**
 * Config-level afterError hook (REST and GraphQL): when Payload's login answers LockedAuth — the
 * account was locked by parallel wrong passwords after this request's check above — the owner is told
 * like any other lock. (src/lib/errorCodes.ts makes the answer itself a plain wrong-password one.)
 */
export const tellOwnerOfLockAfterError: AfterErrorHook = async ({ error, req }) => {
  const original = (error as { originalError?: unknown })?.originalError ?? error
  const userId = req?.context?.[LOGIN_ACCOUNT]
  if (!(original instanceof LockedAuth) || typeof userId !== 'number') return undefined
  try {
    const user = (await req.payload.db.findOne({ collection: 'users', where: { id: { equals: userId } } })) as Credentials | null
    if (user && lockedUntil(user) > Date.now()) await tellOwnerOfLock(req.payload, userId, lockedUntil(user))
  } catch (lookupError) {
    req.payload.logger.error({ err: lookupError, msg: 'lock notice could not be queued' })
  }
  return undefined
}
