import { env } from './env'

/**
 * The web process's database connections, from DATABASE_POOL_MAX: Payload's pool (its instance inside
 * Next: admin, REST, GraphQL, search, bookings) keeps all DATABASE_POOL_MAX, and the public read fast
 * path (src/publicReads.ts, one short statement per listing read) gets half as many again (at least
 * one); /readyz one more. Payload's pool is not cut: a request's transaction holds one connection while
 * its hooks may take another, and at 3 connections (a split of 5) concurrent writes exhausted the pool
 * and hung (tests/int/cache.test.ts). Every other process (worker, migrations, scripts) has one Payload
 * pool of DATABASE_POOL_MAX.
 */
export function poolShares(max: number = env.DATABASE_POOL_MAX): { payload: number; fastReads: number } {
  return { payload: max, fastReads: Math.max(1, Math.floor(max / 2)) }
}

/** The `max` of Payload's pool in this process. */
export function payloadPoolMax(): number {
  return poolShares().payload
}

/**
 * Connections per read replica in each process that reads reports or list views (DATABASE_REPLICA_URLS,
 * opened on first use): half of DATABASE_POOL_MAX, at least one. Those reads are few and short, and the
 * replica's max_connections is shared by every process.
 */
export function replicaPoolMax(max: number = env.DATABASE_POOL_MAX): number {
  return Math.max(1, Math.floor(max / 2))
}
