import { AuthenticationError, type CollectionBeforeOperationHook, incrementLoginAttempts } from 'payload'

import { MAX_LOGIN_ATTEMPTS, normalizeEmail } from '../../src/domain/accountRules'
import { enqueueAccountMailQuietly } from '../../src/services/accountMail'
import { passwordMatches, spendPasswordCheck } from '../../src/services/passwordHash'

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

  const user = (await req.payload.db.findOne({ collection: collection.slug, where: { email: { equals: email } }, req })) as Credentials | null
  if (!user) {
    await spendPasswordCheck(password)
    throw new AuthenticationError(req.t)
  }
  if (lockedUntil(user) > Date.now()) {
    await spendPasswordCheck(password)
    await enqueueAccountMailQuietly(req, { kind: 'account-locked', userId: user.id }, lockedUntil(user))
    throw new AuthenticationError(req.t)
  }
  if ((user.loginAttempts ?? 0) + 1 >= MAX_LOGIN_ATTEMPTS && !(await passwordMatches(password, user.hash, user.salt))) {
    // This wrong password may be the one that locks the account.
    await incrementLoginAttempts({ collection, payload: req.payload, user } as unknown as Parameters<typeof incrementLoginAttempts>[0])
    const after = (await req.payload.db.findOne({ collection: collection.slug, where: { id: { equals: user.id } }, req })) as Credentials | null
    if (after && lockedUntil(after) > Date.now()) {
      await enqueueAccountMailQuietly(req, { kind: 'account-locked', userId: user.id }, lockedUntil(after))
    }
    throw new AuthenticationError(req.t)
  }
  return args
}
