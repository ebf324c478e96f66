import type { AuthStrategyFunction, AuthStrategyResult, Payload, PayloadRequest, Where } from 'payload'

import { afterCommit } from '@/services/afterCommit'
import { forgetCachedUsers, lookupCachedUser, sessionCacheEnabled } from '@/services/sessionCache'

/**
 * Sessions in Redis (src/services/sessionCache.ts), wired once per Payload instance from the config's
 * onInit (the Next side and the express side each have one).
 *
 * The strategy is Payload's own JWT strategy, run unchanged — token extraction, signature, expiry,
 * protected header, the `sid` in the user's `sessions`, `_verified` — with one difference: the one
 * database read it makes (`payload.findByID` of the token's user, with Payload's own arguments) is
 * answered from Redis when the user is cached there. The user is the object that call returned, so
 * `req.user` has the same fields at the same depth (2 on REST, 0 on GraphQL, as Payload chooses).
 *
 * The cached copy is dropped by every write to the account, caught where all of them pass: the
 * database adapter. Login (new session), logout (one or all sessions), refresh, failed logins and the
 * lock, unlock, password change and reset, verification, email change, role change, delete — Payload's
 * auth operations write with `payload.db.updateOne` without collection hooks, so hooks alone would
 * miss most of them. Writes inside a transaction drop the copy again once the commit is done
 * (src/services/afterCommit.ts).
 */
const USERS = 'users'
/** `req.user.avatar` is populated from media (depth 2): a media edit or delete drops every cached user. */
const POPULATED_INTO_USERS = new Set(['media'])

export function useCachedSessions(payload: Payload): void {
  if (!sessionCacheEnabled()) return
  dropCachedUsersOnWrite(payload)
  payload.authStrategies = payload.authStrategies.map((strategy) =>
    strategy.name === 'local-jwt' ? { ...strategy, authenticate: withCachedUser(strategy.authenticate) } : strategy,
  )
}

type FindByID = Payload['findByID']

function withCachedUser(authenticate: AuthStrategyFunction): AuthStrategyFunction {
  return async (args) => {
    const { payload } = args
    // Everything but findByID is Payload's own (config, secret, collections, find for autoLogin).
    const reading = Object.create(payload) as Payload
    reading.findByID = ((options: Parameters<FindByID>[0]) => findUserByID(payload, options)) as FindByID
    const result: AuthStrategyResult = await authenticate({ ...args, payload: reading })
    return sessionStillOpen(result) ? result : { user: null }
  }
}

async function findUserByID(payload: Payload, options: Parameters<FindByID>[0]): Promise<unknown> {
  const { collection, id, depth, locale, fallbackLocale } = options as {
    collection: string
    id: string | number
    depth?: number
    locale?: unknown
    fallbackLocale?: unknown
  }
  // Only Payload's strategy call on users, without localization (Staybase has none).
  if (collection !== USERS || (locale ?? undefined) !== undefined || (fallbackLocale ?? undefined) !== undefined) {
    return payload.findByID(options)
  }
  const slot = await lookupCachedUser(id, `d${depth ?? 'default'}`)
  if (slot?.cached) return slot.cached
  const user = await payload.findByID(options)
  if (user) slot?.store(user)
  return user
}

/**
 * Payload checks that the token's `sid` is among the user's sessions; a session whose own expiry has
 * passed is refused too (the token's `exp` normally ends first: both are set from tokenExpiration).
 */
function sessionStillOpen(result: AuthStrategyResult): boolean {
  const user = result.user as { _sid?: string; sessions?: { id: string; expiresAt?: string | Date | null }[] | null } | null
  if (!user?._sid) return true
  const session = user.sessions?.find(({ id }) => id === user._sid)
  if (!session) return false
  return !session.expiresAt || new Date(session.expiresAt).getTime() > Date.now()
}

type Adapter = Payload['db'] & { [TRACKED]?: true }
type WriteArgs = { collection: string; id?: string | number; where?: Where; req?: Partial<PayloadRequest> }
const TRACKED = Symbol.for('staybase.cachedSessions.tracked')
/** Users to drop again after a transaction's commit ('*': everyone). */
type Dropped = { users: Set<string> | '*' }

function dropCachedUsersOnWrite(payload: Payload): void {
  const db = payload.db as Adapter
  if (db[TRACKED]) return
  db[TRACKED] = true

  const affected = (args: WriteArgs, result: unknown, many: boolean): string[] | '*' | null => {
    if (POPULATED_INTO_USERS.has(args.collection)) return '*'
    if (args.collection !== USERS) return null
    if (many) return '*'
    const id = args.id ?? idFromWhere(args.where) ?? (result as { id?: string | number } | null)?.id
    return id === undefined || id === null ? '*' : [String(id)]
  }

  const dropped = async (args: WriteArgs, result: unknown, many: boolean): Promise<void> => {
    const users = affected(args, result, many)
    if (!users) return
    await forgetCachedUsers(users)
    if (!args.req) return
    const pending = await afterCommit(
      { transactionID: args.req.transactionID, payload },
      'sessions',
      (): Dropped => ({ users: new Set() }),
      (state) => forgetCachedUsers(state.users),
    )
    if (!pending) return
    if (users === '*' || pending.users === '*') pending.users = '*'
    else for (const user of users) pending.users.add(user)
  }

  const track = <K extends 'updateOne' | 'updateMany' | 'deleteOne' | 'deleteMany' | 'upsert'>(name: K, many: boolean) => {
    const original = db[name].bind(db) as (args: WriteArgs) => Promise<unknown>
    ;(db as unknown as Record<string, unknown>)[name] = async (args: WriteArgs) => {
      const result = await original(args)
      await dropped(args, result, many)
      return result
    }
  }
  track('updateOne', false)
  track('upsert', false)
  track('deleteOne', false)
  track('updateMany', true)
  track('deleteMany', true)
}

function idFromWhere(where: Where | undefined): string | number | undefined {
  const id = (where?.id as { equals?: unknown } | undefined)?.equals
  return typeof id === 'string' || typeof id === 'number' ? id : undefined
}
