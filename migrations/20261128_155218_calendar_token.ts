import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

/**
 * The secret of each listing's iCal feed (GET /api/properties/:id/calendar.ics?token=…). New listings
 * get one from the app (hooks/properties/assignCalendarToken); existing rows — and rows written by
 * anything but Payload (seeders, tests) — from the column default: 64 hex characters of SHA-256 over
 * two random UUIDs (244 random bits; PostgreSQL 15 has both built in, no pgcrypto). Unique, so one
 * token can never open two listings' calendars. Versions carry the token of their time; the regenerate
 * endpoint rewrites them with the new one.
 */
const RANDOM_TOKEN = sql.raw(`encode(sha256((gen_random_uuid()::text || gen_random_uuid()::text)::bytea), 'hex')`)

export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
    ALTER TABLE "properties" ADD COLUMN "calendar_token" varchar NOT NULL DEFAULT ${RANDOM_TOKEN};
    CREATE UNIQUE INDEX "properties_calendar_token_idx" ON "properties" USING btree ("calendar_token");
    ALTER TABLE "_properties_v" ADD COLUMN "version_calendar_token" varchar;
    UPDATE "_properties_v" v SET "version_calendar_token" = p."calendar_token" FROM "properties" p WHERE p."id" = v."parent_id";`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
    ALTER TABLE "properties" DROP COLUMN "calendar_token";
    ALTER TABLE "_properties_v" DROP COLUMN "version_calendar_token";`)
}
