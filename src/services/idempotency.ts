import { createHash } from 'node:crypto'

import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import { canonicalJson } from '../domain/canonicalJson'
import { sqlExecutor } from './sqlExecutor'

/**
 * Idempotency keys for POST /api/bookings, in Postgres (table booking_idempotency_keys): a client that
 * retries after a timeout gets the first answer instead of a second booking. A key is claimed with an
 * INSERT … ON CONFLICT DO NOTHING committed before the work starts, so two concurrent requests with the
 * same key cannot both run. Keys live 24 hours.
 */
export const KEY_TTL_HOURS = 24
/** A request holds its key this long at most; after that a retry may run again (and gets a 409 if its
 *  booking did go through, rather than waiting a day). */
export const CLAIM_LEASE_SECONDS = 60
export type StoredResponse = { status: number; body: unknown }
export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' }

// Outside any request transaction on purpose: a claim must be committed before the work starts.
const db = (payload: Payload) => sqlExecutor(payload)

export const requestHash = (body: unknown) => createHash('sha256').update(canonicalJson(body)).digest('hex')

export async function claimKey(payload: Payload, userId: number, key: string, hash: string): Promise<Claim> {
  // Expired keys are free again, and so is a claim whose request died before recording an answer.
  await (await db(payload)).execute(sql`
    DELETE FROM booking_idempotency_keys
    WHERE user_id = ${userId} AND key = ${key}
      AND (created_at < now() - make_interval(hours => ${KEY_TTL_HOURS})
           OR (status_code IS NULL AND created_at < now() - make_interval(secs => ${CLAIM_LEASE_SECONDS})))`)
  const inserted = await (await db(payload)).execute(sql`
    INSERT INTO booking_idempotency_keys (user_id, key, request_hash) VALUES (${userId}, ${key}, ${hash})
    ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`)
  if (inserted.rows.length > 0) return { kind: 'claimed' }
  const { rows } = await (await db(payload)).execute(sql`
    SELECT request_hash, status_code, response FROM booking_idempotency_keys WHERE user_id = ${userId} AND key = ${key}`)
  const row = rows[0]
  if (!row) return claimKey(payload, userId, key, hash)
  if (row.request_hash !== hash) return { kind: 'mismatch' }
  if (row.status_code === null || row.status_code === undefined) return { kind: 'in_progress' }
  return { kind: 'replay', response: { status: Number(row.status_code), body: row.response } }
}

export async function recordResponse(payload: Payload, userId: number, key: string, response: StoredResponse): Promise<void> {
  await (await db(payload)).execute(sql`
    UPDATE booking_idempotency_keys SET status_code = ${response.status}, response = ${JSON.stringify(response.body)}::jsonb
    WHERE user_id = ${userId} AND key = ${key}`)
}

/** The work failed in a way worth retrying (a 5xx): let the next request with this key try again. */
export async function releaseKey(payload: Payload, userId: number, key: string): Promise<void> {
  await (await db(payload)).execute(sql`DELETE FROM booking_idempotency_keys WHERE user_id = ${userId} AND key = ${key} AND status_code IS NULL`)
}
