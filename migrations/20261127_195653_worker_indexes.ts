import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

/**
 * Indexes for the queries the worker runs (jobs/processors, src/services/reconciliation.ts,
 * src/services/payments.ts), so none of them scans `bookings` at 2M rows. Each is partial on the
 * status its query filters by, so it holds only the few rows still waiting for the worker (holds not
 * yet expired, stays not yet completed, pending reviews and events, cancellations not yet handed over)
 * and stays small however many bookings accumulate. Measured with EXPLAIN (ANALYZE, BUFFERS) at 100k
 * listings / 2M bookings (numbers in the README, "Worker queries").
 *
 * Plain CREATE INDEX (a migration runs in a transaction, where CONCURRENTLY is refused): each takes
 * 0.2–4 s at 2M bookings, during which writes to that table wait.
 */
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  -- The sweep's overdue holds and requests, oldest hold first.
  CREATE INDEX IF NOT EXISTS "bookings_holds_to_expire_idx" ON "bookings" ("hold_expires_at") WHERE "status" IN ('awaiting_payment', 'requested');
  -- The sweep's finished stays (confirmed, checked out before today), by check-out.
  CREATE INDEX IF NOT EXISTS "bookings_stays_to_complete_idx" ON "bookings" ("check_out") WHERE "status" = 'confirmed';
  -- Reconciliation: cancellations whose refund and mails were never queued.
  CREATE INDEX IF NOT EXISTS "bookings_cancellations_to_queue_idx" ON "bookings" ("cancelled_at") WHERE "status" = 'cancelled' AND "cancellation_queued_at" IS NULL;
  -- Reconciliation's refund backstop: bookings cancelled within the recovery window…
  CREATE INDEX IF NOT EXISTS "bookings_cancelled_at_idx" ON "bookings" ("cancelled_at") WHERE "cancelled_at" IS NOT NULL;
  -- …and payments that took money within it (with their booking, for the join).
  CREATE INDEX IF NOT EXISTS "payments_money_taken_created_at_idx" ON "payments" ("created_at") INCLUDE ("booking_id") WHERE "status" IN ('succeeded', 'partially_refunded', 'disputed');
  -- The sweep's reviews whose reveal job was lost, oldest first.
  CREATE INDEX IF NOT EXISTS "reviews_pending_created_at_idx" ON "reviews" ("created_at") WHERE "status" = 'pending';
  -- Reconciliation: stored Stripe events whose job was lost.
  CREATE INDEX IF NOT EXISTS "stripe_events_pending_received_at_idx" ON "stripe_events" ("received_at") WHERE "status" = 'pending';
  -- Reconciliation: runs whose worker died.
  CREATE INDEX IF NOT EXISTS "reconciliation_reports_running_started_at_idx" ON "reconciliation_reports" ("started_at") WHERE "status" = 'running';
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP INDEX IF EXISTS "bookings_holds_to_expire_idx";
  DROP INDEX IF EXISTS "bookings_stays_to_complete_idx";
  DROP INDEX IF EXISTS "bookings_cancellations_to_queue_idx";
  DROP INDEX IF EXISTS "bookings_cancelled_at_idx";
  DROP INDEX IF EXISTS "payments_money_taken_created_at_idx";
  DROP INDEX IF EXISTS "reviews_pending_created_at_idx";
  DROP INDEX IF EXISTS "stripe_events_pending_received_at_idx";
  DROP INDEX IF EXISTS "reconciliation_reports_running_started_at_idx";
  `)
}
