import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { getHeapStatistics } from 'node:v8'

import express from 'express'
import next from 'next'
import pg from 'pg'
import { pinoHttp } from 'pino-http'

import { CLIENT_IP_HEADER } from './lib/clientIp'
import { closeIfBodyUnread } from './lib/closeIfBodyUnread'
import { cors } from './lib/cors'
import { poolShares } from './lib/databasePools'
import { allowedOrigins, env, trustProxySetting } from './lib/env'
import { apiError, expressErrorHandler, sendError } from './lib/errorCodes'
import { drainConnections } from './lib/drainConnections'
import { createLogger } from './lib/logger'
import { withLogContext } from './lib/logContext'
import { metrics, metricsRefusal, watchPool, watchQueues } from './lib/metrics'
import { httpLabels } from './lib/routeTemplate'
import { limitBodySize } from './middleware/limitBodySize'
import { fastBookings } from './fastBookings'
import { fastSearch } from './fastSearch'
import { publicReads } from './publicReads'
import { securityHeaders } from './middleware/securityHeaders'
import { closeQueues, queue } from './services/queue'
import { QUEUE_NAMES } from './jobs/registry'
import { QUEUE_DASHBOARD_PATH, queueDashboard, requireStaffSession } from './services/queueDashboard'
import { checkReadiness } from './services/readiness'
import { redactUrl } from './lib/redactUrl'
import { requestGuard } from './lib/requestGuard'
import { closeSharedRedis, sharedRedis } from './services/redis'

/**
 * The Staybase web process: express serves its own operational routes first and hands everything else
 * (admin panel, REST, GraphQL, account pages) to Next, where Payload runs.
 */
const logger = createLogger('staybase', env.LOG_LEVEL, env.LOG_FORMAT)
const dev = env.NODE_ENV === 'development'

const REQUEST_ID = /^[\w.:-]{1,128}$/
/** How long an idle keep-alive connection stays open (above the 60 s idle timeout of common load balancers). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000

async function main(): Promise<void> {
  const nextApp = next({ dev, dir: process.cwd(), hostname: env.HOST, port: env.PORT })
  const handle = nextApp.getRequestHandler()
  await nextApp.prepare()

  // Our own one-connection pool for readiness probes. Payload keeps its own inside Next; the public read
  // fast path a pool of half as many as Payload's (src/lib/databasePools.ts).
  const readinessPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1, connectionTimeoutMillis: 2_000 })
  readinessPool.on('error', (error) => logger.warn({ err: error }, 'readiness pool error'))
  const fastReadsPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: poolShares().fastReads, connectionTimeoutMillis: 5_000 })
  fastReadsPool.on('error', (error) => logger.warn({ err: error }, 'fast read pool error'))
  watchPool('readiness', readinessPool)
  watchPool('fast_reads', fastReadsPool)
  // Every process reads the same counts from Redis; the web server's are there while no worker runs.
  watchQueues(() => Object.fromEntries(QUEUE_NAMES.map((name) => [name, queue(name)])))
  const redis = sharedRedis()
  let shuttingDown = false

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', trustProxySetting())
  app.use(closeIfBodyUnread)
  app.use(countRequests)

  app.use((req, res, nextMiddleware) => {
    const incoming = req.get('x-request-id')
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    req.headers['x-request-id'] = id
    res.setHeader('x-request-id', id)
    // Only this server decides who the client is; Payload's rate limits read this header.
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? 'unknown'
    res.setHeader('x-content-type-options', 'nosniff')
    // Everything that runs for this request from here on, Next and Payload's hooks included, logs its id.
    withLogContext({ reqId: id }, nextMiddleware)
  })
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => String(req.headers['x-request-id']),
      // A client error is expected: its access line is info, like the line with its code
      // (src/lib/errorCodes.ts). Only server errors are logged at error.
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      // Which answers express gave itself rather than Next (the fast paths): `"answeredBy":"express"`.
      customProps: (_req, res) =>
        (res as unknown as { locals?: { answeredBy?: string } }).locals?.answeredBy ? { answeredBy: 'express' } : {},
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/metrics' || Boolean(req.url?.startsWith('/_next/static/')),
      },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          ip: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  )

  app.use(securityHeaders({ serverUrl: env.SERVER_URL }))
  // Before anything can answer, so every answer — errors from express included — is readable by an allowed origin.
  app.use(cors(allowedOrigins))
  // GraphQL bodies have the same bound in src/lib/graphqlGuard.ts, which answers in GraphQL's error shape.
  const bodyLimit = limitBodySize()
  app.use((req, res, nextMiddleware) => (req.path === '/api/graphql' ? nextMiddleware() : bodyLimit(req, res, nextMiddleware)))

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })

  // Prometheus's scrape (src/lib/metrics.ts). Answered here for every method, never handed to Next.
  app.all('/metrics', async (req, res) => {
    const refusal = metricsRefusal(req.method, req.get('authorization'), env.METRICS_TOKEN)
    if (refusal) {
      for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value)
      return sendError(req, res, apiError(refusal.code, refusal.message))
    }
    const registry = metrics().registry
    res.setHeader('cache-control', 'no-store')
    res.type(registry.contentType).send(await registry.metrics())
  })

  app.get('/readyz', async (_req, res) => {
    res.setHeader('cache-control', 'no-store')
    if (shuttingDown) {
      res.status(503).json({ status: 'shutting_down', down: [] })
      return
    }
    const result = await checkReadiness(readinessPool, redis)
    res.status(result.ready ? 200 : 503).json({
      status: result.ready ? 'ok' : 'unavailable',
      checks: result.checks,
      down: result.down,
    })
  })

  app.use(QUEUE_DASHBOARD_PATH, requireStaffSession, queueDashboard())

  app.use('/api', requestGuard)
  // What the Next routes under /api do not answer in the API's error shape: /api itself (no route), and
  // GraphQL with a method other than POST (Next would answer an empty 405).
  app.all('/api/graphql', (req, res, nextMiddleware) => {
    if (req.method === 'POST' || req.method === 'OPTIONS') return nextMiddleware()
    res.setHeader('allow', 'POST, OPTIONS')
    sendError(
      req,
      res,
      apiError('METHOD_NOT_ALLOWED', 'GraphQL requests are POSTed to /api/graphql as application/json.', {
        data: { allow: ['POST', 'OPTIONS'] },
      }),
    )
  })
  app.all('/api', (req, res) =>
    sendError(
      req,
      res,
      apiError('NOT_FOUND', 'There is no API route /api: REST routes are /api/<collection>/…, GraphQL is POST /api/graphql.'),
    ),
  )
  // Anonymous public listing reads, from the cache or one SQL statement without Next; the rest falls through.
  // Bookings by signed-in guests and hosts, without Next (src/fastBookings.ts); the rest falls through.
  app.use(
    '/api/bookings',
    fastBookings({ enabled: env.FAST_BOOKINGS, onError: (error, req) => req.log.error({ err: error }, 'booking fast path failed') }),
  )
  // Search, for everyone, without Next (src/fastSearch.ts).
  app.use(
    '/api/properties/search',
    fastSearch({ enabled: env.FAST_SEARCH, onError: (error, req) => req.log.error({ err: error }, 'search fast path failed') }),
  )
  app.use(
    '/api/properties',
    publicReads({
      enabled: env.FAST_PUBLIC_READS,
      pool: fastReadsPool,
      onError: (error) => logger.warn({ err: error }, 'public read fast path failed; Next answers'),
    }),
  )
  app.all('/{*splat}', (req, res) => handle(req, res))
  app.use(expressErrorHandler)

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s))
  })
  const connections = drainConnections(server)
  // Node closes an idle keep-alive connection after 5 s. A client (or proxy) that picks that connection
  // for its next request just as it closes gets a reset — the request never arrives (fetch: "EPIPE",
  // "other side closed"). Clients reuse a connection until shortly before the server's advertised
  // `Keep-Alive: timeout`, so a long idle timeout makes that race rare; keep it above a proxy's own.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000
  // The heap ceiling as V8 applies it: SERVER_HEAP_MB for the old generation (src/lib/serverHeap.ts) plus the young one.
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20)
  logger.info({ url: env.SERVER_URL, port: env.PORT, dev, heapLimitMb }, `Staybase listening on ${env.HOST}:${env.PORT}`)
  if (!env.STRIPE_SECRET_KEY || !env.STRIPE_WEBHOOK_SECRET) {
    logger.warn('STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET is not set: bookings cannot be paid (payment endpoints answer 503)')
  }

  const shutdown = async (signal: string) => {
    if (shuttingDown) return
    shuttingDown = true
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests')
    const deadline = env.SHUTDOWN_TIMEOUT_MS
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting')
      process.exit(1)
    }, deadline + 5_000).unref()

    // New connections are refused from here on; what is under way finishes (SHUTDOWN_TIMEOUT_MS at most).
    if ((await connections.drain(deadline)) === 'forced') logger.warn('in-flight requests still open at the deadline; closed them')

    await Promise.allSettled([
      bounded(closePayload(), 3_000),
      bounded(nextApp.close(), 3_000),
      bounded(readinessPool.end(), 3_000),
      bounded(fastReadsPool.end(), 3_000),
      bounded(closeSharedRedis(), 3_000),
      bounded(closeQueues(), 3_000),
    ])
    logger.info('shutdown complete')
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}

/** Probes and scrapes are not counted: they would dominate an idle server's rate and say nothing about users. */
const UNCOUNTED = new Set(['/healthz', '/readyz', '/metrics'])

/**
 * Every request into `staybase_http_request_duration_seconds` when its answer is finished (or 499
 * when the client hung up first), under its route template — never its raw path (src/lib/routeTemplate.ts).
 */
function countRequests(req: express.Request, res: express.Response, nextMiddleware: express.NextFunction): void {
  const started = performance.now()
  const { httpDuration } = metrics()
  let finished = false
  const observe = (status: number) => {
    const labels = httpLabels(req.method, req.originalUrl, status)
    if (UNCOUNTED.has(labels.route)) return
    httpDuration.observe(labels, (performance.now() - started) / 1000)
  }
  res.once('finish', () => {
    finished = true
    observe(res.statusCode)
  })
  res.once('close', () => {
    if (!finished) observe(499)
  })
  nextMiddleware()
}

function bounded(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())])
}

/** Payload caches its instance (and its pool) on globalThis; close it if Next ever created it. */
async function closePayload(): Promise<void> {
  const cache = (globalThis as { _payload?: Map<string, { payload?: { destroy: () => Promise<void> } | null }> })._payload
  const payload = cache?.get('default')?.payload
  if (payload) await payload.destroy()
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'failed to start')
  process.exit(1)
})
