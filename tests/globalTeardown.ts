import { Redis } from 'ioredis'

import { dropDatabase } from '../scripts/lib/database'

export default async function globalTeardown(): Promise<void> {
  const prefix = process.env.STAYBASE_TEST_REDIS_PREFIX
  const url = process.env.STAYBASE_TEST_REDIS_URL
  if (prefix && url) {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 })
    try {
      const stream = redis.scanStream({ match: `${prefix}*`, count: 500 })
      for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) await redis.del(...keys)
    } finally {
      redis.disconnect()
    }
  }
  const server = process.env.STAYBASE_TEST_PG_SERVER
  const template = process.env.STAYBASE_TEST_TEMPLATE_DB
  if (server && template) await dropDatabase(server, template)
  const embedded = (globalThis as { __embeddedPostgres?: { stop: () => Promise<void> } }).__embeddedPostgres
  if (embedded) await embedded.stop()
}
