import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "bookings" ADD COLUMN "cancellation_queued_at" timestamp(3) with time zone;
   -- Cancellations made before this column existed were handed to the queue by the cancel request (or
   -- their mails are lost for good): reconciliation must not mail them again.
   UPDATE "bookings" SET "cancellation_queued_at" = COALESCE("cancelled_at", "updated_at") WHERE "status" = 'cancelled';`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "bookings" DROP COLUMN "cancellation_queued_at";`)
}
