import type { Payload } from 'payload'

import type { Booking, Property, User } from '@/payload-types'
import { describeMoney } from '@/domain/money'
import { toStayDate } from '@/lib/stayDateField'
import { type BookingMailFacts, type MailMessage, bookingLink, bookingMail } from '@/mail/templates'
import { env } from '@/lib/env'
import { MAIL_QUEUE, type MailJobs, processorOf } from '@/jobs/registry'
import { processAccountMailJob } from './accountMail'
import { sendCalendarConflictMail } from './calendarConflictMail'
import { sendMessageMail } from './messageMail'

/**
 * Transactional mail about bookings and payments. The job reads the booking as it is now and sends
 * through Payload's email adapter; job ids are deterministic (one per booking, kind and recipient), so
 * a retried or re-enqueued mail is sent once.
 */
const money = (amount: number | null | undefined, currency: string | null | undefined) => describeMoney(amount ?? 0, currency ?? '')

function facts(booking: Booking, data: MailJobs['send']): BookingMailFacts {
  const listing = booking.property as Property
  const guest = booking.guest as User | null
  const host = booking.host as User | null
  const currency = booking.quote?.currency
  return {
    bookingId: booking.id,
    listingTitle: listing?.title ?? 'your listing',
    city: listing?.address?.city,
    checkIn: toStayDate(booking.checkIn) ?? '',
    checkOut: toStayDate(booking.checkOut) ?? '',
    guests: booking.guests,
    total: money(booking.quote?.total, currency),
    guestName: guest?.name,
    hostName: host?.name,
    refund: (booking.refundAmount ?? 0) > 0 ? money(booking.refundAmount, currency) : null,
    cancellationReason: booking.cancellationReason,
    cancelledBy: booking.cancelledBy,
    holdExpiresAt: booking.holdExpiresAt ? booking.holdExpiresAt.slice(0, 16).replace('T', ' ') : null,
    failureMessage: data.failureMessage,
    link: bookingLink(booking.id, data.recipient),
  }
}

function compose(data: MailJobs['send'], f: BookingMailFacts): MailMessage {
  switch (data.kind) {
    case 'booking-confirmed':
      return data.recipient === 'guest' ? bookingMail.confirmedForGuest(f) : bookingMail.confirmedForHost(f)
    case 'booking-cancelled':
      return data.recipient === 'guest' ? bookingMail.cancelledForGuest(f) : bookingMail.cancelledForHost(f)
    case 'payment-failed':
      return bookingMail.paymentFailed(f)
  }
}

async function sendBookingMail(payload: Payload, data: MailJobs['send'], jobId: string): Promise<string> {
  const booking = await payload.findByID({
    collection: 'bookings',
    id: data.bookingId,
    depth: 1,
    overrideAccess: true,
    disableErrors: true,
  })
  if (!booking) return 'booking gone'
  const to = (data.recipient === 'guest' ? booking.guest : booking.host) as User | null
  if (!to?.email) return `no ${data.recipient} address`
  const message = compose(data, facts(booking, data))
  // At-least-once: a worker killed between the SMTP server's "accepted" and the job's completion sends
  // again on retry. The Message-ID is the job id, so the copy is the same message to every mail system
  // and client that deduplicates by it (most do), and to anyone reading the logs.
  const messageId = `<${jobId}@${new URL(env.SERVER_URL).hostname}>`
  await payload.sendEmail({ to: to.email, subject: message.subject, html: message.html, text: message.text, messageId })
  return `${data.kind} → ${data.recipient}`
}

export const processMailJob = processorOf(MAIL_QUEUE, {
  send: (payload, job) => sendBookingMail(payload, job.data, String(job.id)),
  account: (payload, job) => processAccountMailJob(payload, job.data, String(job.id)),
  'calendar-conflict': (payload, job) => sendCalendarConflictMail(payload, job.data, String(job.id)),
  messages: (payload, job) => sendMessageMail(payload, job.data, String(job.id)),
})
