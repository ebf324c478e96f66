import type { Payload } from 'payload'

import { parseId } from '@/domain/ids'
import { formatStay } from '@/domain/stayDates'
import type { MailJobs } from '@/jobs/registry'
import { env } from '@/lib/env'
import { toStayDate } from '@/lib/stayDateField'
import { bookingLink, calendarConflictMail } from '@/mail/templates'
import type { Property, User } from '@/payload-types'

/**
 * The host's mail about one conflict of an imported feed. Sent only if the feed still records that
 * conflict when the job runs (a conflict gone by then is not news). The job id names the feed, the
 * event and the booking, so a conflict seen at every sync is mailed once.
 */
export async function sendCalendarConflictMail(payload: Payload, data: MailJobs['calendar-conflict'], jobId: string): Promise<string> {
  const feed = await payload.findByID({
    collection: 'calendar-feeds',
    id: data.feedId,
    depth: 1,
    overrideAccess: true,
    disableErrors: true,
  })
  const conflict = feed?.conflicts?.find((c) => c.uid === data.uid && parseId(c.booking) === data.bookingId)
  if (!feed || !conflict) return 'conflict gone'
  const booking = await payload.findByID({
    collection: 'bookings',
    id: data.bookingId,
    depth: 0,
    overrideAccess: true,
    disableErrors: true,
  })
  const host = feed.host as User | null
  if (!booking || !host?.email) return 'no host address'
  const message = calendarConflictMail({
    hostName: host.name,
    listingTitle: (feed.property as Property | null)?.title ?? 'your listing',
    feedName: feed.name,
    startDate: conflict.startDate,
    endDate: conflict.endDate,
    bookingId: booking.id,
    bookingNights: formatStay(toStayDate(booking.checkIn) ?? '', toStayDate(booking.checkOut) ?? ''),
    link: bookingLink(booking.id, 'host'),
  })
  const messageId = `<${jobId}@${new URL(env.SERVER_URL).hostname}>`
  await payload.sendEmail({ to: host.email, subject: message.subject, html: message.html, text: message.text, messageId })
  return `calendar conflict → host of feed ${feed.id}`
}
