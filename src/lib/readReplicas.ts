import { drizzle } from '@payloadcms/db-postgres/drizzle/node-postgres'
import pg from 'pg'
import type {
  BaseDatabaseAdapter,
  CollectionBeforeOperationHook,
  CollectionConfig,
  DatabaseAdapterObj,
  PayloadRequest,
  RequestContext,
} from 'payload'

/**
 * Read replicas (DATABASE_REPLICA_URLS) for the reads that may lag: the reports (the host's months, the
 * staff dashboard) and the admin panel's list views. Everything else stays on the primary.
 *
 * Why not the adapter's own `readReplicas` option: it sends every select outside a transaction to a
 * replica (drizzle's withReplicas), and keeps the primary only for 2 s after a write made by the same
 * process. Search, availability, a booking read right after it was made, and any read after a write in
 * another process (the worker, another web process) would then read a replica that may not have the
 * write yet: a guest could book dates a replica still shows free, or not see the booking just made.
 *
 * So Payload keeps its primary pool and this wraps three read methods of its adapter (find, count,
 * queryDrafts). A call goes to a replica only when its request asks for it:
 *  - `fromReplica` (a report's Local API call adds it to its options), or
 *  - an admin list view's query: the only caller that passes `includeLockStatus: true`, which a
 *    beforeOperation hook turns into a mark on the request for that query (listViewsFromReplica).
 * and never inside a transaction, nor for a user who wrote through this process within the last
 * READ_YOUR_WRITES_MS (a list reloaded after a bulk delete shows the delete). A replica that fails a
 * query (down, or the query cancelled by recovery) is logged, the primary answers, and that replica is
 * left alone for REPLICA_REST_MS, so an outage costs one slow request, not a timeout on every page.
 */

const FROM_REPLICA = 'staybase.fromReplica'
const LIST_VIEW_QUERIES = 'staybase.listViewQueries'

/**
 * Options for a Local API read that may come from a replica: `payload.find({ ..., ...fromReplica() })`.
 * A new object each call: Payload uses a Local API call's `context` as its request's context itself (not
 * a copy) when there is no `req`, and hooks write flags into it, which would leak into every later call.
 */
export function fromReplica(): { context: RequestContext } {
  return { context: { [FROM_REPLICA]: true } }
}

/** Longer than replication normally lags behind on a healthy replica (well under a second). */
export const READ_YOUR_WRITES_MS = 5_000

const REPLICA_REST_MS = 30_000

type Req = Partial<PayloadRequest> | undefined
type ReadArgs = { req?: Req }
type ReadMethod = (this: BaseDatabaseAdapter, args: ReadArgs) => Promise<unknown>
type WriteArgs = { req?: Req; collection?: string; collectionSlug?: string }
type WriteMethod = (this: BaseDatabaseAdapter, args: WriteArgs) => Promise<unknown>

const READS = ['find', 'count', 'queryDrafts'] as const
const WRITES = ['create', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'upsert', 'createVersion', 'updateVersion'] as const

export type ReplicaOptions = {
  urls: string[]
  /** Connections per replica, opened on first use. */
  poolMax: number
  onError: (error: unknown, url: string) => void
}

/** The database adapter with replica reads for the requests that ask for them; the adapter itself without URLs. */
export function withReadReplicas<T extends BaseDatabaseAdapter>(
  result: DatabaseAdapterObj<T>,
  options: ReplicaOptions,
): DatabaseAdapterObj<T> {
  if (options.urls.length === 0) return result
  return {
    ...result,
    init: (args) => {
      const adapter = result.init(args)
      routeReads(adapter, options)
      return adapter
    },
  }
}

function routeReads(adapter: BaseDatabaseAdapter, { urls, poolMax, onError }: ReplicaOptions): void {
  const methods = adapter as unknown as Record<string, ReadMethod & WriteMethod>
  const lastWriteBy = new Map<string, number>()

  // A replica's view of the adapter: the same tables and schema, queries sent through the replica's pool.
  // Built on first use, so processes that never read a report (the worker) open no replica connection.
  let replicas: { url: string; view: BaseDatabaseAdapter; restUntil: number }[] | null = null
  const replicaViews = () => {
    replicas ??= urls.map((url) => {
      const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 5_000 })
      pool.on('error', (error) => onError(error, url))
      const schema = (adapter as unknown as { schema: Record<string, unknown> }).schema
      const view = Object.create(adapter) as BaseDatabaseAdapter & { drizzle: unknown }
      view.drizzle = drizzle({ client: pool, schema })
      return { url, view, restUntil: 0 }
    })
    return replicas
  }

  for (const name of WRITES) {
    const write = methods[name]
    if (!write) continue
    methods[name] = async function (this: BaseDatabaseAdapter, args: WriteArgs) {
      try {
        return await write.call(this, args)
      } finally {
        // Payload's own collections (preferences, which a list view saves before it queries; edit
        // locks) are the panel's state, not data a list or report shows.
        if (!(args.collection ?? args.collectionSlug ?? '').startsWith('payload-')) noteWrite(lastWriteBy, args.req)
      }
    }
  }

  for (const name of READS) {
    const read = methods[name]
    if (!read) continue
    methods[name] = async function (this: BaseDatabaseAdapter, args: ReadArgs) {
      if (!mayReadReplica(args.req, lastWriteBy)) return read.call(this, args)
      const now = Date.now()
      const up = replicaViews().filter((r) => r.restUntil <= now)
      const replica = up[Math.floor(Math.random() * up.length)]
      if (!replica) return read.call(this, args)
      try {
        return await read.call(replica.view, args)
      } catch (error) {
        replica.restUntil = Date.now() + REPLICA_REST_MS
        onError(error, replica.url)
        return read.call(this, args)
      }
    }
  }
}

/** A replica's URL for the log, without its password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = 'redacted'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

function userKey(req: Req): string | null {
  const user = req?.user as { id?: unknown; collection?: unknown } | null | undefined
  return user?.id === undefined ? null : `${String(user.collection)}:${String(user.id)}`
}

function noteWrite(lastWriteBy: Map<string, number>, req: Req): void {
  const key = userKey(req)
  if (!key) return
  const now = Date.now()
  lastWriteBy.set(key, now)
  // Only the last few seconds matter; forget the rest so the map stays as small as the active writers.
  if (lastWriteBy.size > 1_000) {
    for (const [k, at] of lastWriteBy) if (now - at > READ_YOUR_WRITES_MS) lastWriteBy.delete(k)
  }
}

function mayReadReplica(req: Req, lastWriteBy: Map<string, number>): boolean {
  if (!req?.context) return false
  const asked = req.context[FROM_REPLICA] === true || Number(req.context[LIST_VIEW_QUERIES] ?? 0) > 0
  if (!asked || req.transactionID) return false
  const key = userKey(req)
  const wrote = key ? lastWriteBy.get(key) : undefined
  return wrote === undefined || Date.now() - wrote > READ_YOUR_WRITES_MS
}

/**
 * Marks an admin list view's query (and only it) as one that may read a replica. The list view is the one
 * caller of `find` with `includeLockStatus: true` (@payloadcms/next views/List); the mark is a count on the
 * request, taken back when the operation ends, so the request's other reads stay on the primary.
 */
const markListViewQuery: CollectionBeforeOperationHook = ({ args, operation, req }) => {
  if (operation === 'read' && (args as { includeLockStatus?: boolean }).includeLockStatus === true) {
    req.context[LIST_VIEW_QUERIES] = Number(req.context[LIST_VIEW_QUERIES] ?? 0) + 1
    ;(args as { [LIST_VIEW_QUERIES]?: true })[LIST_VIEW_QUERIES] = true
  }
  return args
}

/** The collection with its admin list view's query marked for a replica (see markListViewQuery). */
export function listViewsFromReplica(collection: CollectionConfig): CollectionConfig {
  return {
    ...collection,
    hooks: {
      ...collection.hooks,
      beforeOperation: [...(collection.hooks?.beforeOperation ?? []), markListViewQuery],
      afterOperation: [
        ...(collection.hooks?.afterOperation ?? []),
        ({ args, operation, req, result }) => {
          if (operation === 'find' && (args as { [LIST_VIEW_QUERIES]?: true })[LIST_VIEW_QUERIES]) {
            req.context[LIST_VIEW_QUERIES] = Math.max(0, Number(req.context[LIST_VIEW_QUERIES] ?? 1) - 1)
          }
          return result
        },
      ],
    },
  }
}
