import type { Party } from './bookingActions'
import { type Refusal, refusal } from './refusal'

/**
 * The rules of a booking's conversation (guest ↔ host; src/services/messages.ts stores and reads it).
 * Pure: who the caller is to the booking (`Party`, src/domain/bookingActions.ts) and the booking's facts in,
 * a decision out.
 */

/** A message is 1…2000 characters, counted as Unicode code points (an emoji is one, as a person counts it). */
export const MESSAGE_MAX_CHARS = 2000

/** Messages per page of GET /api/bookings/:id/messages: the default, and the most one page may hold. */
export const MESSAGES_PER_PAGE = 20
export const MESSAGES_MAX_PER_PAGE = 100

/** Days after check-out (completed) or cancellation during which the two can still write (a forgotten item, a refund question). */
export const AFTER_STAY_DAYS = 14

export type MessageSide = 'guest' | 'host'
export const MESSAGE_SIDES = ['guest', 'host'] as const satisfies readonly MessageSide[]

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why a message text is refused, or null. It is stored as written (not trimmed), so it must be storable as is. */
export function messageTextProblem(text: string): string | null {
  if (text.trim() === '') return 'text must not be empty.'
  // PostgreSQL text cannot hold NUL, nor UTF-8 an unpaired surrogate: refused rather than silently changed.
  if (text.includes('\u0000') || LONE_SURROGATE.test(text))
    return 'text contains characters that are not text (NUL or an unpaired surrogate).'
  if ([...text].length > MESSAGE_MAX_CHARS) return `text can be at most ${MESSAGE_MAX_CHARS} characters.`
  return null
}

export type ConversationFacts = {
  status?: string | null
  checkOut: string
  cancelledAt?: string | null
  confirmedAt?: string | null
}

const DAY_MS = 86_400_000
const endOfDay = (stayDate: string) => Date.parse(`${stayDate.slice(0, 10)}T00:00:00.000Z`) + DAY_MS

/** Whether `party` may write in the booking's conversation now. Staff read conversations; they do not write in them. */
export function decideSend(booking: ConversationFacts, party: Party, now: Date): Refusal | null {
  if (party === 'staff') return refusal('forbidden', 'Staff read conversations; only the guest and the host write in them.')
  const closed = refusal('conflict', 'This conversation is closed.')
  switch (booking.status) {
    case 'requested':
    case 'awaiting_payment':
    case 'confirmed':
      return null
    case 'completed':
      return now.getTime() < endOfDay(booking.checkOut) + AFTER_STAY_DAYS * DAY_MS
        ? null
        : refusal('conflict', `This conversation closed ${AFTER_STAY_DAYS} days after check-out.`)
    case 'cancelled': {
      const at = booking.cancelledAt ? Date.parse(booking.cancelledAt) : Number.NaN
      return Number.isFinite(at) && now.getTime() < at + AFTER_STAY_DAYS * DAY_MS
        ? null
        : refusal('conflict', `This conversation closed ${AFTER_STAY_DAYS} days after the booking was cancelled.`)
    }
    default:
      // Declined and expired bookings never became stays: nothing left to talk about.
      return closed
  }
}

/** Whether contact details in the conversation are shown as written: once the booking was confirmed (paid). */
export const contactsRevealed = (booking: Pick<ConversationFacts, 'status' | 'confirmedAt'>): boolean =>
  booking.status === 'confirmed' || booking.status === 'completed' || !!booking.confirmedAt

/** The side the caller writes for, or null for staff and strangers. */
export const sideOf = (party: Party | null): MessageSide | null => (party === 'guest' || party === 'host' ? party : null)
export const otherSide = (side: MessageSide): MessageSide => (side === 'guest' ? 'host' : 'guest')

export type ConversationPage = {
  page: number
  limit: number
  totalDocs: number
  totalPages: number
  hasPrevPage: boolean
  hasNextPage: boolean
  /** Messages to skip (oldest first). */
  offset: number
}

/**
 * Pages of a conversation, oldest first (page 1 holds the first messages, newest last within a page).
 * Without `page` the last page — the newest messages — is what a chat opens on. A page past the last is
 * empty, like Payload's lists.
 */
export function conversationPage(totalDocs: number, limit: number, page?: number): ConversationPage {
  const totalPages = Math.max(1, Math.ceil(totalDocs / limit))
  const current = page ?? totalPages
  return {
    page: current,
    limit,
    totalDocs,
    totalPages,
    hasPrevPage: current > 1,
    hasNextPage: current < totalPages,
    offset: (current - 1) * limit,
  }
}
