import { afterCommit } from './afterCommit'

/**
 * The adapter's side as Payload's drizzle adapter has it: open transactions in `sessions` by id,
 * `commitTransaction(id)` / `rollbackTransaction(id)` end them (and drop the session).
 */
function adapter() {
  const log: string[] = []
  const db = {
    sessions: {} as Record<string, unknown>,
    async commitTransaction(id: string | number | Promise<string | number>) {
      const key = String(await id)
      log.push(`COMMIT ${key}`)
      delete db.sessions[key]
    },
    async rollbackTransaction(id: string | number | Promise<string | number>) {
      const key = String(await id)
      log.push(`ROLLBACK ${key}`)
      delete db.sessions[key]
    },
  }
  const open = (id: string) => {
    db.sessions[id] = {}
    return { transactionID: id, payload: { db } }
  }
  return { db, log, open }
}

const collect = (log: string[], name: string) => ({
  init: () => new Set<string>(),
  run: async (state: Set<string>) => {
    log.push(`${name}: ${[...state].sort().join(',')}`)
  },
})

describe('afterCommit', () => {
  it('runs each kind of work once, with everything asked for in the transaction, right after its commit', async () => {
    const { db, log, open } = adapter()
    const req = open('t1')
    const cache = collect(log, 'cache')
    const sessions = collect(log, 'sessions')
    ;(await afterCommit(req, 'cache', cache.init, cache.run))!.add('listing:1')
    ;(await afterCommit(req, 'cache', cache.init, cache.run))!.add('listings')
    ;(await afterCommit(req, 'sessions', sessions.init, sessions.run))!.add('7')
    expect(log).toEqual([])
    await db.commitTransaction('t1')
    expect(log).toEqual(['COMMIT t1', 'cache: listing:1,listings', 'sessions: 7'])
    await db.commitTransaction('t1')
    expect(log.filter((line) => line.startsWith('cache'))).toHaveLength(1)
  })

  it('a rollback drops the work; another transaction keeps its own', async () => {
    const { db, log, open } = adapter()
    const cache = collect(log, 'cache')
    ;(await afterCommit(open('a'), 'cache', cache.init, cache.run))!.add('a')
    ;(await afterCommit(open('b'), 'cache', cache.init, cache.run))!.add('b')
    await db.rollbackTransaction('a')
    await db.commitTransaction('b')
    expect(log).toEqual(['ROLLBACK a', 'COMMIT b', 'cache: b'])
  })

  it('a transaction id still being opened (a promise) is awaited', async () => {
    const { db, log, open } = adapter()
    open('p')
    const cache = collect(log, 'cache')
    ;(await afterCommit({ transactionID: Promise.resolve('p'), payload: { db } }, 'cache', cache.init, cache.run))!.add('x')
    await db.commitTransaction(Promise.resolve('p'))
    expect(log).toEqual(['COMMIT p', 'cache: x'])
  })

  it('without an open transaction there is nothing to wait for: null, and the caller does the work now', async () => {
    const { db } = adapter()
    const cache = collect([], 'cache')
    expect(await afterCommit({ transactionID: undefined, payload: { db } }, 'cache', cache.init, cache.run)).toBeNull()
    expect(await afterCommit({ transactionID: 'ended', payload: { db } }, 'cache', cache.init, cache.run)).toBeNull()
  })
})
