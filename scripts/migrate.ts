/**
 * Applies pending migrations: `npm run migrate` (and `npm start`, the Docker image, quickstart and the
 * test set-up). With `--on-start` (how `npm start` and the image's CMD call it) it does nothing when
 * MIGRATE_ON_START=false: a deployment with several processes migrates once, as a release step
 * (scripts/deploy.sh), instead of every starting process racing to. Bundled by `npm run build` into
 * dist/migrate.js with the migrations compiled in, and run as `node --conditions=production dist/migrate.js`.
 *
 * Why the condition: every process that loads the Payload config outside Next (migrations, the worker,
 * the seed, the Payload CLI) imports lexical. Under Node's default "node" export condition lexical and
 * its @lexical/* packages each load their real build through a top-level `await import()`, and on
 * Node 20 that graph deadlocks in many starts: `import '@payloadcms/richtext-lexical'` alone exited
 * with code 13 (unsettled top-level await) in 8 of 10 runs here, and `payload migrate` exited 0
 * without migrating in 1 of 6. Their "production" condition points at the plain builds: 0 of 10 failed.
 */
import { getPayload } from 'payload'

import { migrations } from '../migrations'
import { env } from '@/lib/env'
import config from '@/payload.config'

async function main(): Promise<void> {
  if (process.argv.includes('--on-start') && !env.MIGRATE_ON_START) {
    console.log('migrations: skipped at start (MIGRATE_ON_START=false; the release step applies them)')
    return
  }
  const payload = await getPayload({ config })
  const before = await payload.find({ collection: 'payload-migrations', limit: 0, depth: 0 }).catch(() => ({ totalDocs: 0 }))
  // The generated index types its entries more narrowly than the adapter's Migration type.
  await payload.db.migrate({
    migrations: migrations as unknown as Parameters<typeof payload.db.migrate>[0] extends infer A
      ? A extends { migrations?: infer M }
        ? M
        : never
      : never,
  })
  const after = await payload.find({ collection: 'payload-migrations', limit: 0, depth: 0 })
  console.log(`migrations: ${after.totalDocs - before.totalDocs} applied, ${after.totalDocs} in total`)
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
