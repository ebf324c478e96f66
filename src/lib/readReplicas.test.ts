import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { BaseDatabaseAdapter, CollectionConfig, Payload } from 'payload'

import { fromReplica, listViewsFromReplica, READ_YOUR_WRITES_MS, redactedUrl, withReadReplicas } from './readReplicas'

/**
 * Which reads a replica answers (tests/int/read-replicas.test.ts shows it end to end with a second
 * database): an adapter whose read says whether it ran on the adapter itself (the primary) or on the
 * replica's view of it. No connection is made: a pool connects on its first query, and none is sent.
 */

type Answer = 'primary' | 'replica'
let replicaFails = false
let replicaAttempts = 0

function adapterWithReplica(onError: (error: unknown, url: string) => void = () => {}) {
  const primary = {
    schema: {},
    async find(this: unknown): Promise<Answer> {
      if (this === primary) return 'primary'
      replicaAttempts++
      if (replicaFails) throw new Error('replica down')
      return 'replica'
    },
    async create(): Promise<void> {},
  }
  const result = withReadReplicas(
    { defaultIDType: 'number', init: () => primary as unknown as BaseDatabaseAdapter },
    { urls: ['postgres://reader:secret@127.0.0.1:1/replica'], poolMax: 1, onError },
  )
  const adapter = result.init({ payload: {} as Payload }) as unknown as {
    find: (args: object) => Promise<Answer>
    create: (args: object) => Promise<void>
  }
  return adapter
}

const staff = { id: 7, collection: 'users' }
const req = (context: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ context: { ...context }, user: staff, ...extra })

beforeEach(() => {
  replicaFails = false
  replicaAttempts = 0
  jest.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
})
afterEach(() => {
  jest.useRealTimers()
})

describe('withReadReplicas', () => {
  it('without URLs is the adapter as it was', () => {
    const result = { defaultIDType: 'number' as const, init: () => ({}) as BaseDatabaseAdapter }
    expect(withReadReplicas(result, { urls: [], poolMax: 1, onError: () => {} })).toBe(result)
  })

  it.each([
    ['a read that does not ask', 'primary', {}, {}],
    ['a report (fromReplica)', 'replica', fromReplica().context, {}],
    ['a report inside a transaction', 'primary', fromReplica().context, { transactionID: 'tx1' }],
  ] as const)('%s reads the %s', async (_, expected, context, extra) => {
    const adapter = adapterWithReplica()
    expect(await adapter.find({ req: req(context, extra) })).toBe(expected)
  })

  it('reads the primary for a user who just wrote, and the replica again once the window has passed', async () => {
    const adapter = adapterWithReplica()
    await adapter.create({ collection: 'bookings', req: req({}) })
    expect(await adapter.find({ req: req(fromReplica().context) })).toBe('primary')
    // Another user's read is not affected.
    expect(await adapter.find({ req: { ...req(fromReplica().context), user: { id: 8, collection: 'users' } } })).toBe('replica')
    jest.setSystemTime(Date.now() + READ_YOUR_WRITES_MS + 1)
    expect(await adapter.find({ req: req(fromReplica().context) })).toBe('replica')
  })

  it("does not count the panel's own state (preferences a list view saves) as a write", async () => {
    const adapter = adapterWithReplica()
    await adapter.create({ collection: 'payload-preferences', req: req({}) })
    expect(await adapter.find({ req: req(fromReplica().context) })).toBe('replica')
  })

  it('answers from the primary when the replica fails, and leaves the replica alone for a while', async () => {
    const errors: string[] = []
    const adapter = adapterWithReplica((error, url) => errors.push(`${(error as Error).message} at ${redactedUrl(url)}`))
    replicaFails = true
    expect(await adapter.find({ req: req(fromReplica().context) })).toBe('primary')
    expect(errors).toEqual(['replica down at postgres://reader:redacted@127.0.0.1:1/replica'])
    expect(await adapter.find({ req: req(fromReplica().context) })).toBe('primary')
    expect(replicaAttempts).toBe(1)
    replicaFails = false
    jest.setSystemTime(Date.now() + 30_001)
    expect(await adapter.find({ req: req(fromReplica().context) })).toBe('replica')
  })
})

describe('listViewsFromReplica', () => {
  const collection = listViewsFromReplica({ slug: 'bookings', fields: [] } as CollectionConfig)
  const markQuery = collection.hooks!.beforeOperation!.at(-1)!
  const unmarkQuery = collection.hooks!.afterOperation!.at(-1)!

  it("marks the admin list view's query (includeLockStatus) for the replica while it runs, and only it", async () => {
    const adapter = adapterWithReplica()
    const listReq = req({})
    const listArgs = (await markQuery({
      args: { includeLockStatus: true, req: listReq },
      operation: 'read',
      req: listReq,
    } as never)) as object
    expect(await adapter.find({ req: listReq })).toBe('replica')
    await unmarkQuery({ args: listArgs, operation: 'find', req: listReq, result: {} } as never)
    expect(await adapter.find({ req: listReq })).toBe('primary')

    const restReq = req({})
    await markQuery({ args: { req: restReq }, operation: 'read', req: restReq } as never)
    expect(await adapter.find({ req: restReq })).toBe('primary')
  })
})
