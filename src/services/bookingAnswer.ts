import type { PayloadRequest } from 'payload'

import type { Booking } from '@/payload-types'
import { isStaffUser } from '@/domain/roles'
import { type ProfileRow, isHost, iso, publicProfile } from '@/listingDocument'
import { textAsRead } from './messages'
import { type BookingContext, type NewBooking, type WrittenBooking, firstHistoryEntry } from './newBooking'

/**
 * The answer to a new booking, built from what the server already holds — the listing and the two
 * accounts it decided the booking from (one statement, src/services/newBooking.ts) and the row it
 * wrote — instead of Payload's read of the new booking (three more statements, and most of the CPU of
 * a booking: Payload builds each query anew). It is what that read answers the guest at depth 0 or 1:
 * the same fields in the same order, `property` as the guest reads a published listing, `guest` as
 * one reads one's own account, `host` as anyone reads someone else's public profile.
 *
 * `null` where the answer is not this simple and Payload's read answers instead: a staff member (who
 * reads more of every document), a deeper depth, an account with an API key (Payload decrypts it into
 * the owner's view). tests/int/booking-answer.test.ts compares this answer with Payload's own read of
 * the same booking, field by field; a field added to bookings, properties or users must be added here.
 */

/** An account as the booking statement reads it (`ACCOUNT_JSON`), timestamps already as Payload writes them. */
export type AccountRow = ProfileRow & {
  email: string
  phone: string | null
  pendingEmail: string | null
  enableAPIKey: boolean | null
  hasApiKey: boolean
  _verified: boolean | null
  sessions: { id: string; createdAt: string | null; expiresAt: string }[]
}

/** One account (`FROM users u`) as JSON with its roles and sessions in their order. */
export const ACCOUNT_JSON = `json_build_object(
    'id', u.id, 'name', u.name, 'email', u.email, 'phone', u.phone, 'avatar', u.avatar_id, 'bio', u.bio,
    'pendingEmail', u.pending_email, 'updatedAt', ${iso('u.updated_at')}, 'createdAt', ${iso('u.created_at')},
    'enableAPIKey', u.enable_a_p_i_key, 'hasApiKey', u.api_key IS NOT NULL, '_verified', u._verified,
    'roles', (SELECT coalesce(json_agg(r.value ORDER BY r."order"), '[]'::json) FROM users_roles r WHERE r.parent_id = u.id),
    'sessions', (SELECT coalesce(json_agg(json_build_object('id', s.id, 'createdAt', ${iso('s.created_at')}, 'expiresAt', ${iso('s.expires_at')}) ORDER BY s._order), '[]'::json)
                 FROM users_sessions s WHERE s._parent_id = u.id))`

/** A UTF-16 surrogate without its other half (String#toWellFormed replaces these; ES2024). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** One's own account (collections/Users.ts: the owner reads every field but the hidden auth fields). */
const ownAccount = (a: AccountRow) => ({
  id: a.id,
  name: a.name,
  roles: a.roles,
  phone: a.phone,
  avatar: a.avatar,
  bio: a.bio,
  pendingEmail: a.pendingEmail,
  updatedAt: a.updatedAt,
  createdAt: a.createdAt,
  enableAPIKey: a.enableAPIKey,
  email: a.email,
  _verified: a._verified,
  sessions: a.sessions,
  collection: 'users',
  isHost: isHost(a),
})

const historyAsRead = ({ by: _, ...entry }: ReturnType<typeof firstHistoryEntry>) => entry

export function builtBookingDoc(
  req: PayloadRequest,
  depth: number,
  booking: NewBooking,
  client: { guests: number; messageToHost: string | null },
  written: WrittenBooking,
  context: BookingContext,
): Booking | null {
  if (depth > 1 || !req.user || isStaffUser(req.user)) return null
  const guest = context.people.get(booking.guest)
  const host = booking.host === null ? null : context.people.get(booking.host)
  if (!guest || host === undefined || guest.enableAPIKey || guest.hasApiKey) return null
  const q = booking.quote
  const doc = {
    id: written.id,
    title: booking.title,
    property: depth === 0 ? booking.property : context.listing,
    guest: depth === 0 ? booking.guest : ownAccount(guest),
    host: depth === 0 || host === null ? booking.host : publicProfile(host),
    checkIn: booking.checkIn,
    checkOut: booking.checkOut,
    guests: client.guests,
    status: booking.status,
    // `by` is staff's to read (collections/Bookings.ts), and staff get Payload's read.
    history: [{ id: written.historyId, ...historyAsRead(firstHistoryEntry(booking, written.createdAt)) }],
    quote: {
      currency: q.currency,
      nights: q.nights,
      nightlySubtotal: q.nightlySubtotal,
      discount: q.discount,
      cleaningFee: q.cleaningFee,
      serviceFee: q.serviceFee,
      taxes: q.taxes,
      total: q.total,
      perNight: written.perNight,
    },
    cancellationPolicy: booking.cancellationPolicy ?? null,
    holdExpiresAt: booking.holdExpiresAt,
    confirmedAt: null,
    cancelledAt: null,
    cancelledBy: null,
    cancellationReason: null,
    refundAmount: null,
    // As PostgreSQL stored it: a lone UTF-16 surrogate cannot be stored and comes back as U+FFFD.
    // Masked as the conversation shows it until the booking is confirmed (hooks/bookings/maskMessageToHost.ts).
    messageToHost:
      client.messageToHost === null
        ? null
        : textAsRead({ status: booking.status, confirmedAt: null }, client.messageToHost.replace(LONE_SURROGATE, '\uFFFD')),
    updatedAt: written.createdAt,
    createdAt: written.createdAt,
    // The guest's unread messages, added after Payload's read (hooks/bookings/countUnreadMessages.ts): the host cannot have written yet.
    unreadMessages: 0,
  }
  return doc as Booking
}
