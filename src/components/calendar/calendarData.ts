import type { Payload, TypedUser } from 'payload'

import { ACTIVE_STATUSES, type BookingStatus, asBookingStatus } from '@/domain/bookingStatus'
import { storedId } from '@/domain/ids'
import { addDays } from '@/domain/stayDates'

/** What the calendars show of a booking: enough for a bar, nothing the host does not already see. */
export type CalendarBooking = {
  id: number
  property: number
  start: string
  end: string
  status: BookingStatus
  guestName: string
  guests: number
}
export type CalendarBlock = { id: number; property: number; start: string; end: string; reason: string; note: string }
/** Nights taken on another booking site, from an imported feed (echoes of our own bookings are not shown: their booking is). */
export type CalendarImported = { id: number; property: number; start: string; end: string; feedName: string; feed: number }

/** Stays that take their nights (or took them: completed); declined, expired and cancelled ones free them. */
export const SHOWN_STATUSES: readonly BookingStatus[] = [...ACTIVE_STATUSES, 'completed']

/** Rows per page of the multi-calendar. */
export const ROWS_PER_PAGE = 25

type CalendarListing = { id: number; title: string; address?: { city?: string | null } | null }
type ListingsPage = {
  docs: CalendarListing[]
  page?: number
  totalPages: number
  totalDocs: number
  hasPrevPage: boolean
  hasNextPage: boolean
}
export const NO_LISTINGS: ListingsPage = { docs: [], page: 1, totalPages: 0, totalDocs: 0, hasPrevPage: false, hasNextPage: false }

/**
 * A page of the multi-calendar's rows, by title: one host's listings (properties_host_idx), or, for
 * staff who picked no host, everyone's. Read as `user`, as guests book them (not drafts).
 */
export async function calendarListings(payload: Payload, user: TypedUser, hostId: number | null, page: number): Promise<ListingsPage> {
  return payload.find({
    collection: 'properties',
    where: hostId === null ? undefined : { host: { equals: hostId } },
    depth: 0,
    sort: 'title',
    limit: ROWS_PER_PAGE,
    page,
    select: { title: true, address: { city: true } },
    user,
    overrideAccess: false,
  })
}

/**
 * The bookings and blocks of some listings that touch the nights [from, from + days), read as `user`
 * through the collections' access rules (a host reads only their own). Unpaginated on purpose: both are
 * bounded by the listings (at most a page of them) and the window, and served by the partial indexes
 * on (property, end date) of migration `calendar_indexes`.
 */
export async function readCalendar(
  payload: Payload,
  user: TypedUser,
  listingIds: number[],
  from: string,
  days: number,
): Promise<{ bookings: CalendarBooking[]; blocks: CalendarBlock[]; imported: CalendarImported[] }> {
  if (listingIds.length === 0) return { bookings: [], blocks: [], imported: [] }
  const to = addDays(from, days)
  const asUser = { user, overrideAccess: false, pagination: false } as const
  const [bookings, blocks, imported] = await Promise.all([
    payload.find({
      collection: 'bookings',
      where: {
        and: [
          { property: { in: listingIds } },
          { status: { in: [...SHOWN_STATUSES] } },
          { checkIn: { less_than: to } },
          { checkOut: { greater_than: from } },
        ],
      },
      select: { property: true, checkIn: true, checkOut: true, status: true, guest: true, guests: true },
      populate: { users: { name: true } },
      depth: 1,
      sort: 'checkIn',
      ...asUser,
    }),
    payload.find({
      collection: 'availability-blocks',
      where: {
        and: [{ property: { in: listingIds } }, { startDate: { less_than: to } }, { endDate: { greater_than: from } }],
      },
      select: { property: true, startDate: true, endDate: true, reason: true, note: true },
      depth: 0,
      sort: 'startDate',
      ...asUser,
    }),
    payload.find({
      collection: 'calendar-events',
      where: {
        and: [
          { property: { in: listingIds } },
          { echo: { not_equals: true } },
          { startDate: { less_than: to } },
          { endDate: { greater_than: from } },
        ],
      },
      select: { property: true, startDate: true, endDate: true, feed: true },
      populate: { 'calendar-feeds': { name: true } },
      depth: 1,
      sort: 'startDate',
      ...asUser,
    }),
  ])
  return {
    bookings: bookings.docs.flatMap((b) => {
      const status = asBookingStatus(b.status)
      const property = storedId(b.property)
      if (!status || property === null) return []
      const guestName = typeof b.guest === 'object' && b.guest?.name ? b.guest.name : 'A guest'
      return [{ id: b.id, property, start: b.checkIn, end: b.checkOut, status, guestName, guests: b.guests }]
    }),
    blocks: blocks.docs.flatMap((b) => {
      const property = storedId(b.property)
      if (property === null) return []
      return [{ id: b.id, property, start: b.startDate, end: b.endDate, reason: b.reason ?? 'other', note: b.note ?? '' }]
    }),
    imported: imported.docs.flatMap((e) => {
      const property = storedId(e.property)
      const feed = storedId(e.feed)
      if (property === null || feed === null) return []
      const feedName = typeof e.feed === 'object' && e.feed?.name ? e.feed.name : 'Another site'
      return [{ id: e.id, property, start: e.startDate, end: e.endDate, feedName, feed }]
    }),
  }
}
