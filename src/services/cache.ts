import { createHash } from 'node:crypto'

import type { Redis } from 'ioredis'

import { storedId } from '@/domain/ids'
import { env } from '@/lib/env'
import { atMostEvery, createLogger } from '@/lib/logger'
import { metrics } from '@/lib/metrics'
import { afterCommit } from './afterCommit'
import { sharedRedis, withTimeout } from './redis'

/**
 * A small read-through cache in Redis for public reads (listing documents, a city's first page, search
 * pages), correct first and fast second.
 *
 * Versions, not deletes. Each entry depends on a few version counters ("listing 42", "every listing",
 * "availability", "related documents"); whatever changes the data bumps the counters it affects
 * (hooks/<collection>/invalidate*.ts, recomputeListingRatings). An entry is stored together with the
 * versions it was computed under and read in one round trip with the current ones (GET + MGET in a
 * pipeline); any difference is a miss. So invalidation never has to know an entry's key — a search page's
 * criteria, a city's name — and an entry computed from rows read before a change can never be served
 * after it: its versions are older than the bump that follows the commit (see `bumpAfterCommit`).
 *
 * Every entry also expires after CACHE_TTL_SECONDS, the bound on anything invalidation misses.
 *
 * Stampedes: concurrent misses of one key in this process share one load (single flight); across
 * processes the first miss takes a short Redis lock and the others wait briefly for its entry.
 *
 * Redis is an optimisation: any Redis error means "load from the database" (outcome `bypass`), logged at
 * warn at most once per minute. A slow or failed read, lock or entry write costs only that request its
 * cache. A bump that fails (or a lost connection, which may have cost one) may leave entries that should
 * have been invalidated: this process then bypasses the cache for one TTL — by then every entry written
 * before the failure has expired — and retries the bump every second until Redis takes it, so the other
 * processes (web, worker) stop serving those entries as soon as Redis is back.
 */
export type CacheOutcome = 'hit' | 'miss' | 'bypass'

/** The version counters entries depend on. */
export const deps = {
  /** One listing's document (by id). */
  listing: (id: number | string) => `l:${id}`,
  /** Any listing's document: finds (by slug, by city) and search results. */
  listings: 'listings',
  /** Bookings and blocks: which listings are free on which nights (search). */
  availability: 'availability',
  /** One listing's bookings and blocks (its exported iCal feed); bumped together with `availability`. */
  calendar: (propertyId: number | string) => `c:${propertyId}`,
  /** Documents embedded in listings at depth ≥ 1: hosts' public profiles and photos. */
  related: 'related',
} as const

/**
 * What a booking or block taking or freeing nights makes stale: search (every listing's nights) and the
 * calendar feed of each listing the documents are on (a block moved to another listing: both).
 */
export function nightsDeps(...docs: ({ property?: unknown } | null | undefined)[]): string[] {
  const properties = new Set(docs.map((doc) => storedId(doc?.property)).filter((id) => id !== null))
  return [deps.availability, ...[...properties].map(deps.calendar)]
}

const logger = createLogger('cache', env.LOG_LEVEL, env.LOG_FORMAT)
const LOCK_MS = 2_000
const WAIT_FOR_OTHER_MS = 250
const WAIT_STEP_MS = 15
/** The longest a read (or an entry's write) waits for Redis before the request uses the database. */
const READ_TIMEOUT_MS = 250
/** The longest an invalidation waits; a bump that times out counts as failed and is retried (see `bumpVersions`). */
const BUMP_TIMEOUT_MS = 1_000
const BUMP_RETRY_MS = 1_000
/** Version counters outlive every entry by far; they only need to outlive the TTL. */
const VERSION_TTL_SECONDS = 24 * 60 * 60

const warnNow = atMostEvery(60_000)
let distrustUntil = 0
const inFlight = new Map<string, Promise<string | null>>()
/** Counters whose bump failed, bumped again by a retry timer. */
const unbumped = new Set<string>()
let bumpRetry: NodeJS.Timeout | null = null

export function cacheEnabled(): boolean {
  return env.CACHE_ENABLED
}

const prefix = () => env.REDIS_PREFIX
const versionKey = (dep: string) => `${prefix()}cache:v:${dep}`
const entryKey = (name: string) => `${prefix()}cache:e:${name}`
const lockKey = (name: string) => `${prefix()}cache:lock:${name}`

/** A Redis failure: counted and logged; `distrust` when a bump may have been missed (see the module comment). */
function redisError(error: unknown, what: string, { distrust = false } = {}): void {
  metrics().cacheRedisErrors.inc()
  if (distrust) distrustUntil = Date.now() + env.CACHE_TTL_SECONDS * 1000
  if (warnNow()) {
    logger.warn({ err: error }, `cache: Redis ${what} failed; reading from the database (logged at most once a minute)`)
  }
}

/** Redis usable right now for the cache? (A client that is not connected fails at once; skip even that.) */
function usableRedis(): Redis | null {
  if (!env.CACHE_ENABLED) return null
  const redis = sharedRedis()
  if (redis.status !== 'ready') {
    if (!['connecting', 'connect', 'wait'].includes(redis.status))
      redisError(new Error(`Redis connection is ${redis.status}`), 'connection', { distrust: true })
    return null
  }
  return redis
}

type Lookup = { body: string | null; stamp: string }

async function lookup(redis: Redis, name: string, depNames: readonly string[]): Promise<Lookup> {
  const results = await withTimeout(
    redis
      .pipeline()
      .get(entryKey(name))
      .mget(...depNames.map(versionKey))
      .exec(),
    READ_TIMEOUT_MS,
  )
  if (!results) throw new Error('pipeline was not executed')
  for (const [error] of results) if (error) throw error
  const [entryResult, versionsResult] = results
  if (!entryResult || !versionsResult) throw new Error(`pipeline answered ${results.length} results for 2 commands`)
  const entry = entryResult[1] as string | null
  const versions = versionsResult[1] as (string | null)[]
  const stamp = versions.map((v) => v ?? '0').join(',')
  if (entry === null) return { body: null, stamp }
  const cut = entry.indexOf('\n')
  return { body: cut !== -1 && entry.slice(0, cut) === stamp ? entry.slice(cut + 1) : null, stamp }
}

/**
 * The text cached under `name` if it was computed under the current versions of `depNames`; otherwise
 * `load()`'s, stored for CACHE_TTL_SECONDS. `load` answers null for what must not be cached (not found,
 * not public): that is passed through uncached.
 */
export async function cachedText(
  name: string,
  depNames: readonly string[],
  load: () => Promise<string | null>,
): Promise<{ text: string | null; outcome: CacheOutcome }> {
  const redis = Date.now() < distrustUntil ? null : usableRedis()
  if (!redis) {
    metrics().cacheLookups.inc({ outcome: 'bypass' })
    return { text: await load(), outcome: 'bypass' }
  }
  let found: Lookup
  try {
    found = await lookup(redis, name, depNames)
  } catch (error) {
    redisError(error, 'read')
    metrics().cacheLookups.inc({ outcome: 'bypass' })
    return { text: await load(), outcome: 'bypass' }
  }
  if (found.body !== null) {
    metrics().cacheLookups.inc({ outcome: 'hit' })
    return { text: found.body, outcome: 'hit' }
  }
  metrics().cacheLookups.inc({ outcome: 'miss' })
  // One load per key and versions in this process; the first caller stores, the others share its answer.
  const flightKey = `${name}\n${found.stamp}`
  let flight = inFlight.get(flightKey)
  if (!flight) {
    flight = loadAndStore(redis, name, depNames, found.stamp, load).finally(() => inFlight.delete(flightKey))
    inFlight.set(flightKey, flight)
  }
  return { text: await flight, outcome: 'miss' }
}

async function loadAndStore(
  redis: Redis,
  name: string,
  depNames: readonly string[],
  stamp: string,
  load: () => Promise<string | null>,
): Promise<string | null> {
  let locked = true
  try {
    locked = (await withTimeout(redis.set(lockKey(name), '1', 'PX', LOCK_MS, 'NX'), READ_TIMEOUT_MS)) === 'OK'
  } catch (error) {
    redisError(error, 'lock')
  }
  if (!locked) {
    // Another process is loading this key: give it a moment, then load anyway (never wait long).
    const until = Date.now() + WAIT_FOR_OTHER_MS
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS))
      try {
        const again = await lookup(redis, name, depNames)
        if (again.body !== null) return again.body
        if (again.stamp !== stamp) break
      } catch (error) {
        redisError(error, 'read')
        break
      }
    }
  }
  const text = await load()
  if (text !== null) {
    try {
      await withTimeout(redis.set(entryKey(name), `${stamp}\n${text}`, 'EX', env.CACHE_TTL_SECONDS), READ_TIMEOUT_MS)
    } catch (error) {
      redisError(error, 'write')
    }
  }
  if (locked) redis.del(lockKey(name)).catch(() => {})
  return text
}

/** JSON values: `cachedText` for anything JSON can carry (undefined/null from `load` is not cached). */
export async function cachedJson<T>(
  name: string,
  depNames: readonly string[],
  load: () => Promise<T>,
): Promise<{ value: T; outcome: CacheOutcome }> {
  let loaded: { value: T } | null = null
  const { text, outcome } = await cachedText(name, depNames, async () => {
    const value = await load()
    loaded = { value }
    return value === undefined || value === null ? null : JSON.stringify(value)
  })
  if (loaded) return { value: (loaded as { value: T }).value, outcome }
  return { value: JSON.parse(text as string) as T, outcome }
}

/**
 * Invalidate: bump the counters. Never throws — a failure is logged (rate limited), makes this process
 * bypass the cache for one TTL, and is retried until Redis takes it (see the module comment).
 */
export async function bumpVersions(depNames: readonly string[]): Promise<void> {
  if (!env.CACHE_ENABLED || depNames.length === 0) return
  const redis = sharedRedis()
  try {
    // A process's first bump may come before its client has connected (the worker creates it on first use).
    if (redis.status !== 'ready' && !(await readyWithin(redis, CONNECT_WAIT_MS))) throw new Error(`Redis connection is ${redis.status}`)
    const pipeline = redis.pipeline()
    for (const dep of new Set(depNames)) pipeline.incr(versionKey(dep)).expire(versionKey(dep), VERSION_TTL_SECONDS)
    const results = await withTimeout(pipeline.exec(), BUMP_TIMEOUT_MS)
    for (const [error] of results ?? []) if (error) throw error
  } catch (error) {
    redisError(error, 'invalidation', { distrust: true })
    for (const dep of depNames) unbumped.add(dep)
    if (bumpRetry === null) {
      bumpRetry = setTimeout(() => {
        bumpRetry = null
        const retry = [...unbumped]
        unbumped.clear()
        void bumpVersions(retry)
      }, BUMP_RETRY_MS).unref()
    }
  }
}

const CONNECT_WAIT_MS = 1_000

function readyWithin(redis: Redis, ms: number): Promise<boolean> {
  if (!['connecting', 'connect', 'wait'].includes(redis.status)) return Promise.resolve(false)
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer)
      redis.off('ready', onReady)
      resolve(ready)
    }
    const onReady = () => done(true)
    const timer = setTimeout(() => done(false), ms)
    redis.once('ready', onReady)
  })
}

/**
 * Bump now and again once the request's transaction commits (src/services/afterCommit.ts). The first
 * bump stops entries computed under the old versions from being served; the second covers a reader that
 * took the new versions while the change was not yet committed and so stored the old rows under them.
 * The commit waits for the second bump, so the response of the write that changed the data is sent
 * after it.
 */
export async function bumpAfterCommit(req: Parameters<typeof afterCommit>[0], depNames: readonly string[]): Promise<void> {
  if (!env.CACHE_ENABLED) return
  await bumpVersions(depNames)
  const pending = await afterCommit(
    req,
    'cache',
    () => new Set<string>(),
    (deps) => bumpVersions([...deps]),
  )
  for (const dep of depNames) pending?.add(dep)
}

/** The header that tells a client (and the benchmark) how a cached route was answered. */
export const CACHE_HEADER = 'x-cache'

/**
 * A search page from the cache: keyed by the parsed criteria (so `?city=Paris&guests=2` and
 * `?guests=2&city=Paris` share an entry), stale on any listing, availability or photo change. Sets
 * `x-cache` on the REST answer (Payload merges `req.responseHeaders` into it).
 */
export async function cachedSearch<T>(req: { responseHeaders?: Headers }, criteria: unknown, load: () => Promise<T>): Promise<T> {
  const name = `search:${createHash('sha256').update(JSON.stringify(criteria)).digest('base64url')}`
  const { value, outcome } = await cachedJson(name, [deps.listings, deps.availability], load)
  req.responseHeaders ??= new Headers()
  req.responseHeaders.set(CACHE_HEADER, outcome)
  return value
}
