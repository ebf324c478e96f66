import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

/**
 * Indexes for the admin dashboards (src/components/HostMonths.tsx, src/components/StaffDashboard.tsx),
 * found by EXPLAIN (ANALYZE, BUFFERS) of the SQL Payload sends for them (scripts/explainDashboard.ts) on a
 * `bench:seed` database of 20k listings / 400k bookings, for bench-host (50 listings) and bench-staff:
 *
 * - The host's stays of this month and next (confirmed/completed, check-out after the 1st of this month,
 *   check-in before the 1st of the month after next): bookings_host_idx gave all 1,077 of the host's
 *   bookings to filter down to 77 (999 buffers, 7.5 ms); bookings_host_earning_stays_idx gives the 302
 *   stays not yet over (294 buffers, 2.0 ms), and stays small as past stays accumulate.
 * - Their blocks overlapping the two months: (host_id, end_date) skips the blocks already over (70 → 20
 *   rows read); blocks per host are few, but a host's calendar keeps every past block.
 * - Staff: listings held offline, newest first: a seq scan of all listings (49 ms at 20k) → a partial
 *   index holding only the moderated ones, in the order shown (0.02 ms).
 * - Staff: recently published, newest first: a seq scan and top-N sort (66 ms) → an index walk that stops
 *   after the 8 rows shown (0.06 ms). Payload adds `created_at DESC` to every sort, so both carry it.
 *
 * The other dashboard reads were index-backed already (properties_host_idx, payments_needs_attention_idx,
 * reconciliation_reports_started_at_idx, primary keys).
 */
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  CREATE INDEX IF NOT EXISTS "bookings_host_earning_stays_idx" ON "bookings" ("host_id", "check_out") WHERE "status" IN ('confirmed', 'completed');
  CREATE INDEX IF NOT EXISTS "availability_blocks_host_end_date_idx" ON "availability_blocks" ("host_id", "end_date");
  CREATE INDEX IF NOT EXISTS "properties_moderation_unpublished_at_idx" ON "properties" ("moderation_unpublished_at" DESC, "created_at" DESC) WHERE "moderation_unpublished_at" IS NOT NULL;
  CREATE INDEX IF NOT EXISTS "properties_published_at_idx" ON "properties" ("published_at" DESC, "created_at" DESC) WHERE "_status" = 'published' AND "published_at" IS NOT NULL;
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP INDEX IF EXISTS "bookings_host_earning_stays_idx";
  DROP INDEX IF EXISTS "availability_blocks_host_end_date_idx";
  DROP INDEX IF EXISTS "properties_moderation_unpublished_at_idx";
  DROP INDEX IF EXISTS "properties_published_at_idx";
  `)
}
