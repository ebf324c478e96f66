import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

/**
 * Indexes for the calendars (src/components/calendar/calendarData.ts): the bookings and blocks of one
 * listing (or a page of 25) that touch a window of nights — `property IN (…) AND check_in < :to AND
 * check_out > :from` over the statuses a calendar shows.
 *
 * bookings_property_idx alone hands over every booking a listing ever had, cancelled and declined ones
 * included, to filter down to the window; with (property_id, check_out) over the shown statuses the
 * scan starts at the window and skips the stays already over, so it stays small as a listing's history
 * grows. Blocks get the same (property_id, end_date).
 *
 * Staff's multi-calendar without a host lists everyone's listings by title, 25 a page (Payload adds
 * `created_at DESC` to every sort): a seq scan and top-N sort of all listings, 178 ms at 100k; with
 * (title, created_at DESC) an index walk that stops after 25 rows, 1 ms.
 *
 * Measured with scripts/explainDashboard.ts on bench:seed at 100k listings / 2M bookings: a listing's
 * six weeks 2.0 ms, the host's multi-calendar page (25 listings, two months) 1.5 ms.
 */
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  CREATE INDEX IF NOT EXISTS "bookings_property_calendar_idx" ON "bookings" ("property_id", "check_out") WHERE "status" IN ('requested', 'awaiting_payment', 'confirmed', 'completed');
  CREATE INDEX IF NOT EXISTS "availability_blocks_property_end_date_idx" ON "availability_blocks" ("property_id", "end_date");
  CREATE INDEX IF NOT EXISTS "properties_title_created_at_idx" ON "properties" ("title", "created_at" DESC);
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP INDEX IF EXISTS "bookings_property_calendar_idx";
  DROP INDEX IF EXISTS "availability_blocks_property_end_date_idx";
  DROP INDEX IF EXISTS "properties_title_created_at_idx";
  `)
}
