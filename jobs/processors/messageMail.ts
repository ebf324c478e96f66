import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import { otherSide } from '@/domain/messages'
import type { MailJobs } from '@/jobs/registry'
import { env } from '@/lib/env'
import { bookingLink, messageMail } from '@/mail/templates'
import { conversationBooking, enqueueMessageMail, textAsRead } from '@/services/messages'
import { sqlExecutor } from '@/services/sqlExecutor'

/**
 * One mail per burst of messages (src/services/messages.ts enqueues it, delayed by
 * MESSAGE_MAIL_DELAY_MINUTES, named by the burst's first message): every message of the sender's side
 * from the burst's first on that the recipient has neither read nor been mailed, masked as the recipient
 * would read them. Read messages are skipped (nothing left: no mail); the ones to mail are claimed (marked
 * mailed) in one statement before the send and given back if it fails, so no other job, retry or later
 * burst mails them again: at most once each. Messages that arrived while this ran start the next burst.
 */
export async function sendMessageMail(payload: Payload, data: MailJobs['messages'], jobId: string): Promise<string> {
  const booking = await conversationBooking(payload, data.bookingId)
  if (!booking) return 'booking gone'
  const sender = otherSide(data.recipient)
  const db = await sqlExecutor(payload)
  const full = await payload.findByID({ collection: 'bookings', id: booking.id, depth: 1, overrideAccess: true, disableErrors: true })
  if (!full) return 'booking gone'
  const person = (value: unknown) =>
    value && typeof value === 'object' ? (value as { name?: string | null; email?: string | null }) : null
  const to = person(data.recipient === 'guest' ? full.guest : full.host)
  if (!to?.email) return `no ${data.recipient} address`
  const from = person(sender === 'guest' ? full.guest : full.host)
  const pending = sql`booking_id = ${booking.id} AND from_role = ${sender} AND mailed_at IS NULL AND read_at IS NULL`
  // Claimed in one statement: two jobs of the same side (an earlier burst's and this one's — the mail
  // worker runs two at a time) never both mail a message. A failed send gives the claim back, so the
  // retry mails them.
  const claimedAt = new Date().toISOString()
  const { rows } = await db.execute(sql`
    WITH claimed AS (
      UPDATE messages SET mailed_at = ${claimedAt}, updated_at = ${claimedAt}
      WHERE ${pending} AND id >= ${data.firstMessageId}
      RETURNING id, text, created_at
    )
    SELECT id, text FROM claimed ORDER BY created_at, id`)
  if (rows.length === 0) return 'nothing unread to mail'
  const ids = rows.map((row) => Number(row.id))
  const message = messageMail({
    recipientName: to.name,
    senderName: from?.name,
    from: sender,
    listingTitle: (full.property as { title?: string } | null)?.title ?? 'your stay',
    checkIn: String(full.checkIn).slice(0, 10),
    checkOut: String(full.checkOut).slice(0, 10),
    bookingId: booking.id,
    texts: rows.map((row) => textAsRead(booking, row.text as string)),
    link: bookingLink(booking.id, data.recipient),
  })
  // At-least-once, as every mail job: the Message-ID is the job id, so a retry's copy is the same message.
  try {
    await payload.sendEmail({
      to: to.email,
      subject: message.subject,
      html: message.html,
      text: message.text,
      messageId: `<${jobId}@${new URL(env.SERVER_URL).hostname}>`,
    })
  } catch (error) {
    await db.execute(sql`UPDATE messages SET mailed_at = NULL WHERE id IN ${ids} AND mailed_at = ${claimedAt}`)
    throw error
  }
  const { rows: later } = await db.execute(sql`SELECT min(id) AS first FROM messages WHERE ${pending} AND id > ${Math.max(...ids)}`)
  if (later[0]?.first != null) await enqueueMessageMail(payload, booking, data.recipient, Number(later[0].first))
  return `${rows.length} message(s) → ${data.recipient}`
}
