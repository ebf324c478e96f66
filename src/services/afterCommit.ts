import type { Payload } from 'payload'

import { type TransactionRequest, openTransactionID } from './sqlExecutor'

/**
 * Work that must wait for a transaction's COMMIT — a cache bump, dropping a cached session — so that a
 * reader cannot fetch the old rows after the work was done. Each kind of work keeps one state per
 * transaction (the cache: which counters to bump; sessions: which users to drop), created on first use
 * and run right after the commit, before the request that committed goes on (its response is sent
 * after it). A rollback drops it: nothing changed.
 *
 * Commits are caught at the database adapter (`commitTransaction`), where every commit passes: Payload's
 * operations, `commitTransaction(req)` and our own `inTransaction`.
 */
type Task = { state: unknown; run: (state: never) => Promise<void> }
type Adapter = Payload['db'] & { [PENDING]?: Map<string, Map<string, Task>> }

const PENDING = Symbol.for('staybase.afterCommit')

/**
 * This transaction's state for the kind of work `kind`, made by `init` and registered to be `run` after
 * the commit the first time it is asked for. Null when the request has no open transaction: the caller
 * does its work now (there is no later commit to wait for).
 */
export async function afterCommit<S>(
  req: TransactionRequest,
  kind: string,
  init: () => S,
  run: (state: S) => Promise<void>,
): Promise<S | null> {
  const id = await openTransactionID(req)
  if (id === null) return null
  const pending = tasksOf(req.payload.db as Adapter)
  let tasks = pending.get(id)
  if (!tasks) {
    tasks = new Map()
    pending.set(id, tasks)
  }
  let task = tasks.get(kind)
  if (!task) {
    task = { state: init(), run: run as Task['run'] }
    tasks.set(kind, task)
  }
  return task.state as S
}

/** The adapter's registry, installed with its commit and rollback wrappers on first use. */
function tasksOf(db: Adapter): Map<string, Map<string, Task>> {
  const existing = db[PENDING]
  if (existing) return existing
  const pending = new Map<string, Map<string, Task>>()
  db[PENDING] = pending
  const commit = db.commitTransaction.bind(db)
  db.commitTransaction = async (id) => {
    const transactionID = String(id instanceof Promise ? await id : id)
    await commit(transactionID)
    const tasks = pending.get(transactionID)
    if (!tasks) return
    pending.delete(transactionID)
    // Each task handles its own failures (they are best effort: caches fall back, sessions distrust).
    for (const { state, run } of tasks.values()) await run(state as never)
  }
  const rollback = db.rollbackTransaction.bind(db)
  db.rollbackTransaction = async (id) => {
    const transactionID = id instanceof Promise ? await id : id
    pending.delete(String(transactionID))
    await rollback(transactionID)
  }
  return pending
}
