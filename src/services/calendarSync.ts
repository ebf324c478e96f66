import { createHash } from 'node:crypto'

import { sql } from '@payloadcms/db-postgres'
import { type Payload, type PayloadRequest, createLocalReq } from 'payload'

import { ACTIVE_STATUSES } from '@/domain/bookingStatus'
import { type FeedConflict, classifyEvents, mergeConflicts } from '@/domain/calendarImport'
import { type ImportedEvent, parseCalendar } from '@/domain/icalImport'
import { parseId } from '@/domain/ids'
import { bookingRef } from '@/domain/payments'
import { utcDate } from '@/domain/stayDates'
import { CALENDAR_SYNC_QUEUE, MAIL_QUEUE, calendarJobIds } from '@/jobs/registry'
import { env } from '@/lib/env'
import type { CalendarFeed } from '@/payload-types'
import { afterCommit } from './afterCommit'
import { bumpAfterCommit, nightsDeps } from './cache'
import { fetchCalendar } from './calendarFetch'
import { enqueue, queue } from './queue'
import { lockListingCalendar } from './reservations'
import { sqlExecutor } from './sqlExecutor'
import { inTransaction } from './transaction'

/**
 * One sync of one imported calendar feed (README "Calendar import (iCal)"):
 * 1. fetch and parse it, outside any transaction (a slow feed holds no lock);
 * 2. under the listing's calendar lock, in ONE transaction: read the listing's active bookings, classify
 *    the events (echo / conflict / plain, src/domain/calendarImport.ts), make the feed's stored events
 *    exactly the feed's (new ones take nights, moved ones move, missing ones free theirs), and record
 *    the feed's status and conflicts. A booking racing the sync either commits first (the sync sees it:
 *    a conflict, recorded) or waits for the lock and then meets the events (the bookings trigger refuses
 *    it: 409 DATES_UNAVAILABLE);
 * 3. after the commit: mail the host about new conflicts (one mail per feed, event and booking).
 * A fetch or parse failure records lastStatus 'error' and the reason and leaves the events as they were:
 * a site that is down does not free its nights. Other feeds are never touched.
 */
export type SyncResult = { status: 'ok' | 'error' | 'gone' | 'superseded'; message: string }

const ourHost = () => new URL(env.SERVER_URL).host

export async function syncFeed(payload: Payload, feedId: number): Promise<SyncResult> {
  const feed = await payload.findByID({ collection: 'calendar-feeds', id: feedId, depth: 0, overrideAccess: true, disableErrors: true })
  if (!feed) return { status: 'gone', message: `feed ${feedId} is gone` }
  const fetched = await fetchCalendar(feed.url)
  const parsed = fetched.ok ? parseCalendar(fetched.body, { today: utcDate(new Date()) }) : null
  const failure = !fetched.ok ? fetched.message : parsed && !parsed.ok ? parsed.message : null
  if (failure !== null || !parsed?.ok) {
    await recordFailure(payload, feed, failure ?? 'The calendar could not be read.')
    return { status: 'error', message: `feed ${feedId}: ${failure}` }
  }
  const req = await createLocalReq({}, payload)
  let outcome: Mirrored
  try {
    outcome = await inTransaction(req, () => mirrorFeed(req, feed, parsed.events))
  } catch (error) {
    // Never the driver's text on the feed or in the log: Drizzle's messages carry the query's
    // parameters, the feed's secret URL among them. The feed shows it failed instead of freezing.
    const cause = error as { code?: unknown; name?: unknown }
    payload.logger.error({ feedId, code: cause?.code, name: cause?.name, msg: 'calendar feed sync could not store the calendar' })
    await recordFailure(payload, feed, STORE_FAILED)
    return { status: 'error', message: `feed ${feedId}: the calendar could not be stored` }
  }
  if (outcome.status !== 'ok') return outcome
  for (const conflict of outcome.added) {
    await enqueue(
      MAIL_QUEUE,
      'calendar-conflict',
      { feedId, uid: conflict.uid, bookingId: conflict.booking },
      { jobId: calendarJobIds.conflictMail(feedId, uidHash(conflict.uid), conflict.ref) },
    ).catch((error: unknown) => payload.logger.warn({ err: error, feedId, msg: 'could not queue the conflict mail' }))
  }
  return { status: 'ok', message: outcome.message }
}

const STORE_FAILED = 'The calendar could not be stored; Staybase has logged the problem.'

export const uidHash = (uid: string) => createHash('sha256').update(uid).digest('hex').slice(0, 16)

type Mirrored = { status: 'ok'; message: string; added: (FeedConflict & { ref: string })[] } | { status: 'superseded'; message: string }

async function mirrorFeed(req: PayloadRequest, feed: CalendarFeed, imported: readonly ImportedEvent[]): Promise<Mirrored> {
  const propertyId = parseId(feed.property)!
  await lockListingCalendar(req, propertyId)
  const db = await sqlExecutor(req.payload, req)
  // Re-read under the lock: a feed deleted or given another address meanwhile is not written over.
  const { rows: current } = await db.execute(sql`SELECT url, property_id FROM calendar_feeds WHERE id = ${feed.id} FOR UPDATE`)
  if (current[0]?.url !== feed.url || Number(current[0]?.property_id) !== propertyId)
    return { status: 'superseded', message: `feed ${feed.id} changed while it was fetched` }

  const { rows: bookingRows } = await db.execute(sql`
    SELECT id, check_in::text AS check_in, check_out::text AS check_out, created_at FROM bookings
    WHERE property_id = ${propertyId} AND status::text IN (${sql.join(
      ACTIVE_STATUSES.map((s) => sql`${s}`),
      sql`, `,
    )})`)
  const bookings = bookingRows.map((r) => ({ id: Number(r.id), checkIn: String(r.check_in), checkOut: String(r.check_out) }))
  const created = new Map(bookingRows.map((r) => [Number(r.id), new Date(String(r.created_at)).toISOString()]))
  // One row per UID (a feed that repeats one keeps its last).
  const unique = [...new Map(imported.map((e) => [e.uid, e])).values()]
  const events = classifyEvents(unique, bookings, ourHost())
  const now = new Date().toISOString()
  const rows = JSON.stringify(
    events.map((e) => ({ uid: e.uid, start_date: e.start, end_date: e.end, summary: e.summary ?? null, echo: e.echo, echo_of: e.echoOf })),
  )
  const host = parseId(feed.host)
  const { rows: written } = await db.execute(sql`
    INSERT INTO calendar_events AS c (feed_id, property_id, host_id, uid, start_date, end_date, summary, echo, echo_of_id, updated_at, created_at)
    SELECT ${feed.id}, ${propertyId}, ${host}, e.uid, e.start_date::date, e.end_date::date, e.summary, e.echo, e.echo_of, ${now}, ${now}
    FROM jsonb_to_recordset(${rows}::jsonb) AS e(uid varchar, start_date varchar, end_date varchar, summary varchar, echo boolean, echo_of integer)
    ON CONFLICT (feed_id, uid) DO UPDATE SET start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, summary = EXCLUDED.summary,
      echo = EXCLUDED.echo, echo_of_id = EXCLUDED.echo_of_id, property_id = EXCLUDED.property_id, host_id = EXCLUDED.host_id, updated_at = EXCLUDED.updated_at
    WHERE (c.start_date, c.end_date, c.summary, c.echo, c.echo_of_id, c.property_id, c.host_id)
      IS DISTINCT FROM (EXCLUDED.start_date, EXCLUDED.end_date, EXCLUDED.summary, EXCLUDED.echo, EXCLUDED.echo_of_id, EXCLUDED.property_id, EXCLUDED.host_id)
    RETURNING c.id`)
  const { rows: removed } = await db.execute(sql`
    DELETE FROM calendar_events WHERE feed_id = ${feed.id}
      AND uid NOT IN (SELECT jsonb_array_elements_text(${JSON.stringify(events.map((e) => e.uid))}::jsonb))
    RETURNING id`)
  if (written.length > 0 || removed.length > 0) await bumpAfterCommit(req, nightsDeps({ property: propertyId }))

  // The conflicts as they are now, under the lock: a sync that ran while this one fetched may have
  // recorded some, and their firstSeenAt must not be reset.
  const locked = await req.payload.findByID({ collection: 'calendar-feeds', id: feed.id, depth: 0, overrideAccess: true, req })
  const previous = (locked.conflicts ?? []).map((c) => ({
    uid: c.uid,
    booking: parseId(c.booking)!,
    startDate: c.startDate,
    endDate: c.endDate,
    firstSeenAt: c.firstSeenAt,
  }))
  const { conflicts, added } = mergeConflicts(previous, events, now)
  await req.payload.update({
    collection: 'calendar-feeds',
    id: feed.id,
    data: { lastStatus: 'ok', lastSyncedAt: now, lastError: null, eventCount: events.length, conflicts },
    depth: 0,
    overrideAccess: true,
    req,
  })
  const echoes = events.filter((e) => e.echo).length
  return {
    status: 'ok',
    message: `feed ${feed.id}: ${events.length} events (${echoes} echoes, ${conflicts.length} conflicts), ${written.length} written, ${removed.length} removed`,
    added: added.map((c) => ({ ...c, ref: bookingRef({ id: c.booking, createdAt: created.get(c.booking)! }) })),
  }
}

async function recordFailure(payload: Payload, feed: CalendarFeed, message: string): Promise<void> {
  await payload.update({
    collection: 'calendar-feeds',
    id: feed.id,
    data: { lastStatus: 'error', lastError: message.slice(0, 500) },
    depth: 0,
    overrideAccess: true,
  })
}

/**
 * Sync a feed soon: after the caller's commit (so the worker reads what it wrote), or now without one.
 * A failed enqueue (Redis down) is logged; the scheduled round syncs the feed anyway.
 */
export async function enqueueFeedSync(req: PayloadRequest, feedId: number, why: string): Promise<void> {
  const send = async (id: number) => {
    try {
      await enqueue(CALENDAR_SYNC_QUEUE, 'sync-feed', { feedId: id }, { jobId: calendarJobIds.syncFeed(id, why), attempts: 1 })
    } catch (error) {
      req.payload.logger.warn({ err: error, feedId: id, msg: 'could not queue the feed sync; the scheduled round syncs it' })
    }
  }
  const pending = await afterCommit(
    req,
    'calendar-sync',
    () => new Set<number>(),
    async (ids) => {
      for (const id of ids) await send(id)
    },
  )
  if (pending) pending.add(feedId)
  else await send(feedId)
}

/** The scheduled round: one `sync-feed` per feed, named by the period's slot, so each feed syncs once per slot. */
export async function enqueueAllFeeds(payload: Payload, now: Date): Promise<number> {
  const period = Math.round(env.CALENDAR_SYNC_MINUTES * 60_000)
  const slot = Math.floor(now.getTime() / period) * period
  const db = await sqlExecutor(payload)
  const { rows } = await db.execute(sql`SELECT id FROM calendar_feeds ORDER BY id`)
  // A slot's job id only has to outlive its slot: kept two periods, not the week of enqueue()'s ids.
  const keep = { age: Math.ceil((2 * period) / 1000) }
  await queue(CALENDAR_SYNC_QUEUE).addBulk(
    rows.map((row) => ({
      name: 'sync-feed',
      data: { feedId: Number(row.id) },
      opts: { jobId: calendarJobIds.syncFeed(Number(row.id), `slot-${slot}`), attempts: 1, removeOnComplete: keep, removeOnFail: keep },
    })),
  )
  return rows.length
}
