import { type PayloadRequest, commitTransaction, initTransaction, killTransaction } from 'payload'

/**
 * Run `work` in the request's database transaction: joins the one already open (the caller commits it),
 * or opens, commits and on error rolls back its own.
 */
export async function inTransaction<T>(req: PayloadRequest, work: () => Promise<T>): Promise<T> {
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
