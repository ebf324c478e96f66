/**
 * Demo data for quickstart and local development: `npm run seed`. Idempotent — records that exist are
 * left alone — so it can run on every quickstart. Refuses to run in production unless
 * SEED_ALLOW_PRODUCTION=true, because demo accounts have a published password.
 */
import { SingleBar } from 'cli-progress'
import { getPayload } from 'payload'

import config from '@/payload.config'
import { DEMO_BOOKINGS, seedBooking } from './seed/demoBookings'
import { DEMO_REVIEWS, seedReviews } from './seed/demoReviews'
import { DEMO_LISTINGS } from './seed/demoListings'
import { DEMO_PASSWORD, DEMO_USERS } from './seed/demoUsers'
import { paragraphs } from './seed/lexical'
import { demoPhoto } from './seed/photos'

type Step = { label: string; run: () => Promise<'created' | 'kept'> }
const PHOTOS_PER_LISTING = 2

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production' && process.env.SEED_ALLOW_PRODUCTION !== 'true') {
    console.error('Refusing to seed demo accounts in production (set SEED_ALLOW_PRODUCTION=true to insist).')
    process.exit(1)
  }
  const started = Date.now()
  const payload = await getPayload({ config })
  const userIds = new Map<string, number>()

  const userSteps: Step[] = DEMO_USERS.map((user) => ({
    label: user.email,
    run: async () => {
      const existing = await payload.find({ collection: 'users', where: { email: { equals: user.email } }, limit: 1, depth: 0 })
      if (existing.docs[0]) {
        userIds.set(user.email, existing.docs[0].id)
        return 'kept'
      }
      const created = await payload.create({
        collection: 'users',
        data: { ...user, password: DEMO_PASSWORD, _verified: true },
        disableVerificationEmail: true,
      })
      userIds.set(user.email, created.id)
      return 'created'
    },
  }))

  const listingSteps: Step[] = DEMO_LISTINGS.map(({ hostEmail, summary, ...listing }) => ({
    label: listing.title,
    run: async () => {
      const host = userIds.get(hostEmail)!
      const existing = await payload.find({
        collection: 'properties',
        where: { and: [{ title: { equals: listing.title } }, { host: { equals: host } }] },
        limit: 1,
        depth: 0,
        draft: true,
      })
      if (existing.docs.length > 0) return 'kept'
      const photos: number[] = []
      for (let i = 0; i < PHOTOS_PER_LISTING; i++) {
        const data = await demoPhoto(listing.address.city, i)
        const media = await payload.create({
          collection: 'media',
          data: { alt: `${listing.title} — photo ${i + 1}`, owner: host },
          file: { data, mimetype: 'image/jpeg', name: `${listing.address.city.toLowerCase()}-${i + 1}.jpg`, size: data.length },
        })
        photos.push(media.id)
      }
      await payload.create({
        collection: 'properties',
        data: { ...listing, host, photos, description: paragraphs(...summary), _status: 'published' },
      })
      return 'created'
    },
  }))

  const bookingSteps: Step[] = DEMO_BOOKINGS.map((plan) => ({ label: `booking: ${plan.label}`, run: () => seedBooking(payload, plan) }))

  const reviewSteps: Step[] = DEMO_REVIEWS.map((plan) => ({ label: `reviews: ${plan.listing}`, run: () => seedReviews(payload, plan) }))

  const steps = [...userSteps, ...listingSteps, ...bookingSteps, ...reviewSteps]
  const counts = { created: 0, kept: 0 }
  const bar = process.stdout.isTTY ? new SingleBar({ format: 'seeding {bar} {value}/{total} {label}', hideCursor: true }) : null
  bar?.start(steps.length, 0, { label: '' })
  for (const [index, step] of steps.entries()) {
    counts[await step.run()]++
    if (bar) bar.update(index + 1, { label: step.label })
    else console.log(`seed ${index + 1}/${steps.length} ${step.label}`)
  }
  bar?.stop()
  console.log(`seed done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counts.created} created, ${counts.kept} already there`)
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
