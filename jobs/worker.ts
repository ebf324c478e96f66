import { Redis } from 'ioredis'

import { env } from '../src/lib/env'
import { createLogger } from '../src/lib/logger'
import { QUEUES } from './queues'

/**
 * The background worker process. For now it only proves the wiring: it connects to Redis the way
 * BullMQ workers must (`maxRetriesPerRequest: null`), reports the queues it serves (none yet) and
 * shuts down cleanly on SIGTERM/SIGINT.
 */
const logger = createLogger('worker', env.LOG_LEVEL, env.LOG_FORMAT)

async function main(): Promise<void> {
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null })
  connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'))
  await connection.ping()
  logger.info({ queues: Object.keys(QUEUES) }, 'worker ready')

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'worker shutting down')
    await connection.quit().catch(() => connection.disconnect())
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker failed to start')
  process.exit(1)
})
