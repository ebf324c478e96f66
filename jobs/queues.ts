/**
 * The registry of every BullMQ queue and its job payload. Producers and processors import names from
 * here so they cannot drift apart. Empty until the bookings issue adds the first jobs (hold expiry,
 * mail); the worker already connects and shuts down cleanly.
 */
export const QUEUES = {} as const

export type QueueName = keyof typeof QUEUES
