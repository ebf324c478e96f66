import type { Redis } from 'ioredis'

import { env } from '@/lib/env'
import { sharedRedis, withTimeout } from './redis'

/**
 * Signed-in users kept in Redis, so an authenticated request learns who it is without a database round
 * trip (src/lib/cachedSessions.ts puts this behind Payload's JWT strategy).
 *
 * Keys (under REDIS_PREFIX):
 *   session:generation              bumped to drop every cached user at once
 *   session:version:<userId>        bumped by every write to that account (src/lib/cachedSessions.ts)
 *   session:user:<id>:<gen>:<ver>:<variant>   the user as Payload's strategy loads it, JSON, with a TTL
 *
 * A bump does not delete entries: it moves readers to a key nobody has filled yet, and the old entries
 * expire. Readers read the counters *before* they read the database and file what they read under those
 * counters, so a write that commits after a reader's database read always leaves that reader's entry
 * behind (writes bump again after their commit).
 *
 * Redis being away never fails a request and never serves a stale user: a lookup that fails or is slow
 * goes to the database; a bump that fails or times out, or a lost connection, makes this process distrust every entry
 * (and fill none) until it has bumped the generation on a working Redis, which drops whatever a missed
 * bump left behind. Counter keys must not be evicted: Redis runs with `noeviction` (docker-compose.yml,
 * as BullMQ needs anyway).
 */

const PREFIX = `${env.REDIS_PREFIX}session:`
const GENERATION_KEY = `${PREFIX}generation`
const versionKey = (userId: string) => `${PREFIX}version:${userId}`
const entryPrefix = (userId: string) => `${PREFIX}user:${userId}`
/** Version counters outlive every entry (TTL minutes), so a counter expiring cannot bring an old entry back. */
const VERSION_TTL_SECONDS = 7 * 24 * 60 * 60
/** A lookup slower than this counts as Redis being away: the request reads the database instead. */
const LOOKUP_TIMEOUT_MS = 250
/** A bump that takes longer may or may not have happened: the cache is distrusted as if it had failed. */
const BUMP_TIMEOUT_MS = 1_000
const RETRY_MS = 500

// Both counters and the entry they name in one round trip. Built keys are fine on a single Redis (not Cluster).
const LOOKUP_SCRIPT = `
local g = redis.call('GET', KEYS[1]) or '0'
local v = redis.call('GET', KEYS[2]) or '0'
return {g, v, redis.call('GET', ARGV[1] .. ':' .. g .. ':' .. v .. ':' .. ARGV[2])}
`

type SessionLookupClient = Redis & {
  sessionLookup: (generationKey: string, versionKey: string, entryPrefix: string, variant: string) => Promise<[string, string, string?]>
}

type State = {
  /** Set while entries cannot be trusted: from start-up, a lost connection or a failed bump, until a generation bump succeeds. */
  suspect: boolean
  epoch: number
  bumping: boolean
  retry: NodeJS.Timeout | null
  client: Redis | null
  stats: { hits: number; misses: number; bypassed: number; errors: number }
}

// On globalThis: Next's route bundles and the express bundle each load this module, and share one client.
const KEY = Symbol.for('staybase.sessionCache')
function state(): State {
  const holder = globalThis as { [KEY]?: State }
  holder[KEY] ??= {
    suspect: true,
    epoch: 0,
    bumping: false,
    retry: null,
    client: null,
    stats: { hits: 0, misses: 0, bypassed: 0, errors: 0 },
  }
  return holder[KEY]
}

export const sessionCacheEnabled = (): boolean => env.SESSION_CACHE_TTL_SECONDS > 0

function client(): SessionLookupClient {
  const s = state()
  const redis = sharedRedis() as SessionLookupClient
  if (s.client !== redis) {
    s.client = redis
    if (typeof redis.sessionLookup !== 'function') {
      redis.defineCommand('sessionLookup', { numberOfKeys: 2, lua: LOOKUP_SCRIPT })
    }
    // A bump may have been missed while the connection was down (by this process or another one).
    redis.on('close', () => distrust())
    distrust()
  }
  return redis
}

/**
 * Stop trusting entries until the generation has been bumped after this moment; retries in the
 * background. `epoch` makes a bump that was already on its way when trust was lost again not count.
 */
function distrust(): void {
  const s = state()
  s.suspect = true
  s.epoch++
  if (!s.retry && !s.bumping) scheduleGenerationBump(0)
}

function scheduleGenerationBump(ms: number): void {
  const s = state()
  s.retry = setTimeout(() => {
    s.retry = null
    s.bumping = true
    const epoch = s.epoch
    sharedRedis()
      .incr(GENERATION_KEY)
      .then(
        () => {
          s.bumping = false
          if (s.epoch === epoch) s.suspect = false
          else scheduleGenerationBump(0)
        },
        () => {
          s.bumping = false
          scheduleGenerationBump(RETRY_MS)
        },
      )
  }, ms)
  s.retry.unref()
}

export type CachedUserSlot = {
  /** The cached user (a fresh object on every call), or null on a miss. */
  cached: Record<string, unknown> | null
  /** Files the user read from the database after this lookup; never throws. */
  store: (user: object) => void
}

/**
 * Looks a user up. `null` means "ask the database and cache nothing" (Redis away or not trusted yet).
 * `variant` names what else shaped the document (depth, locale), so REST and GraphQL never share one.
 */
export async function lookupCachedUser(userId: string | number, variant: string): Promise<CachedUserSlot | null> {
  const s = state()
  if (!sessionCacheEnabled()) return null
  let redis: SessionLookupClient
  try {
    redis = client()
  } catch {
    s.stats.errors++
    return null
  }
  if (s.suspect || redis.status !== 'ready') {
    s.stats.bypassed++
    return null
  }
  const id = String(userId)
  let answer: [string, string, string?]
  try {
    answer = await withTimeout(redis.sessionLookup(GENERATION_KEY, versionKey(id), entryPrefix(id), variant), LOOKUP_TIMEOUT_MS)
  } catch {
    // A failed read misses no bump: this request asks the database, the cache stays trusted.
    s.stats.errors++
    return null
  }
  const [generation, version, json] = answer
  const key = `${entryPrefix(id)}:${generation}:${version}:${variant}`
  if (json) {
    try {
      const cached = JSON.parse(json) as Record<string, unknown>
      s.stats.hits++
      return { cached, store: () => {} }
    } catch {
      // Not ours or damaged: read the database and overwrite it.
    }
  }
  s.stats.misses++
  return {
    cached: null,
    store: (user) => {
      // Serialized now: the caller goes on to decorate the object (_sid, _strategy).
      const value = JSON.stringify(user)
      if (state().suspect) return
      redis.set(key, value, 'EX', env.SESSION_CACHE_TTL_SECONDS).catch(() => {
        state().stats.errors++
      })
    },
  }
}

/**
 * Drops the cached copies of these users ('*': everyone). Never throws: when Redis cannot take the bump,
 * this process stops trusting the cache until it has bumped the generation.
 */
export async function forgetCachedUsers(userIds: Iterable<string | number> | '*'): Promise<void> {
  if (!sessionCacheEnabled()) return
  try {
    const redis = client()
    // Just created (the process's first write): wait for the connection rather than count a failed bump.
    if (redis.status === 'connecting' || redis.status === 'connect' || redis.status === 'wait') {
      await withTimeout(new Promise((resolve) => redis.once('ready', resolve)), BUMP_TIMEOUT_MS)
    }
    if (userIds === '*') {
      await withTimeout(redis.incr(GENERATION_KEY), BUMP_TIMEOUT_MS)
      return
    }
    const pipeline = redis.pipeline()
    let count = 0
    for (const userId of new Set([...userIds].map(String))) {
      pipeline.incr(versionKey(userId)).expire(versionKey(userId), VERSION_TTL_SECONDS)
      count++
    }
    if (count === 0) return
    const results = await withTimeout(pipeline.exec(), BUMP_TIMEOUT_MS)
    if (!results || results.some(([error]) => error)) throw new Error('session cache bump failed')
  } catch {
    // The account's write is done either way; it must not fail because Redis did.
    state().stats.errors++
    distrust()
  }
}

/** Hits, misses, lookups that went to the database because Redis was away or not trusted yet, and Redis errors. */
export const sessionCacheStats = (): State['stats'] => ({ ...state().stats })
