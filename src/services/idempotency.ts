import { createHash } from 'node:crypto'

import { sql } from '@payloadcms/db-postgres'
import type { SQL } from '@payloadcms/db-postgres/drizzle'
import type { Payload } from 'payload'

import { canonicalJson } from '@/domain/canonicalJson'
import { sqlExecutor } from './sqlExecutor'

/**
 * Idempotency keys for POST /api/bookings, in Postgres (table booking_idempotency_keys): a client that
 * retries after a timeout gets the first answer instead of a second booking. A key is claimed with an
 * INSERT … ON CONFLICT DO NOTHING committed before the work starts, so two concurrent requests with the
 * same key cannot both run. Keys live 24 hours.
 *
 * The statement that writes the booking also marks the claim with the booking's id (`createdMark`,
 * response `{"bookingId": …}` while status_code is still null), in the same commit: if the answer then
 * cannot be read or recorded (the request fails with a 5xx, or the process dies), a retry with the key
 * answers with that booking instead of trying again and meeting its own nights (409).
 */
export const KEY_TTL_HOURS = 24
/** A request holds its key this long at most; after that a retry may run again (one whose booking was
 *  written is not run again: it is answered with that booking). */
export const CLAIM_LEASE_SECONDS = 60
export type StoredResponse = { status: number; body: unknown }
export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' }
  /** The booking was written but its answer never recorded: answer with that booking. */
  | { kind: 'created'; bookingId: number }

/** The claim being served: whose key, which key. */
export type KeyClaim = { userId: number; key: string }

/** How a claim whose booking is written but not yet answered is told apart from one still at work. */
const CREATED_MARK = sql`response ? 'bookingId'`

// Outside any request transaction on purpose: a claim must be committed before the work starts.
const db = (payload: Payload) => sqlExecutor(payload)

export const requestHash = (body: unknown) => createHash('sha256').update(canonicalJson(body)).digest('hex')

export async function claimKey(payload: Payload, userId: number, key: string, hash: string): Promise<Claim> {
  // Expired keys are free again, and so is a claim whose request died before recording an answer.
  await (await db(payload)).execute(sql`
    DELETE FROM booking_idempotency_keys
    WHERE user_id = ${userId} AND key = ${key}
      AND (created_at < now() - make_interval(hours => ${KEY_TTL_HOURS})
           OR (status_code IS NULL AND created_at < now() - make_interval(secs => ${CLAIM_LEASE_SECONDS})
               AND NOT coalesce(${CREATED_MARK}, false)))`)
  const inserted = await (await db(payload)).execute(sql`
    INSERT INTO booking_idempotency_keys (user_id, key, request_hash) VALUES (${userId}, ${key}, ${hash})
    ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`)
  if (inserted.rows.length > 0) return { kind: 'claimed' }
  const { rows } = await (await db(payload)).execute(sql`
    SELECT request_hash, status_code, response FROM booking_idempotency_keys WHERE user_id = ${userId} AND key = ${key}`)
  const row = rows[0]
  if (!row) return claimKey(payload, userId, key, hash)
  if (row.request_hash !== hash) return { kind: 'mismatch' }
  if (row.status_code === null || row.status_code === undefined) {
    const bookingId = (row.response as { bookingId?: unknown } | null)?.bookingId
    return typeof bookingId === 'number' ? { kind: 'created', bookingId } : { kind: 'in_progress' }
  }
  return { kind: 'replay', response: { status: Number(row.status_code), body: row.response } }
}

export async function recordResponse(payload: Payload, userId: number, key: string, response: StoredResponse): Promise<void> {
  await (await db(payload)).execute(sql`
    UPDATE booking_idempotency_keys SET status_code = ${response.status}, response = ${JSON.stringify(response.body)}::jsonb
    WHERE user_id = ${userId} AND key = ${key}`)
}

/**
 * The work failed in a way worth retrying (a 5xx): let the next request with this key try again —
 * unless the booking was written, which the next request then answers with.
 */
export async function releaseKey(payload: Payload, userId: number, key: string): Promise<void> {
  await (await db(payload)).execute(sql`
    DELETE FROM booking_idempotency_keys
    WHERE user_id = ${userId} AND key = ${key} AND status_code IS NULL AND NOT coalesce(${CREATED_MARK}, false)`)
}

/**
 * The part of the booking's INSERT statement that marks the claim with the new booking's id (`booking`
 * is the statement's CTE that returns it), so the booking and the mark commit together.
 */
export const createdMark = (claim: KeyClaim): SQL => sql`
    UPDATE booking_idempotency_keys SET response = jsonb_build_object('bookingId', booking.id)
    FROM booking WHERE user_id = ${claim.userId} AND key = ${claim.key} AND status_code IS NULL`
