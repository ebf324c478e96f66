import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

// Hand-written: Idempotency-Key records for POST /api/bookings (src/services/idempotency.ts). Internal
// bookkeeping, not a Payload collection: nobody reads or edits it through the API.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  CREATE TABLE "booking_idempotency_keys" (
    "user_id" integer NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
    "key" varchar(255) NOT NULL,
    "request_hash" char(64) NOT NULL,
    "status_code" integer,
    "response" jsonb,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("user_id", "key")
  );
  CREATE INDEX "booking_idempotency_keys_created_at_idx" ON "booking_idempotency_keys" ("created_at");`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`DROP TABLE IF EXISTS "booking_idempotency_keys";`)
}
