import type { Field, FieldAccess, SanitizedConfig } from 'payload'

import { never } from '@/access/never'

/**
 * Timestamps are the server's: no API caller — REST, GraphQL, or the Local API acting for a user
 * (`overrideAccess: false`) — may write `createdAt`, `updatedAt` or `deletedAt` on any collection, nor
 * the auth `sessions` (with their createdAt/expiresAt). Rules read them: the 24-hour grace refund
 * compares the cancellation with the booking's createdAt, job ids and Stripe keys name a booking by it.
 *
 * Payload generates these fields while it sanitizes the config, after plugins run, and adds its own
 * collections (payload-preferences, payload-locked-documents, payload-migrations) at the same point; so
 * this runs on the sanitized config and covers every collection, ours and Payload's alike. A field with
 * create/update access false is dropped from the input (the write is ignored, not refused), and the
 * database then stamps the real time. Server code with `overrideAccess: true` (seeds, tests' fixtures,
 * jobs) still can.
 *
 * Every other date field is server-owned by its own field access or by collection access `never`; the
 * stay dates (checkIn/checkOut, a block's startDate/endDate) are the only dates a client chooses.
 */
export const SERVER_TIMESTAMPS = ['createdAt', 'updatedAt', 'deletedAt'] as const

type FieldAccessConfig = { create?: FieldAccess; read?: FieldAccess; update?: FieldAccess }

const serverOwned = (access: FieldAccessConfig | undefined): FieldAccessConfig => ({
  ...access,
  create: never,
  update: never,
})

export function protectTimestampFields(fields: Field[]): void {
  for (const field of fields) {
    if (!('name' in field)) continue
    if (field.type === 'date' && (SERVER_TIMESTAMPS as readonly string[]).includes(field.name)) field.access = serverOwned(field.access)
    // Payload's auth sessions: `update` is already false, `create` is not.
    if (field.type === 'array' && field.name === 'sessions') field.access = serverOwned(field.access)
  }
}

export function serverOwnedTimestamps(config: SanitizedConfig): SanitizedConfig {
  for (const collection of config.collections) {
    protectTimestampFields(collection.fields)
    // flattenedFields holds the same field objects for top-level dates, copies for arrays.
    protectTimestampFields(collection.flattenedFields as Field[])
  }
  for (const global of config.globals) protectTimestampFields(global.fields)
  return config
}
