import type { Job } from 'bullmq'
import type { Payload } from 'payload'

/**
 * The registry of every BullMQ queue: its name, its jobs and their payloads, the job ids, and the type
 * of the handlers that process them. Producers (src/services/queue.ts and its callers) and the
 * processors (jobs/processors/) both import it, so they cannot drift apart; `jobs/` imports `src/`,
 * never the reverse.
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
  /** The review window of a stay closed: publish whatever reviews of it are still pending (blind). */
  'reveal-reviews': { bookingId: number }
}
export type BookingLifecycleJobName = keyof BookingLifecycleJobs

export const jobIds = {
  expireHold: (bookingId: number, holdExpiresAt: string) => `booking-${bookingId}-expire-hold-${Date.parse(holdExpiresAt)}`,
  expireRequest: (bookingId: number, holdExpiresAt: string) => `booking-${bookingId}-expire-request-${Date.parse(holdExpiresAt)}`,
  /** `ref` is bookingRef (id and creation time). */
  revealReviews: (ref: string) => `booking-${ref}-reveal-reviews`,
}

/** The prefix of BullMQ's keys, under the deployment's Redis prefix. */
export const bullPrefix = (redisPrefix: string) => `${redisPrefix}bull`

/** Where the web server mounts bull-board for staff (src/services/queueDashboard.ts); the staff dashboard links to it. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues'

/** Stripe: webhook events from the inbox, refunds, reconciliation. */
export const PAYMENTS_QUEUE = 'payments'

export type PaymentsJobs = {
  /** Process one stored `stripe-events` document. Job id = the Stripe event id. */
  'stripe-event': { eventId: string }
  /** Ask Stripe for the refund a booking is owed, once (Stripe idempotency key from the booking). */
  refund: { bookingId: number; kind: 'cancellation' | 'booking_unavailable'; replaces?: string }
  /** A booking stopped waiting for payment (cancelled, expired): cancel its open intents at Stripe. */
  'cancel-intents': { bookingId: number }
  /** Compare payments with Stripe; repeatable, and on demand from staff. */
  reconcile: { trigger: 'scheduled' | 'manual'; requestedBy?: number }
}
export type PaymentsJobName = keyof PaymentsJobs

/** Transactional mail, sent by the worker through Payload's email adapter. */
export const MAIL_QUEUE = 'mail'

export type MailKind = 'booking-confirmed' | 'booking-cancelled' | 'payment-failed'

/**
 * Account mail. Never sent inside a request (an SMTP outage must not fail registration, and the time a
 * request takes must not say whether an address has an account); each job names the account and the
 * processor reads the token it mails from the database, so Redis holds no secrets:
 * - verify-email: the link of a new account (its `_verificationToken`);
 * - password-reset-request: someone asked to reset the password of `email`; the processor makes the
 *   token (Payload's forgotPassword) and mails it, or does nothing for an unknown address;
 * - confirm-email-change: the link that moves `pendingEmail` into `email`, sent to the new address;
 * - email-change-requested / email-changed: a notice to the old address;
 * - account-locked: too many wrong passwords (once per lock);
 * - registration-attempt: someone tried to register an address that already has an account.
 */
export type AccountMailKind =
  | 'verify-email'
  | 'password-reset-request'
  | 'confirm-email-change'
  | 'email-change-requested'
  | 'email-changed'
  | 'account-locked'
  | 'registration-attempt'
export type AccountMailJob =
  | { kind: 'verify-email' | 'account-locked' | 'registration-attempt' | 'confirm-email-change'; userId: number }
  | { kind: 'password-reset-request'; email: string }
  | { kind: 'email-change-requested' | 'email-changed'; userId: number; oldEmail: string; newEmail: string }

export type MailJobs = {
  send: { kind: MailKind; bookingId: number; recipient: 'guest' | 'host'; failureMessage?: string }
  account: AccountMailJob
  /** An imported event overlaps one of our bookings (src/services/calendarSync.ts): tell the listing's host, once. */
  'calendar-conflict': { feedId: number; uid: string; bookingId: number }
  /** The unread messages of one side's burst in a booking's conversation, to the other side (first = the burst's first message id). */
  messages: { bookingId: number; recipient: 'guest' | 'host'; firstMessageId: number }
}
export type MailJobName = keyof MailJobs

/**
 * Deterministic ids: the same effect enqueued twice (a redelivered event, a retried job) runs once.
 * Bookings are named by `bookingRef` (id and creation time, src/domain/payments.ts), never the id alone.
 */
export const paymentJobIds = {
  stripeEvent: (eventId: string) => eventId,
  refund: (ref: string, kind: PaymentsJobs['refund']['kind'], replaces?: string) =>
    `booking-${ref}-refund-${kind}${replaces ? `-after-${replaces}` : ''}`,
  cancelIntents: (ref: string) => `booking-${ref}-cancel-intents`,
  manualReconcile: (at: Date) => `reconcile-manual-${at.getTime()}`,
}
export const mailJobId = (kind: MailKind, ref: string, recipient: 'guest' | 'host', discriminator?: string) =>
  ['mail', kind, `booking-${ref}`, recipient, discriminator].filter(Boolean).join('-')

/** One mail per burst: the burst is named by its first message, so later messages of it enqueue nothing new. */
export const messageMailJobId = (ref: string, recipient: 'guest' | 'host', firstMessageId: number) =>
  `mail-messages-booking-${ref}-${recipient}-${firstMessageId}`

/**
 * Account mail job ids. A job id is a business key: the account and what the mail is about (the lock's
 * end, a hash of the token or address), so a repeated trigger is a no-op and nothing secret is in Redis.
 */
export const accountMailJobId = (kind: AccountMailKind, subject: string, discriminator: string | number) =>
  ['mail', kind, subject, String(discriminator)].join('-').replace(/:/g, '_')

/**
 * Imported calendars (README "Calendar import (iCal)"): `sync-all` is repeatable (every
 * CALENDAR_SYNC_MINUTES) and enqueues one `sync-feed` per feed, whose job id names the feed and the
 * period's slot, so however many workers run the schedule, a feed is synced once per slot.
 */
export const CALENDAR_SYNC_QUEUE = 'calendar-sync'

export type CalendarSyncJobs = {
  'sync-feed': { feedId: number }
  'sync-all': Record<string, never>
}

export const calendarJobIds = {
  /** `why`: the scheduled slot (`slot-<start ms>`), a change of the feed (`changed-<updatedAt ms>`), a host's "Sync now" (`manual-<minute>`). */
  syncFeed: (feedId: number, why: string) => `calendar-feed-${feedId}-sync-${why}`,
  /** One mail per feed, event and booking: a conflict seen at every sync is mailed once. */
  conflictMail: (feedId: number, uidHash: string, bookingRef: string) =>
    `mail-calendar-conflict-feed-${feedId}-${uidHash}-booking-${bookingRef}`,
}

/** Every queue with its jobs' payloads: enqueue() and the processors are typed by it. */
export type Registry = {
  [BOOKING_LIFECYCLE_QUEUE]: BookingLifecycleJobs
  [PAYMENTS_QUEUE]: PaymentsJobs
  [MAIL_QUEUE]: MailJobs
  [CALENDAR_SYNC_QUEUE]: CalendarSyncJobs
}
export type QueueName = keyof Registry
export const QUEUE_NAMES = [
  BOOKING_LIFECYCLE_QUEUE,
  PAYMENTS_QUEUE,
  MAIL_QUEUE,
  CALENDAR_SYNC_QUEUE,
] as const satisfies readonly QueueName[]
export type JobName<Q extends QueueName> = keyof Registry[Q] & string

/** A job of queue Q named N, as its handler receives it. */
export type QueueJob<Q extends QueueName, N extends JobName<Q> = JobName<Q>> = Job<Registry[Q][N], string, N>

/** One handler per job of a queue; each returns the line the worker logs as the job's result. */
export type Handlers<Q extends QueueName> = {
  [N in JobName<Q>]: (payload: Payload, job: QueueJob<Q, N>) => Promise<string>
}

export type Processor = (payload: Payload, job: Job) => Promise<string>

/** Whether a job (as BullMQ's events hand it over, untyped) is queue Q's job N, typed as such. */
export const isJob = <Q extends QueueName, N extends JobName<Q>>(_queue: Q, job: Job, name: N): job is QueueJob<Q, N> => job.name === name

/**
 * The worker's processor for a queue: the job's name picks its handler. The one place a job read back
 * from Redis is taken to be of its registered type (a producer could only enqueue it through the typed
 * enqueue()); a name the registry does not know fails the job.
 */
export function processorOf<Q extends QueueName>(queue: Q, handlers: Handlers<Q>): Processor {
  return (payload, job) => {
    if (!Object.hasOwn(handlers, job.name)) throw new Error(`${queue}: unknown job ${job.name}`)
    const handler = handlers[job.name as JobName<Q>] as (payload: Payload, job: Job) => Promise<string>
    return handler(payload, job)
  }
}
