import { type PayloadRequest, commitTransaction, initTransaction, killTransaction } from 'payload'

/**
 * A request whose database transaction the service joins: what it reads, writes and locks commits or
 * rolls back with the caller's (a hook passes its own; a job makes one with createLocalReq and opens it
 * with inTransaction). Services that join the caller's transaction take this as their first argument;
 * the others take `payload`.
 */
export type ReqInTransaction = PayloadRequest

/**
 * Run `work` in the request's database transaction: joins the one already open (the caller commits it),
 * or opens, commits and on error rolls back its own.
 */
export async function inTransaction<T>(req: ReqInTransaction, work: () => Promise<T>): Promise<T> {
  const shouldCommit = await initTransaction(req)
  try {
    const result = await work()
    if (shouldCommit) await commitTransaction(req)
    return result
  } catch (error) {
    if (shouldCommit) await killTransaction(req)
    throw error
  }
}
