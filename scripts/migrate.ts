/**
 * Applies pending migrations: `npm run migrate` (and `npm start`, the Docker image, quickstart and the
 * test set-up). Run as `node --import tsx scripts/migrate.ts`.
 *
 * Why not `payload migrate`: on Node 20 the Payload CLI loads itself through tsx's asynchronous loader,
 * and about one run in six the process exits with code 0 before doing anything (measured here: 1 of 6
 * runs left an empty database). A start script that sometimes skips migrations silently is not
 * acceptable, so this loads the config directly and reports what it applied.
 */
import { getPayload } from 'payload'

import config from '../src/payload.config'

async function main(): Promise<void> {
  const payload = await getPayload({ config })
  const before = await payload.find({ collection: 'payload-migrations', limit: 0, depth: 0 }).catch(() => ({ totalDocs: 0 }))
  await payload.db.migrate()
  const after = await payload.find({ collection: 'payload-migrations', limit: 0, depth: 0 })
  console.log(`migrations: ${after.totalDocs - before.totalDocs} applied, ${after.totalDocs} in total`)
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
