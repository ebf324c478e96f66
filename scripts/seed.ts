/**
 * Demo data for quickstart and local development: `npm run seed`. Idempotent — records that exist are
 * left alone — so it can run on every quickstart. Refuses to run in production unless
 * SEED_ALLOW_PRODUCTION=true, because demo accounts have a published password.
 */
import { SingleBar } from 'cli-progress'
import { getPayload } from 'payload'

import config from '../src/payload.config'
import { DEMO_PASSWORD, DEMO_USERS } from './seed/demoUsers'

type Step = { label: string; run: () => Promise<'created' | 'kept'> }

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production' && process.env.SEED_ALLOW_PRODUCTION !== 'true') {
    console.error('Refusing to seed demo accounts in production (set SEED_ALLOW_PRODUCTION=true to insist).')
    process.exit(1)
  }
  const payload = await getPayload({ config })

  const steps: Step[] = DEMO_USERS.map((user) => ({
    label: user.email,
    run: async () => {
      const existing = await payload.find({ collection: 'users', where: { email: { equals: user.email } }, limit: 1, depth: 0 })
      if (existing.docs.length > 0) return 'kept'
      await payload.create({
        collection: 'users',
        data: { ...user, password: DEMO_PASSWORD, _verified: true },
        disableVerificationEmail: true,
      })
      return 'created'
    },
  }))

  const counts = { created: 0, kept: 0 }
  const bar = process.stdout.isTTY ? new SingleBar({ format: 'seeding {bar} {value}/{total} {label}', hideCursor: true }) : null
  bar?.start(steps.length, 0, { label: '' })
  for (const [index, step] of steps.entries()) {
    counts[await step.run()]++
    if (bar) bar.update(index + 1, { label: step.label })
    else console.log(`seed ${index + 1}/${steps.length} ${step.label}`)
  }
  bar?.stop()
  console.log(`seed done: ${counts.created} created, ${counts.kept} already there`)
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
