import { sql } from '@payloadcms/db-postgres'
import type { Payload, PayloadRequest } from 'payload'

import { type Party, partyOf } from '@/domain/bookingActions'
import { maskContacts } from '@/domain/messageMasking'
import {
  type ConversationFacts,
  type MessageSide,
  contactsRevealed,
  conversationPage,
  decideSend,
  otherSide,
  sideOf,
} from '@/domain/messages'
import { bookingRef } from '@/domain/payments'
import { isRefusal } from '@/domain/refusal'
import { MAIL_QUEUE, messageMailJobId } from '@/jobs/registry'
import { env } from '@/lib/env'
import { iso } from '@/listingDocument'
import { enqueue } from './queue'
import { sqlExecutor } from './sqlExecutor'

/**
 * A booking's conversation in the database (the rules are src/domain/messages.ts; the endpoints
 * src/endpoints/bookingMessages.ts). Raw SQL, a statement or two per call: the collection's generic
 * routes are closed (collections/Messages.ts), and reading a page, counting the unread and marking the
 * page read belong together.
 */
export type ConversationBooking = ConversationFacts & { id: number; guest: number | null; host: number | null; createdAt: string }

export type MessageOut = { id: number; fromRole: MessageSide; text: string; createdAt: string; readAt: string | null }

/** The booking as the conversation needs it, or null when there is none. */
export async function conversationBooking(payload: Payload, id: number, req?: PayloadRequest): Promise<ConversationBooking | null> {
  const db = await sqlExecutor(payload, req)
  const { rows } = await db.execute(sql`
    SELECT id, guest_id, host_id, status, to_char(check_out, 'YYYY-MM-DD') AS check_out,
      ${sql.raw(iso('cancelled_at'))} AS cancelled_at, ${sql.raw(iso('confirmed_at'))} AS confirmed_at, ${sql.raw(iso('created_at'))} AS created_at
    FROM bookings WHERE id = ${id}`)
  const row = rows[0]
  if (!row) return null
  return {
    id: Number(row.id),
    guest: row.guest_id === null ? null : Number(row.guest_id),
    host: row.host_id === null ? null : Number(row.host_id),
    status: row.status as string,
    checkOut: row.check_out as string,
    cancelledAt: row.cancelled_at as string | null,
    confirmedAt: row.confirmed_at as string | null,
    createdAt: row.created_at as string,
  }
}

/** Who the caller is to the booking: its guest, its host, staff, or nobody (who must learn nothing about it). */
export const conversationParty = (req: PayloadRequest, booking: ConversationBooking): Party | null => partyOf(req.user, booking)

/** Contact details hidden until the booking is confirmed (src/domain/messageMasking.ts). */
export const textAsRead = (booking: Pick<ConversationFacts, 'status' | 'confirmedAt'>, text: string) =>
  contactsRevealed(booking) ? text : maskContacts(text)

const asMessage = (booking: ConversationBooking, row: Record<string, unknown>): MessageOut => ({
  id: Number(row.id),
  fromRole: row.from_role as MessageSide,
  text: textAsRead(booking, row.text as string),
  createdAt: row.created_at as string,
  readAt: (row.read_at as string | null) ?? null,
})

const MESSAGE_COLUMNS = sql.raw(`id, from_role, text, ${iso('created_at')} AS created_at, ${iso('read_at')} AS read_at`)

/**
 * One page of the conversation, oldest first (the last page without `page`), as `party` reads it. The
 * guest or host reading it marks the other side's messages on this page read (staff mark nothing); the
 * page shows them as they were before, so the messages new to the reader have `readAt: null`.
 * `unread` is the reader's unread count before this read (null for staff).
 */
export async function readConversation(
  req: PayloadRequest,
  booking: ConversationBooking,
  party: Party,
  options: { page?: number; limit: number },
) {
  const db = await sqlExecutor(req.payload, req)
  const side = sideOf(party)
  const { rows: counts } = await db.execute(sql`
    SELECT count(*)::int AS total,
      count(*) FILTER (WHERE ${side ? sql`from_role = ${otherSide(side)}` : sql`false`} AND read_at IS NULL)::int AS unread
    FROM messages WHERE booking_id = ${booking.id}`)
  const total = Number(counts[0]?.total ?? 0)
  const page = conversationPage(total, options.limit, options.page)
  const now = new Date().toISOString()
  const { rows } = await db.execute(sql`
    WITH page AS (
      SELECT id, from_role, text, created_at, read_at FROM messages WHERE booking_id = ${booking.id}
      ORDER BY created_at, id LIMIT ${page.limit} OFFSET ${page.offset}
    )${
      side
        ? sql`, marked AS (
      UPDATE messages m SET read_at = ${now}, updated_at = ${now}
      FROM page WHERE m.id = page.id AND m.from_role = ${otherSide(side)} AND m.read_at IS NULL
    )`
        : sql``
    }
    SELECT ${MESSAGE_COLUMNS} FROM page ORDER BY created_at, id`)
  const { offset: _, ...paging } = page
  return {
    docs: rows.map((row) => asMessage(booking, row)),
    ...paging,
    unread: side ? Number(counts[0]?.unread ?? 0) : null,
    side,
    canSend: decideSend(booking, party, new Date()) === null,
  }
}

/**
 * Stores a message from `side` and makes sure the other side is mailed about its burst: a delayed job
 * named by the burst's first message (the oldest of this side's messages neither mailed nor read), so
 * the burst's later messages enqueue nothing new and the mail carries them all. If Redis is down the
 * message stands; the next message of the burst enqueues the same job again.
 */
export async function storeMessage(
  req: PayloadRequest,
  booking: ConversationBooking,
  side: MessageSide,
  text: string,
): Promise<MessageOut> {
  const db = await sqlExecutor(req.payload, req)
  const now = new Date().toISOString()
  const { rows } = await db.execute(sql`
    WITH inserted AS (
      INSERT INTO messages (booking_id, sender_id, from_role, text, updated_at, created_at)
      VALUES (${booking.id}, ${Number(req.user!.id)}, ${side}, ${text}, ${now}, ${now})
      RETURNING id, from_role, text, created_at, read_at
    )
    SELECT ${MESSAGE_COLUMNS},
      least(id, (SELECT min(m.id) FROM messages m WHERE m.booking_id = ${booking.id} AND m.from_role = ${side}
        AND m.mailed_at IS NULL AND m.read_at IS NULL)) AS burst
    FROM inserted`)
  const row = rows[0]!
  await enqueueMessageMail(req.payload, booking, otherSide(side), Number(row.burst)).catch((error: unknown) =>
    req.payload.logger.warn({ err: error, bookingId: booking.id, msg: 'could not queue the mail of a booking message' }),
  )
  return asMessage(booking, row)
}

export async function enqueueMessageMail(
  _payload: Payload,
  booking: { id: number; createdAt: string },
  recipient: MessageSide,
  firstMessageId: number,
): Promise<void> {
  await enqueue(
    MAIL_QUEUE,
    'messages',
    { bookingId: booking.id, recipient, firstMessageId },
    {
      jobId: messageMailJobId(bookingRef(booking), recipient, firstMessageId),
      runAt: new Date(Date.now() + env.MESSAGE_MAIL_DELAY_MINUTES * 60_000),
      // A burst whose mail gave up (SMTP down through every attempt) keeps its first message, so its job
      // id, until it is mailed: the next message of the burst retries that job instead of adding nothing.
      revive: true,
    },
  )
}

/** Why the caller may not write now, as the rule says it, or null. */
export const sendRefusal = (booking: ConversationBooking, party: Party) => {
  const decision = decideSend(booking, party, new Date())
  return isRefusal(decision) ? decision : null
}

/**
 * The caller's unread messages on each of these bookings: the other side's messages they have not read
 * (null where the caller is staff or neither side). One grouped statement for a whole list.
 */
export async function unreadCounts(
  req: PayloadRequest,
  bookings: { id: number; guest?: unknown; host?: unknown }[],
): Promise<Map<number, number | null>> {
  const sides = new Map<number, MessageSide | null>(bookings.map((b) => [b.id, sideOf(partyOf(req.user, b))]))
  const result = new Map<number, number | null>([...sides].map(([id, side]) => [id, side ? 0 : null]))
  const ids = [...sides].filter(([, side]) => side).map(([id]) => id)
  if (ids.length === 0) return result
  const db = await sqlExecutor(req.payload, req)
  const { rows } = await db.execute(sql`
    SELECT booking_id, from_role, count(*)::int AS unread FROM messages
    WHERE booking_id IN ${ids} AND read_at IS NULL GROUP BY booking_id, from_role`)
  for (const row of rows) {
    const id = Number(row.booking_id)
    const side = sides.get(id)
    if (side && row.from_role === otherSide(side)) result.set(id, Number(row.unread))
  }
  return result
}
