/**
 * The registry of every BullMQ queue, its jobs and their payloads. Producers (src/services/queue.ts)
 * and processors (jobs/processors/) import names from here so they cannot drift apart.
 *
 * Job ids are business keys without ':' (BullMQ reserves it), so enqueuing the same thing twice is a
 * no-op. Expiry ids name the hold, not only the booking (`booking-42-expire-hold-1795000000000`): a new
 * hold (an accepted request) gets its own job, and a job left in Redis by another database that reused
 * booking ids (a restore, a reset demo) can never stand in for this one.
 */
export const BOOKING_LIFECYCLE_QUEUE = 'booking-lifecycle'

export type BookingLifecycleJobs = {
  /** An unpaid instant booking (or accepted request) whose hold ran out → expired. */
  'expire-hold': { bookingId: number; holdExpiresAt: string }
  /** A request the host did not answer within 24 h → expired. */
  'expire-request': { bookingId: number; holdExpiresAt: string }
  /** Repeatable: confirmed stays whose checkOut has passed → completed; also expires overdue holds
   *  and requests whose delayed job was lost (e.g. Redis was down when the booking was made). */
  sweep: Record<string, never>
}
export type BookingLifecycleJobName = keyof BookingLifecycleJobs

export const jobIds = {
  expireHold: (bookingId: number, holdExpiresAt: string) => `booking-${bookingId}-expire-hold-${Date.parse(holdExpiresAt)}`,
  expireRequest: (bookingId: number, holdExpiresAt: string) => `booking-${bookingId}-expire-request-${Date.parse(holdExpiresAt)}`,
}

/** The prefix of BullMQ's keys, under the deployment's Redis prefix. */
export const bullPrefix = (redisPrefix: string) => `${redisPrefix}bull`
