import type { Payload } from 'payload'

import type { Booking, User } from '@/payload-types'
import type { HistoryEntry } from '@/domain/bookingHistory'
import { bookingTitle } from '@/domain/bookingTitle'
import { parseId } from '@/domain/ids'
import { refundAmount } from '@/domain/refunds'
import { addDays, utcDate } from '@/domain/stayDates'

/**
 * One demo booking in every state, made the way a guest makes one (Local API as that guest, so the
 * server computes quotes and holds) and then moved along as hosts, payments and time would.
 */
type Plan = {
  label: string
  guest: string
  listing: string
  daysAhead: number
  nights: number
  afterwards?: (b: Booking) => Partial<Booking>
}

/** A stay that already happened: moved into the past (check-out `daysAgo` days ago), as time would have. */
function completedDaysAgo(daysAgo: number, nights: number): () => Partial<Booking> {
  return () => {
    const checkOut = addDays(utcDate(new Date()), -daysAgo)
    return { status: 'completed', checkIn: addDays(checkOut, -nights), checkOut, confirmedAt: new Date().toISOString() }
  }
}

export const DEMO_BOOKINGS: Plan[] = [
  { label: 'awaiting payment', guest: 'alex.guest@staybase.local', listing: 'Alfama apartment with river view', daysAhead: 21, nights: 3 },
  { label: 'requested', guest: 'sam.guest@staybase.local', listing: 'Villa on Lake Como', daysAhead: 45, nights: 4 },
  {
    label: 'declined',
    guest: 'alex.guest@staybase.local',
    listing: 'Villa on Lake Como',
    daysAhead: 60,
    nights: 3,
    afterwards: () => ({ status: 'declined' }),
  },
  {
    label: 'confirmed',
    guest: 'sam.guest@staybase.local',
    listing: 'Chalet with Matterhorn view',
    daysAhead: 30,
    nights: 5,
    afterwards: () => ({ status: 'confirmed' }),
  },
  {
    label: 'expired',
    guest: 'alex.guest@staybase.local',
    listing: 'Machiya townhouse in Kyoto',
    daysAhead: 40,
    nights: 3,
    afterwards: () => ({ status: 'expired' }),
  },
  {
    label: 'cancelled',
    guest: 'sam.guest@staybase.local',
    listing: 'Notting Hill mews house',
    daysAhead: 50,
    nights: 3,
    afterwards: (b) => {
      const cancelledAt = new Date()
      const refund = refundAmount({
        policy: b.cancellationPolicy ?? 'strict',
        total: b.quote?.total ?? 0,
        checkIn: b.checkIn,
        bookedAt: new Date(b.createdAt),
        cancelledAt,
        cancelledBy: 'guest',
      })
      return {
        status: 'cancelled',
        cancelledAt: cancelledAt.toISOString(),
        cancelledBy: 'guest',
        cancellationReason: 'Trip postponed',
        refundAmount: refund.amount,
      }
    },
  },
  {
    label: 'completed',
    guest: 'alex.guest@staybase.local',
    listing: 'Ribeira riverside loft',
    daysAhead: 14,
    nights: 3,
    afterwards: completedDaysAgo(20, 3),
  },
  // More stays that happened, so listings have reviews (scripts/seed/demoReviews.ts).
  {
    label: 'completed 2',
    guest: 'sam.guest@staybase.local',
    listing: 'Ribeira riverside loft',
    daysAhead: 18,
    nights: 4,
    afterwards: completedDaysAgo(40, 4),
  },
  {
    label: 'completed 3',
    guest: 'sam.guest@staybase.local',
    listing: 'Alfama apartment with river view',
    daysAhead: 26,
    nights: 3,
    afterwards: completedDaysAgo(30, 3),
  },
  {
    label: 'completed 4',
    guest: 'alex.guest@staybase.local',
    listing: 'Chalet with Matterhorn view',
    daysAhead: 38,
    nights: 5,
    afterwards: completedDaysAgo(55, 5),
  },
  {
    label: 'completed 5',
    guest: 'sam.guest@staybase.local',
    listing: 'Machiya townhouse in Kyoto',
    daysAhead: 48,
    nights: 3,
    afterwards: completedDaysAgo(70, 3),
  },
]

export async function seedBooking(payload: Payload, plan: Plan): Promise<'created' | 'kept'> {
  const [guest] = (await payload.find({ collection: 'users', where: { email: { equals: plan.guest } }, limit: 1, depth: 0 })).docs as User[]
  const [listing] = (await payload.find({ collection: 'properties', where: { title: { equals: plan.listing } }, limit: 1, depth: 0 })).docs
  if (!guest || !listing) return 'kept'
  const existing = await payload.count({
    collection: 'bookings',
    where: { and: [{ guest: { equals: guest.id } }, { property: { equals: listing.id } }] },
  })
  if (existing.totalDocs > 0) return 'kept'
  const checkIn = addDays(utcDate(new Date()), plan.daysAhead)
  const booking = (await payload.create({
    collection: 'bookings',
    data: {
      property: listing.id,
      checkIn,
      checkOut: addDays(checkIn, plan.nights),
      guests: 2,
      messageToHost: `Demo booking (${plan.label}).`,
    },
    user: guest,
    overrideAccess: false,
  })) as Booking
  if (plan.afterwards) {
    const next = plan.afterwards(booking)
    const at = new Date().toISOString()
    // The history the move would have written (applyTransition): who declines, cancels, or is the system.
    const steps = next.status === 'completed' ? (['confirmed', 'completed'] as const) : next.status ? [next.status] : []
    const entry = (status: HistoryEntry['status']): HistoryEntry =>
      status === 'declined'
        ? { status, at, actor: 'host', by: parseId(listing.host) }
        : status === 'cancelled'
          ? { status, at, actor: 'guest', by: guest.id, note: next.cancellationReason }
          : { status, at, actor: 'system', by: null }
    const moved = { checkIn: next.checkIn ?? booking.checkIn, checkOut: next.checkOut ?? booking.checkOut }
    await payload.update({
      collection: 'bookings',
      id: booking.id,
      data: {
        ...next,
        title: bookingTitle({ guestName: guest.name, listingTitle: listing.title, ...moved }),
        // Read as the guest, the first entry has no `by` (staff read it): it is the guest's own.
        history: [
          ...(booking.history ?? []).map((h) => ({ ...h, by: h.actor === 'guest' ? guest.id : (h.by ?? null) })),
          ...steps.map(entry),
        ],
      },
      overrideAccess: true,
    })
  }
  return 'created'
}
