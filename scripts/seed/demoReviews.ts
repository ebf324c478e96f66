import { type Payload, createLocalReq } from 'payload'

import type { User } from '@/payload-types'
import { recomputeListingRatings } from '@/services/reviews'

/**
 * Published reviews of the demo's completed stays, both sides, as if both had written theirs and the
 * reveal had happened; some with the host's response. Listing ratings are recomputed afterwards, the
 * way publishing does it.
 */
type Plan = {
  guest: string
  listing: string
  stay: {
    rating: number
    subRatings: Record<'cleanliness' | 'accuracy' | 'communication' | 'location' | 'checkIn' | 'value', number>
    comment: string
  }
  guestReview: { rating: number; comment: string }
  response?: string
}

export const DEMO_REVIEWS: Plan[] = [
  {
    guest: 'alex.guest@staybase.local',
    listing: 'Ribeira riverside loft',
    stay: {
      rating: 5,
      subRatings: { cleanliness: 5, accuracy: 5, communication: 5, location: 5, checkIn: 4, value: 4 },
      comment: 'The view over the Douro at sunset is even better than the photos. Spotless and quiet at night.',
    },
    guestReview: { rating: 5, comment: 'Alex left the loft as they found it and kept us posted about their arrival.' },
    response: 'Thank you, Alex — come back for the São João festival in June!',
  },
  {
    guest: 'sam.guest@staybase.local',
    listing: 'Ribeira riverside loft',
    stay: {
      rating: 4,
      subRatings: { cleanliness: 4, accuracy: 4, communication: 5, location: 5, checkIn: 5, value: 3 },
      comment: 'Great location and a responsive host. The street gets loud on Saturday nights.',
    },
    guestReview: { rating: 5, comment: 'Friendly, tidy and easy to communicate with.' },
  },
  {
    guest: 'sam.guest@staybase.local',
    listing: 'Alfama apartment with river view',
    stay: {
      rating: 4,
      subRatings: { cleanliness: 5, accuracy: 4, communication: 4, location: 5, checkIn: 4, value: 4 },
      comment: 'Charming flat on a steep lane; bring light luggage. The terrace view is worth every step.',
    },
    guestReview: { rating: 4, comment: 'Pleasant guest; checked out a little late but let us know.' },
  },
  {
    guest: 'alex.guest@staybase.local',
    listing: 'Chalet with Matterhorn view',
    stay: {
      rating: 5,
      subRatings: { cleanliness: 5, accuracy: 5, communication: 4, location: 5, checkIn: 5, value: 4 },
      comment: 'Sauna after skiing, the Matterhorn from bed. Expensive, but we would book it again.',
    },
    guestReview: { rating: 5, comment: 'A pleasure to host. Welcome back any winter.' },
    response: 'Danke, Alex! The sauna will be warm for your next visit.',
  },
  {
    guest: 'sam.guest@staybase.local',
    listing: 'Machiya townhouse in Kyoto',
    stay: {
      rating: 3,
      subRatings: { cleanliness: 4, accuracy: 3, communication: 3, location: 4, checkIn: 2, value: 3 },
      comment: 'Beautiful house, but the self check-in code did not work and we waited an hour.',
    },
    guestReview: { rating: 4, comment: 'Patient with our check-in trouble; left the house in good order.' },
    response: 'We are sorry about the lock — it has been replaced, and we now send a backup code.',
  },
]

export async function seedReviews(payload: Payload, plan: Plan): Promise<'created' | 'kept'> {
  const [guest] = (await payload.find({ collection: 'users', where: { email: { equals: plan.guest } }, limit: 1, depth: 0 })).docs as User[]
  const [listing] = (await payload.find({ collection: 'properties', where: { title: { equals: plan.listing } }, limit: 1, depth: 0 })).docs
  if (!guest || !listing) return 'kept'
  const [booking] = (
    await payload.find({
      collection: 'bookings',
      where: { and: [{ guest: { equals: guest.id } }, { property: { equals: listing.id } }, { status: { equals: 'completed' } }] },
      limit: 1,
      depth: 0,
    })
  ).docs
  if (!booking) return 'kept'
  if ((await payload.count({ collection: 'reviews', where: { booking: { equals: booking.id } } })).totalDocs > 0) return 'kept'

  const checkOut = Date.parse(booking.checkOut)
  const publishedAt = new Date(checkOut + 3 * 86_400_000).toISOString()
  const common = { booking: booking.id, property: listing.id, status: 'published' as const, publishedAt }
  await payload.create({
    collection: 'reviews',
    data: {
      ...common,
      subject: 'property',
      author: guest.id,
      ...plan.stay,
      ...(plan.response ? { hostResponse: { text: plan.response, respondedAt: publishedAt } } : {}),
    },
    context: { seed: true },
  })
  await payload.create({
    collection: 'reviews',
    data: { ...common, subject: 'guest', author: listing.host as number, ...plan.guestReview },
    context: { seed: true },
  })
  await recomputeListingRatings(await createLocalReq({}, payload), listing.id)
  return 'created'
}
