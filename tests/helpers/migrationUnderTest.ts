import { randomBytes } from 'node:crypto'

import { drizzle } from '@payloadcms/db-postgres/drizzle/node-postgres'
import pg from 'pg'

import { migrations } from '../../migrations'
import { createDatabase, dropDatabase, withDatabase } from '../../scripts/lib/database'

type Migration = (typeof migrations)[number]
type Args = Parameters<Migration['up']>[0]

/**
 * One migration, tested on rows written before it: a database of the suite's own, migrated up to (not
 * including) the migration whose name ends with `name`, in a beforeAll the helper registers (and dropped
 * afterwards). The suite writes the old rows with `query`, then runs `up()` — and `down()`, `up()` again.
 * Each step runs in a transaction, as `npm run migrate` runs it.
 */
export function migrationUnderTest(name: string): {
  up: () => Promise<void>
  down: () => Promise<void>
  query: (text: string, params?: unknown[]) => Promise<any[]>
} {
  const index = migrations.findIndex((m) => m.name.endsWith(name))
  const server = process.env.STAYBASE_TEST_PG_SERVER!
  const database = `staybase_test_migration_${randomBytes(4).toString('hex')}`
  let pool: pg.Pool
  let db: ReturnType<typeof drizzle>
  const run = (step: 'up' | 'down', migration: Migration) =>
    db.transaction((tx) => migration[step]({ db: tx, payload: undefined, req: undefined } as unknown as Args))

  beforeAll(async () => {
    expect(index).toBeGreaterThan(0)
    await createDatabase(server, database)
    pool = new pg.Pool({ connectionString: withDatabase(server, database), max: 2 })
    db = drizzle(pool)
    for (const migration of migrations.slice(0, index)) await run('up', migration)
  })
  afterAll(async () => {
    await pool?.end()
    await dropDatabase(server, database)
  })

  return {
    up: () => run('up', migrations[index]!),
    down: () => run('down', migrations[index]!),
    query: async (text, params = []) => (await pool.query(text, params)).rows,
  }
}
