import nextEnv from '@next/env'
import { EnvError, bool, cleanEnv, defaultReporter, makeValidator, num, port, str, url } from 'envalid'

import { DEFAULT_SERVER_HEAP_MB, serverHeapMb } from './serverHeap'

// Same .env loading as Next and the Payload CLI (.env.local, .env.$NODE_ENV, .env; real variables win),
// so `npm start`, the worker and scripts see the settings the app sees.
nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV === 'development', { info: () => {}, error: console.error })

/**
 * Every setting Staybase reads, validated once. A missing or malformed variable stops the process with
 * one message that lists every problem (envalid's reporter), instead of failing later at first use.
 * `.env.example` documents each of them.
 */

const secret = makeValidator<string>((value) => {
  if (typeof value !== 'string' || value.length < 32) {
    throw new Error('must be at least 32 characters (e.g. `openssl rand -hex 32`)')
  }
  return value
})

const postgresUrl = makeValidator<string>((value) => {
  if (!/^postgres(ql)?:\/\//.test(value)) throw new Error('must be a postgres:// connection URL')
  return value
})

/** Comma-separated postgres:// URLs (read replicas); empty = none. */
const postgresUrlList = makeValidator<string[]>((value) => {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const item of items) {
    if (!/^postgres(ql)?:\/\//.test(item)) throw new Error(`"${item.replace(/\/\/[^@/]*@/, '//…@')}" is not a postgres:// connection URL`)
  }
  return items
})

const redisUrl = makeValidator<string>((value) => {
  if (!/^rediss?:\/\//.test(value)) throw new Error('must be a redis:// or rediss:// URL')
  return value
})

const positiveInt = makeValidator<number>((value) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error('must be a positive integer')
  return n
})

const serverHeap = makeValidator<number>((value) => serverHeapMb(value))

/** A cache entry's life: version counters live 24 h, so an entry must expire long before its counters. */
const cacheTtlSeconds = makeValidator<number>((value) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 3600) throw new Error('must be a whole number of seconds from 1 to 3600')
  return n
})

// Trusting every hop would let any client choose the IP its rate limits are counted under.
const trustProxy = makeValidator<string>((value) => {
  if (value.trim() === 'true') {
    throw new Error('"true" trusts any X-Forwarded-For a client sends; give a hop count or the proxy addresses (e.g. loopback, 10.0.0.0/8)')
  }
  return value
})

const nonNegativeInt = makeValidator<number>((value) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error('must be a whole number, 0 or more')
  return n
})

/** A port to listen on, where 0 asks the system for a free one (tests run several workers at once). */
const listenPort = makeValidator<number>((value) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('must be a port number from 0 (any free port) to 65535')
  return n
})

/** The bearer token of /metrics: long and without spaces (it travels in a header); empty turns /metrics off. */
const metricsToken = makeValidator<string>((value) => {
  if (value === '') return value
  if (!/^[\x21-\x7e]{16,}$/.test(value))
    throw new Error('must be at least 16 visible ASCII characters without spaces (e.g. `openssl rand -hex 24`)')
  return value
})

const positiveNumber = makeValidator<number>((value) => {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error('must be a positive number')
  return n
})

/** Comma-separated list of absolute origins (scheme://host[:port]), no paths. */
const originList = makeValidator<string[]>((value) => {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const item of items) {
    let parsed: URL
    try {
      parsed = new URL(item)
    } catch {
      throw new Error(`"${item}" is not an absolute URL`)
    }
    if (parsed.origin !== item.replace(/\/$/, '')) {
      throw new Error(`"${item}" must be an origin (scheme://host[:port]) without a path`)
    }
  }
  return items.map((s) => s.replace(/\/$/, ''))
})

/**
 * The base URL of a guest-facing frontend: http(s), no query or fragment; a path is kept (a frontend may
 * live under one), a trailing slash dropped, so `${FRONTEND_URL}/account/verify` is always one slash.
 */
const frontendUrl = makeValidator<string>((value) => {
  let parsed: URL
  try {
    parsed = new URL(value.trim())
  } catch {
    throw new Error(`"${value}" is not an absolute URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('must be an http:// or https:// URL')
  if (parsed.search || parsed.hash || value.includes('?') || value.includes('#')) throw new Error('must not have a query or fragment')
  if (parsed.username || parsed.password) throw new Error('must not contain credentials')
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`
})

// `next build` and code generation (types, import map) import the Payload config but never connect to
// anything, so they run without real settings (a fresh clone, a Docker build). Every running process
// validates for real.
const needsNoConnections = process.env.NEXT_PHASE === 'phase-production-build' || process.env.STAYBASE_CODEGEN === '1'

// `NAME=` (as in a copied .env.example) means "not set": use the default, or report it as missing.
const given: Record<string, string | undefined> = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ''))
// envalid applies dev defaults only when told it is not production.
given.NODE_ENV ??= 'development'

const source: Record<string, string | undefined> = needsNoConnections
  ? {
      DATABASE_URL: 'postgres://build@localhost/build',
      PAYLOAD_SECRET: 'build-time-placeholder-secret-not-used-at-runtime',
      SERVER_URL: 'http://localhost:3000',
      SMTP_HOST: 'localhost',
      ...given,
    }
  : given

export const env = cleanEnv(source, {
  NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
  DATABASE_URL: postgresUrl({ desc: 'PostgreSQL connection URL' }),
  // Applied by whoever starts the server (node --max-old-space-size, src/lib/serverHeap.ts); checked here.
  SERVER_HEAP_MB: serverHeap({ default: DEFAULT_SERVER_HEAP_MB, desc: "The web server's V8 heap ceiling in MB" }),
  DATABASE_POOL_MAX: positiveInt({ default: 10, desc: 'Connections per process in the Payload pool' }),
  DATABASE_REPLICA_URLS: postgresUrlList({
    default: [],
    desc: 'Read replicas for the reports and admin list views only (src/lib/readReplicas.ts); empty = all reads on the primary',
  }),
  MIGRATE_ON_START: bool({
    default: true,
    desc: 'Apply pending migrations when the web server starts (npm start, the Docker CMD); false where a release step runs them once (scripts/deploy.sh)',
  }),
  DATABASE_PUSH: bool({
    default: false,
    desc: 'Let Payload push schema changes without migrations (throw-away local databases only)',
  }),
  REDIS_URL: redisUrl({ default: 'redis://127.0.0.1:6379' }),
  REDIS_PREFIX: str({ default: 'staybase:', desc: 'Prefix of every Redis key, so deployments can share a Redis' }),
  CACHE_ENABLED: bool({ default: true, desc: 'Cache public listing reads and search pages in Redis (src/services/cache.ts)' }),
  FAST_BOOKINGS: bool({
    default: true,
    desc: 'Answer POST /api/bookings from signed-in guests and hosts in express (src/fastBookings.ts) instead of through Next',
  }),
  FAST_SEARCH: bool({ default: true, desc: 'Answer GET /api/properties/search in express (src/fastSearch.ts) instead of through Next' }),
  FAST_PUBLIC_READS: bool({
    default: true,
    desc: 'Answer anonymous public listing reads in express (src/publicReads.ts) instead of through Next',
  }),
  CACHE_TTL_SECONDS: cacheTtlSeconds({
    default: 60,
    desc: 'Longest life of a cache entry (at most 3600: version counters live 24 h); invalidation is by version bumps, this bounds what it could miss',
  }),
  SESSION_CACHE_TTL_SECONDS: nonNegativeInt({
    default: 300,
    desc: 'How long Redis keeps a signed-in user for the auth check (src/services/sessionCache.ts); 0 turns the cache off',
  }),
  PAYLOAD_SECRET: secret({ desc: 'Signs auth tokens and encrypts API keys' }),
  SERVER_URL: url({ devDefault: 'http://localhost:3000', desc: 'Public base URL; links in mail point here' }),
  PORT: port({ default: 3000 }),
  HOST: str({ default: '0.0.0.0' }),
  TRUST_PROXY: trustProxy({
    default: 'false',
    desc: "Express 'trust proxy' setting: false, a hop count, or the proxies' addresses/subnets",
  }),
  CORS_ORIGINS: originList({ default: [], desc: 'Extra browser origins allowed to call the API' }),
  AUTH_RATE_LIMIT_PER_MINUTE: positiveInt({ default: 20 }),
  SMTP_HOST: str({ devDefault: '127.0.0.1' }),
  SMTP_PORT: port({ default: 587 }),
  SMTP_SECURE: bool({ default: false, desc: 'true for implicit TLS (port 465)' }),
  SMTP_USER: str({ default: '' }),
  SMTP_PASS: str({ default: '' }),
  MAIL_FROM: str({ default: 'no-reply@staybase.local', desc: 'Sender address of every mail' }),
  MAIL_FROM_NAME: str({ default: 'Staybase' }),
  COOKIE_SECURE: bool({
    default: given.NODE_ENV === 'production' || /^https:/i.test(given.SERVER_URL ?? ''),
    desc: 'Send auth cookies over HTTPS only (default: on in production or with an https SERVER_URL)',
  }),
  COOKIE_SAMESITE: str({
    choices: ['lax', 'strict', 'none'],
    default: 'lax',
    desc: 'SameSite of the auth cookie; none (a frontend on another site) needs secure cookies',
  }),
  FRONTEND_URL: frontendUrl({
    default: '',
    desc: "Guest-facing frontend: guests' mail links point here (/account/verify, /account/reset-password, /bookings/:id); empty = Staybase's own pages",
  }),
  LOG_FORMAT: str({
    choices: ['json', 'pretty'],
    default: given.NODE_ENV === 'production' ? 'json' : 'pretty',
  }),
  SERVICE_FEE_PERCENT: num({ default: 12, desc: 'Guest service fee, percent of (nights − discount + cleaning)' }),
  BOOKING_HOLD_MINUTES: positiveNumber({
    default: 15,
    desc: 'How long an instant booking holds the dates unpaid (minutes, may be fractional)',
  }),
  BOOKING_SWEEP_MINUTES: positiveNumber({ default: 60, desc: 'How often the worker sweeps for overdue holds and finished stays' }),
  MEDIA_DIR: str({ default: 'media', desc: 'Where uploads are stored when S3 is not configured' }),
  MAX_UPLOAD_MB: positiveInt({ default: 10 }),
  S3_BUCKET: str({ default: '', desc: 'Store uploads in this S3 bucket instead of MEDIA_DIR' }),
  S3_REGION: str({ default: 'us-east-1' }),
  S3_ENDPOINT: str({ default: '', desc: 'For S3-compatible stores (MinIO, R2, …)' }),
  S3_ACCESS_KEY_ID: str({ default: '' }),
  S3_SECRET_ACCESS_KEY: str({ default: '' }),
  S3_FORCE_PATH_STYLE: bool({ default: false }),
  S3_PREFIX: str({ default: '', desc: 'Key prefix (folder) inside the bucket' }),
  STRIPE_SECRET_KEY: str({
    default: '',
    desc: 'Stripe secret key (sk_test_… in test mode); without it payments answer 503 and reconciliation is off',
  }),
  STRIPE_WEBHOOK_SECRET: str({
    default: '',
    desc: 'Signing secret of the webhook endpoint (whsec_…), from the dashboard or `stripe listen`',
  }),
  STRIPE_API_HOST: str({ default: '', desc: 'Point the Stripe SDK at another host (a local stand-in); empty = api.stripe.com' }),
  STRIPE_API_PORT: str({ default: '', desc: 'Port for STRIPE_API_HOST' }),
  STRIPE_API_PROTOCOL: str({ choices: ['', 'http', 'https'], default: '', desc: 'Protocol for STRIPE_API_HOST' }),
  JOB_RETRY_DELAY_MS: positiveInt({ default: 5_000, desc: 'First retry delay of a failed job; doubles on each attempt' }),
  WORKER_QUEUES: str({
    default: '',
    desc: 'Comma-separated queues this worker processes (booking-lifecycle, payments, mail, calendar-sync); empty = all',
  }),
  JOB_LOCK_SECONDS: positiveInt({
    default: 30,
    desc: 'How long a job stays claimed by a worker that stopped answering (a crash) before another takes it over',
  }),
  REVIEW_WINDOW_DAYS: positiveInt({ default: 14, desc: 'Days after check-out during which guest and host may review each other' }),
  MESSAGE_MAIL_DELAY_MINUTES: positiveNumber({
    default: 5,
    desc: 'A new booking message mails the other side after this many minutes (may be fractional), with every message of the burst they have not read',
  }),
  MESSAGE_RATE_LIMIT_PER_MINUTE: positiveInt({
    default: 10,
    desc: 'Booking messages one user may send per minute (429 RATE_LIMITED beyond)',
  }),
  RECONCILE_EVERY_MINUTES: positiveNumber({ default: 15, desc: 'How often the worker reconciles payments with Stripe' }),
  RECONCILE_LOOKBACK_HOURS: positiveNumber({
    default: 72,
    desc: 'How far back each reconciliation run compares PaymentIntents and refunds',
  }),
  REFUND_RECOVERY_DAYS: positiveInt({
    default: 120,
    desc: 'Reconciliation refunds cancellations (and money taken for lost bookings) whose refund never reached Stripe for this many days; Stripe refunds card charges up to 180 days old',
  }),
  METRICS_TOKEN: metricsToken({
    default: '',
    desc: 'Bearer token of GET /metrics on the web server and the worker; empty: /metrics answers 404',
  }),
  WORKER_METRICS_PORT: listenPort({
    default: 9464,
    desc: "Port of the worker's /metrics and /healthz (0: any free port, logged at start)",
  }),
  LOG_LEVEL: str({
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
  }),
  CALENDAR_SYNC_MINUTES: positiveNumber({
    default: 15,
    desc: 'How often the worker fetches every imported calendar feed (minutes, may be fractional)',
  }),
  CALENDAR_FETCH_TIMEOUT_MS: positiveInt({
    default: 10_000,
    desc: 'Longest time one feed fetch may take, redirects, headers and body together (src/services/calendarFetch.ts)',
  }),
  CALENDAR_MAX_BYTES: positiveInt({
    default: 2_097_152,
    desc: 'Largest feed body read (after decompression); a bigger feed fails with FEED_TOO_LARGE',
  }),
  CALENDAR_FEEDS_ALLOW_PRIVATE: bool({
    default: false,
    desc: 'Let feed URLs point at localhost and private addresses (tests serving fixtures on 127.0.0.1 only); refused in production',
  }),
  SHUTDOWN_TIMEOUT_MS: num({ default: 10_000, desc: 'How long in-flight requests (web) and running jobs (worker) may finish on SIGTERM' }),
})

// Browsers drop a `SameSite=None` cookie that is not `Secure`: logins would seem to work and every next
// request would be signed out. Refused at start, in envalid's words, instead.
const cookieProblem = sameSiteProblem(env.COOKIE_SAMESITE, env.COOKIE_SECURE)
if (cookieProblem) defaultReporter({ errors: { COOKIE_SAMESITE: new EnvError(cookieProblem) }, env })

// A feed URL is fetched by the server, so letting it reach internal addresses would let any host probe
// the deployment's own network (cloud metadata, Redis, admin ports). Only tests may turn the check off.
const privateFeedsProblem = allowPrivateFeedsProblem(env.NODE_ENV, env.CALENDAR_FEEDS_ALLOW_PRIVATE)
if (privateFeedsProblem) defaultReporter({ errors: { CALENDAR_FEEDS_ALLOW_PRIVATE: new EnvError(privateFeedsProblem) }, env })

export function allowPrivateFeedsProblem(nodeEnv: string, allowPrivate: boolean): string | null {
  if (nodeEnv === 'production' && allowPrivate) {
    return 'must not be true in production: calendar feeds would be fetched from localhost and private networks (it is for tests serving fixtures on 127.0.0.1)'
  }
  return null
}

export function sameSiteProblem(sameSite: string, secure: boolean): string | null {
  if (sameSite === 'none' && !secure) {
    return '"none" needs secure cookies (browsers drop SameSite=None cookies without Secure): use an https SERVER_URL or set COOKIE_SECURE=true'
  }
  return null
}

/** Payload's `auth.cookies` for the users collection. */
export const authCookies = {
  secure: env.COOKIE_SECURE,
  sameSite: ({ lax: 'Lax', strict: 'Strict', none: 'None' } as const)[env.COOKIE_SAMESITE as 'lax' | 'strict' | 'none'],
}

/** The origins allowed for CORS and CSRF: our own public URL, the frontend of FRONTEND_URL and CORS_ORIGINS. */
export const allowedOrigins = [
  ...new Set([new URL(env.SERVER_URL).origin, ...(env.FRONTEND_URL ? [new URL(env.FRONTEND_URL).origin] : []), ...env.CORS_ORIGINS]),
]

/** Express's `trust proxy` accepts booleans, hop counts and address lists. */
export function trustProxySetting(): false | number | string {
  const raw = env.TRUST_PROXY.trim()
  if (raw === 'false' || raw === '') return false
  if (/^\d+$/.test(raw)) return Number(raw)
  return raw
}
