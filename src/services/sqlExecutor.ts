import type { Payload, PayloadRequest } from 'payload'

import type { ReqInTransaction } from './transaction'

import { type SQL, sql } from '@payloadcms/db-postgres/drizzle'

export type SqlExecutor = { execute: (query: SQL) => Promise<{ rows: Record<string, unknown>[] }> }

/**
 * Raw SQL for the few things Payload's query API cannot say (calendar locks and constraints, search,
 * idempotency records). With a request inside a transaction, the statement joins that transaction.
 */
export async function sqlExecutor(payload: Payload, req?: PayloadRequest): Promise<SqlExecutor> {
  const adapter = payload.db as unknown as { sessions: Record<string, { db: SqlExecutor }>; drizzle: SqlExecutor }
  const id = req ? await openTransactionID({ transactionID: req.transactionID, payload }) : null
  return id === null ? adapter.drizzle : adapter.sessions[id]!.db
}

export type TransactionRequest = { transactionID?: number | string | Promise<number | string> | null; payload: { db: unknown } }

/**
 * The id of the request's open transaction in Payload's database adapter (its `sessions`), or null
 * when it has none (never begun, or already committed or rolled back).
 */
export async function openTransactionID(req: TransactionRequest): Promise<string | null> {
  const id = req.transactionID instanceof Promise ? await req.transactionID : req.transactionID
  if (id === undefined || id === null) return null
  return (req.payload.db as { sessions?: Record<string, unknown> }).sessions?.[String(id)] ? String(id) : null
}

/**
 * A transaction-scoped advisory lock on (namespace, id): held until the request's transaction ends.
 * Each namespace names one kind of serialisation (a listing's calendar, a booking's payment, …).
 */
export async function lockUntilCommit(req: ReqInTransaction, namespace: string, id: number): Promise<void> {
  await (await sqlExecutor(req.payload, req)).execute(sql`SELECT ${advisoryXactLock(namespace, id)}`)
}

/** The same lock as an expression, for a statement that takes it itself (in a CTE the rest selects from). */
export const advisoryXactLock = (namespace: string, id: number): SQL => sql`pg_advisory_xact_lock(hashtext(${namespace}), ${id})`
