import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  // Hand-edited: existing reports get a title from their start time before the column becomes required.
  await db.execute(sql`
   ALTER TABLE "reconciliation_reports" ADD COLUMN "title" varchar;
   UPDATE "reconciliation_reports"
     SET "title" = initcap("trigger"::text) || ' run, ' || to_char("started_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC';
   ALTER TABLE "reconciliation_reports" ALTER COLUMN "title" SET NOT NULL;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "reconciliation_reports" DROP COLUMN "title";`)
}
