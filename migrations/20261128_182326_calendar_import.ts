import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

/**
 * Imported calendars (README "Calendar import (iCal)"): `calendar_feeds` (with their conflicts) and
 * `calendar_events`, generated, plus by hand:
 * - delete rules: a listing's feeds go with the listing, a feed's events with the feed (their nights are
 *   freed), a conflict with its booking (Payload generated SET NULL on NOT NULL columns: a 500);
 * - `calendar_events_nights_idx`: a partial GiST index on (property, nights) of the events that take
 *   nights (not echoes), so "is an imported night taken in [a, b)" is one index probe, as for
 *   stay_reservations (btree_gist is installed by the bookings migration);
 * - the `bookings_refuse_imported_nights` trigger: a booking that starts taking nights (a new one, one
 *   that becomes active again, one whose nights or listing change) fails with 23P01 "calendar_events_taken"
 *   (answered 409 DATES_UNAVAILABLE, src/lib/constraints.ts) when an imported event holds any of them.
 *   The booking INSERT takes the listing's calendar lock before its row reaches the trigger, and a
 *   PL/pgSQL statement reads a fresh snapshot under READ COMMITTED, so the check sees every sync that
 *   committed while the booking waited for the lock: a booking and a sync of the same nights never both
 *   win without a conflict being recorded. Imported events are not in stay_reservations, whose exclusion
 *   constraint would refuse two feeds (or a feed and a block) saying the same thing.
 */

export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_calendar_feeds_last_status" AS ENUM('pending', 'ok', 'error');
  CREATE TABLE "calendar_feeds_conflicts" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"uid" varchar NOT NULL,
  	"booking_id" integer NOT NULL,
  	"start_date" varchar NOT NULL,
  	"end_date" varchar NOT NULL,
  	"first_seen_at" timestamp(3) with time zone NOT NULL
  );
  
  CREATE TABLE "calendar_feeds" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"property_id" integer NOT NULL,
  	"host_id" integer,
  	"name" varchar NOT NULL,
  	"url" varchar NOT NULL,
  	"last_status" "enum_calendar_feeds_last_status" DEFAULT 'pending',
  	"last_synced_at" timestamp(3) with time zone,
  	"last_error" varchar,
  	"event_count" numeric DEFAULT 0,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "calendar_events" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"feed_id" integer NOT NULL,
  	"property_id" integer NOT NULL,
  	"host_id" integer,
  	"uid" varchar NOT NULL,
  	"start_date" date NOT NULL,
  	"end_date" date NOT NULL,
  	"summary" varchar,
  	"echo" boolean DEFAULT false,
  	"echo_of_id" integer,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "calendar_feeds_conflicts" ADD CONSTRAINT "calendar_feeds_conflicts_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "calendar_feeds_conflicts" ADD CONSTRAINT "calendar_feeds_conflicts_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."calendar_feeds"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_host_id_users_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_feed_id_calendar_feeds_id_fk" FOREIGN KEY ("feed_id") REFERENCES "public"."calendar_feeds"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_host_id_users_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_echo_of_id_bookings_id_fk" FOREIGN KEY ("echo_of_id") REFERENCES "public"."bookings"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "calendar_feeds_conflicts_order_idx" ON "calendar_feeds_conflicts" USING btree ("_order");
  CREATE INDEX "calendar_feeds_conflicts_parent_id_idx" ON "calendar_feeds_conflicts" USING btree ("_parent_id");
  CREATE INDEX "calendar_feeds_conflicts_booking_idx" ON "calendar_feeds_conflicts" USING btree ("booking_id");
  CREATE INDEX "calendar_feeds_property_idx" ON "calendar_feeds" USING btree ("property_id");
  CREATE INDEX "calendar_feeds_host_idx" ON "calendar_feeds" USING btree ("host_id");
  CREATE INDEX "calendar_feeds_updated_at_idx" ON "calendar_feeds" USING btree ("updated_at");
  CREATE INDEX "calendar_feeds_created_at_idx" ON "calendar_feeds" USING btree ("created_at");
  CREATE INDEX "calendar_events_feed_idx" ON "calendar_events" USING btree ("feed_id");
  CREATE INDEX "calendar_events_property_idx" ON "calendar_events" USING btree ("property_id");
  CREATE INDEX "calendar_events_host_idx" ON "calendar_events" USING btree ("host_id");
  CREATE INDEX "calendar_events_echo_of_idx" ON "calendar_events" USING btree ("echo_of_id");
  CREATE INDEX "calendar_events_updated_at_idx" ON "calendar_events" USING btree ("updated_at");
  CREATE INDEX "calendar_events_created_at_idx" ON "calendar_events" USING btree ("created_at");
  CREATE UNIQUE INDEX "feed_uid_idx" ON "calendar_events" USING btree ("feed_id","uid");

  CREATE INDEX "calendar_events_nights_idx" ON "calendar_events"
    USING gist ("property_id", daterange("start_date", "end_date", '[)')) WHERE NOT "echo";

  CREATE FUNCTION "staybase_refuse_imported_nights"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW."status"::text IN ('requested', 'awaiting_payment', 'confirmed')
      AND (TG_OP = 'INSERT'
        OR OLD."status"::text NOT IN ('requested', 'awaiting_payment', 'confirmed')
        OR OLD."check_in" <> NEW."check_in" OR OLD."check_out" <> NEW."check_out" OR OLD."property_id" <> NEW."property_id")
      AND EXISTS (
        SELECT 1 FROM "calendar_events" e
        WHERE e."property_id" = NEW."property_id" AND NOT e."echo"
          AND daterange(e."start_date", e."end_date", '[)') && daterange(NEW."check_in", NEW."check_out", '[)'))
    THEN
      RAISE EXCEPTION 'nights taken by an imported calendar' USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'calendar_events_taken';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER "bookings_refuse_imported_nights"
    BEFORE INSERT OR UPDATE OF "status", "check_in", "check_out", "property_id" ON "bookings"
    FOR EACH ROW EXECUTE FUNCTION "staybase_refuse_imported_nights"();`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP TRIGGER "bookings_refuse_imported_nights" ON "bookings";
  DROP FUNCTION "staybase_refuse_imported_nights"();
  DROP TABLE "calendar_feeds_conflicts" CASCADE;
  DROP TABLE "calendar_feeds" CASCADE;
  DROP TABLE "calendar_events" CASCADE;
  DROP TYPE "public"."enum_calendar_feeds_last_status";`)
}
