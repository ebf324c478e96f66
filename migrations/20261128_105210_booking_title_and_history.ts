import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

/**
 * Bookings get a human `title` and a status `history` (collections/Bookings.ts). Existing bookings get
 * both from what they already record.
 *
 * The title is src/domain/bookingTitle.ts written in SQL ("Sam Lee · Villa on Lake Como · 11–15 Jan
 * 2027": the guest's and the listing's names as they are now, formatStay's three shapes of dates);
 * tests/int/booking-history-migration.test.ts holds the two to the same answers.
 *
 * The history is what the rows tell, and no more:
 * - the first status at createdAt, by the guest: `requested` for a booking that is or was declined as a
 *   request, or whose listing does not take instant bookings (as it is now: the best guess there is);
 *   otherwise `awaiting_payment`, as instant bookings start;
 * - `confirmed` at confirmedAt, by the system (the payment);
 * - `cancelled` at cancelledAt by cancelledBy (the guest's or host's account; staff unknown), with the reason;
 * - `declined` (by the host), `expired` and `completed` (by the system): no column recorded when these
 *   happened, so their time is updatedAt — the booking's last change, the best-known time — and their
 *   note says so.
 * A host's acceptance of a request (requested → awaiting_payment) was never recorded: it is left out,
 * and the panel's timeline shows that step as passed at an unrecorded time.
 */
/** Leading and trailing white space, as String#trim removes it. */
const EDGE_SPACE = '^[[:space:]]+|[[:space:]]+$'
const BEST_KNOWN_TIME = 'Recorded before status history was kept: the time is when the booking last changed.'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_bookings_history_status" AS ENUM('requested', 'awaiting_payment', 'confirmed', 'declined', 'expired', 'cancelled', 'completed');
  CREATE TYPE "public"."enum_bookings_history_actor" AS ENUM('guest', 'host', 'staff', 'system');
  CREATE TABLE "bookings_history" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"status" "enum_bookings_history_status" NOT NULL,
  	"at" timestamp(3) with time zone NOT NULL,
  	"actor" "enum_bookings_history_actor" NOT NULL,
  	"by_id" integer,
  	"note" varchar
  );
  
  ALTER TABLE "bookings" ADD COLUMN "title" varchar;
  ALTER TABLE "bookings_history" ADD CONSTRAINT "bookings_history_by_id_users_id_fk" FOREIGN KEY ("by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "bookings_history" ADD CONSTRAINT "bookings_history_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "bookings_history_order_idx" ON "bookings_history" USING btree ("_order");
  CREATE INDEX "bookings_history_parent_id_idx" ON "bookings_history" USING btree ("_parent_id");
  CREATE INDEX "bookings_history_by_idx" ON "bookings_history" USING btree ("by_id");`)

  await db.execute(sql`
  UPDATE "bookings" b SET "title" =
    coalesce(nullif(regexp_replace((SELECT u."name" FROM "users" u WHERE u."id" = b."guest_id"), ${EDGE_SPACE}, '', 'g'), ''), 'Guest') || ' · ' ||
    coalesce(nullif(regexp_replace((SELECT p."title" FROM "properties" p WHERE p."id" = b."property_id"), ${EDGE_SPACE}, '', 'g'), ''), 'Listing') ||
    CASE
      WHEN b."check_in" IS NULL OR b."check_out" IS NULL THEN ''
      WHEN date_part('year', b."check_in") <> date_part('year', b."check_out")
        THEN ' · ' || to_char(b."check_in", 'FMDD Mon YYYY') || ' – ' || to_char(b."check_out", 'FMDD Mon YYYY')
      WHEN date_part('month', b."check_in") <> date_part('month', b."check_out")
        THEN ' · ' || to_char(b."check_in", 'FMDD Mon') || ' – ' || to_char(b."check_out", 'FMDD Mon YYYY')
      ELSE ' · ' || to_char(b."check_in", 'FMDD') || '–' || to_char(b."check_out", 'FMDD Mon YYYY')
    END;`)

  await db.execute(sql`
  INSERT INTO "bookings_history" ("_order", "_parent_id", "id", "status", "at", "actor", "by_id", "note")
  SELECT row_number() OVER (PARTITION BY e."booking" ORDER BY e."step"), e."booking",
    substr(md5(random()::text || e."booking" || '-' || e."step"), 1, 24),
    e."status"::"enum_bookings_history_status", e."at", e."actor"::"enum_bookings_history_actor", e."by", e."note"
  FROM (
    SELECT b."id" AS "booking", 1 AS "step",
      CASE WHEN b."status" IN ('requested', 'declined') OR p."instant_book" = false THEN 'requested' ELSE 'awaiting_payment' END AS "status",
      b."created_at" AS "at", 'guest' AS "actor", b."guest_id" AS "by", NULL::varchar AS "note"
    FROM "bookings" b LEFT JOIN "properties" p ON p."id" = b."property_id"
    UNION ALL
    SELECT b."id", 2, 'confirmed', b."confirmed_at", 'system', NULL, NULL
    FROM "bookings" b WHERE b."confirmed_at" IS NOT NULL
    UNION ALL
    SELECT b."id", 3, 'cancelled', coalesce(b."cancelled_at", b."updated_at"), coalesce(b."cancelled_by"::text, 'system'),
      CASE b."cancelled_by" WHEN 'guest' THEN b."guest_id" WHEN 'host' THEN b."host_id" END,
      CASE WHEN b."cancelled_at" IS NULL THEN ${BEST_KNOWN_TIME} ELSE b."cancellation_reason" END
    FROM "bookings" b WHERE b."status" = 'cancelled'
    UNION ALL
    SELECT b."id", 3, b."status"::text, b."updated_at",
      CASE b."status" WHEN 'declined' THEN 'host' ELSE 'system' END,
      CASE b."status" WHEN 'declined' THEN b."host_id" END,
      ${BEST_KNOWN_TIME}
    FROM "bookings" b WHERE b."status" IN ('declined', 'expired', 'completed')
  ) e
  WHERE e."at" IS NOT NULL;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP TABLE "bookings_history" CASCADE;
  ALTER TABLE "bookings" DROP COLUMN "title";
  DROP TYPE "public"."enum_bookings_history_status";
  DROP TYPE "public"."enum_bookings_history_actor";`)
}
