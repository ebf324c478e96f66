import type { CollectionAfterChangeHook } from 'payload'

import { BOOKING_LIFECYCLE_QUEUE, jobIds } from '@/jobs/registry'
import { enqueue } from '@/services/queue'

/**
 * A hold or a request ends at holdExpiresAt: schedule the job that expires it then. The processor
 * re-reads the booking and acts only if it is still waiting, so a booking that was paid, answered or
 * rolled back meanwhile is left alone. If Redis is down the booking still stands; the periodic sweep
 * expires it instead.
 */
export const scheduleExpiry: CollectionAfterChangeHook = async ({ doc, previousDoc, req }) => {
  if (!doc.holdExpiresAt || doc.holdExpiresAt === previousDoc?.holdExpiresAt) return doc
  const job =
    doc.status === 'awaiting_payment'
      ? { name: 'expire-hold' as const, jobId: jobIds.expireHold(doc.id, doc.holdExpiresAt) }
      : doc.status === 'requested'
        ? { name: 'expire-request' as const, jobId: jobIds.expireRequest(doc.id, doc.holdExpiresAt) }
        : null
  if (!job) return doc
  try {
    await enqueue(
      BOOKING_LIFECYCLE_QUEUE,
      job.name,
      { bookingId: doc.id, holdExpiresAt: doc.holdExpiresAt },
      { jobId: job.jobId, runAt: new Date(doc.holdExpiresAt) },
    )
  } catch (error) {
    req.payload.logger.warn({ err: error, bookingId: doc.id, msg: 'could not schedule expiry; the sweep will catch it' })
  }
  return doc
}
