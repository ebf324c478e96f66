import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

import { sql } from '@payloadcms/db-postgres/drizzle'
import ical from 'ical-generator'
import type { Payload } from 'payload'

import { type ReservedRow, feedEvents } from '@/domain/calendarFeed'
import { env } from '@/lib/env'
import { type CacheOutcome, cachedText, deps } from './cache'
import { sqlExecutor } from './sqlExecutor'

/**
 * A listing's secret iCal feed (GET /api/properties/:id/calendar.ics?token=…), polled every few minutes
 * by other booking sites. The token is the only credential, so it is long (32 random bytes), compared in
 * constant time, and checked against the stored row on every request — the cached feed is keyed by the
 * listing alone and is never served before that check, so a regenerated token locks the old URL out at once.
 */
export const newCalendarToken = (): string => randomBytes(32).toString('hex')

/** Whether `given` is the listing's token, in time independent of where they differ (hashing first evens the lengths). */
export function calendarTokenMatches(stored: string | null, given: string | undefined): boolean {
  if (!stored || !given) return false
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(stored), digest(given))
}

export async function storedCalendarToken(payload: Payload, propertyId: number): Promise<string | null> {
  const { rows } = await (await sqlExecutor(payload)).execute(sql`SELECT calendar_token FROM properties WHERE id = ${propertyId}`)
  const token = rows[0]?.calendar_token
  return typeof token === 'string' ? token : null
}

/** A new token for the listing, in its row and in its saved versions (a draft read must not show the old one). */
export async function replaceCalendarToken(payload: Payload, propertyId: number): Promise<string | null> {
  const token = newCalendarToken()
  // One statement, so the listing and its versions never disagree about which token is current.
  const { rows } = await (await sqlExecutor(payload)).execute(sql`
    WITH listing AS (UPDATE properties SET calendar_token = ${token} WHERE id = ${propertyId} RETURNING id),
      versions AS (UPDATE _properties_v SET version_calendar_token = ${token} WHERE parent_id IN (SELECT id FROM listing))
    SELECT id FROM listing`)
  return rows.length === 0 ? null : token
}

/**
 * How far back the feed goes: other sites only need what is still to come, and a listing's history
 * would otherwise grow the feed (and every poll) without bound.
 */
const PAST_DAYS = 90

async function reservedRows(payload: Payload, propertyId: number): Promise<ReservedRow[]> {
  // stay_reservations holds exactly the nights that are taken (active bookings, every block): the same
  // rule availability, quotes and search read.
  const { rows } = await (await sqlExecutor(payload)).execute(sql`
    SELECT 'booking' AS kind, b.id, lower(r.nights)::text AS start, upper(r.nights)::text AS "end", b.created_at, b.updated_at
      FROM stay_reservations r JOIN bookings b ON b.id = r.booking_id
      WHERE r.property_id = ${propertyId} AND upper(r.nights) >= current_date - ${PAST_DAYS}::int
    UNION ALL
    SELECT 'block' AS kind, k.id, lower(r.nights)::text, upper(r.nights)::text, k.created_at, k.updated_at
      FROM stay_reservations r JOIN availability_blocks k ON k.id = r.block_id
      WHERE r.property_id = ${propertyId} AND upper(r.nights) >= current_date - ${PAST_DAYS}::int`)
  return rows.map((r) => ({
    kind: r.kind === 'block' ? 'block' : 'booking',
    id: Number(r.id),
    start: String(r.start),
    end: String(r.end),
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  }))
}

/** The all-day date as ical-generator writes it without a time zone: its UTC calendar date. */
const day = (date: string) => new Date(`${date}T00:00:00Z`)

export function renderFeed(propertyId: number, rows: readonly ReservedRow[]): string {
  const host = new URL(env.SERVER_URL).host
  const calendar = ical({ prodId: { company: 'Staybase', product: 'Listing calendar' }, name: `Staybase listing ${propertyId}` })
  for (const event of feedEvents(rows, host)) {
    calendar.createEvent({
      id: event.uid,
      start: day(event.start),
      end: day(event.end),
      allDay: true,
      summary: event.summary,
      stamp: event.stamp,
    })
  }
  // RFC 5545 ends every content line with CRLF, the last one too; ical-generator leaves the last one bare.
  const text = calendar.toString()
  return text.endsWith('\r\n') ? text : `${text}\r\n`
}

/** The listing's feed, from the cache while its bookings, blocks and document are unchanged. */
export async function calendarFeed(payload: Payload, propertyId: number): Promise<{ text: string; outcome: CacheOutcome }> {
  const { text, outcome } = await cachedText(`ical:${propertyId}`, [deps.listing(propertyId), deps.calendar(propertyId)], async () =>
    renderFeed(propertyId, await reservedRows(payload, propertyId)),
  )
  return { text: text as string, outcome }
}
