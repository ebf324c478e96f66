import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_bookings_status" AS ENUM('requested', 'awaiting_payment', 'confirmed', 'declined', 'expired', 'cancelled', 'completed');
  CREATE TYPE "public"."enum_bookings_quote_currency" AS ENUM('EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK');
  CREATE TYPE "public"."enum_bookings_cancellation_policy" AS ENUM('flexible', 'moderate', 'strict', 'non_refundable');
  CREATE TYPE "public"."enum_bookings_cancelled_by" AS ENUM('guest', 'host', 'staff');
  CREATE TYPE "public"."enum_availability_blocks_reason" AS ENUM('owner_use', 'maintenance', 'other');
  CREATE TABLE "bookings_quote_per_night" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"date" varchar,
  	"rate" numeric,
  	"weekend" boolean
  );
  
  CREATE TABLE "bookings" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"property_id" integer NOT NULL,
  	"guest_id" integer,
  	"host_id" integer,
  	"check_in" timestamp(3) with time zone NOT NULL,
  	"check_out" timestamp(3) with time zone NOT NULL,
  	"guests" numeric NOT NULL,
  	"status" "enum_bookings_status",
  	"quote_currency" "enum_bookings_quote_currency",
  	"quote_nights" numeric,
  	"quote_nightly_subtotal" numeric,
  	"quote_discount" numeric,
  	"quote_cleaning_fee" numeric,
  	"quote_service_fee" numeric,
  	"quote_taxes" numeric,
  	"quote_total" numeric,
  	"cancellation_policy" "enum_bookings_cancellation_policy",
  	"hold_expires_at" timestamp(3) with time zone,
  	"cancelled_at" timestamp(3) with time zone,
  	"cancelled_by" "enum_bookings_cancelled_by",
  	"cancellation_reason" varchar,
  	"refund_amount" numeric,
  	"message_to_host" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "availability_blocks" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"property_id" integer NOT NULL,
  	"host_id" integer,
  	"start_date" timestamp(3) with time zone NOT NULL,
  	"end_date" timestamp(3) with time zone NOT NULL,
  	"reason" "enum_availability_blocks_reason" DEFAULT 'owner_use' NOT NULL,
  	"note" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "bookings_quote_per_night" ADD CONSTRAINT "bookings_quote_per_night_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "bookings" ADD CONSTRAINT "bookings_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "bookings" ADD CONSTRAINT "bookings_guest_id_users_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "bookings" ADD CONSTRAINT "bookings_host_id_users_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "availability_blocks" ADD CONSTRAINT "availability_blocks_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "availability_blocks" ADD CONSTRAINT "availability_blocks_host_id_users_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "bookings_quote_per_night_order_idx" ON "bookings_quote_per_night" USING btree ("_order");
  CREATE INDEX "bookings_quote_per_night_parent_id_idx" ON "bookings_quote_per_night" USING btree ("_parent_id");
  CREATE INDEX "bookings_property_idx" ON "bookings" USING btree ("property_id");
  CREATE INDEX "bookings_guest_idx" ON "bookings" USING btree ("guest_id");
  CREATE INDEX "bookings_host_idx" ON "bookings" USING btree ("host_id");
  CREATE INDEX "bookings_status_idx" ON "bookings" USING btree ("status");
  CREATE INDEX "bookings_updated_at_idx" ON "bookings" USING btree ("updated_at");
  CREATE INDEX "bookings_created_at_idx" ON "bookings" USING btree ("created_at");
  CREATE INDEX "availability_blocks_property_idx" ON "availability_blocks" USING btree ("property_id");
  CREATE INDEX "availability_blocks_host_idx" ON "availability_blocks" USING btree ("host_id");
  CREATE INDEX "availability_blocks_updated_at_idx" ON "availability_blocks" USING btree ("updated_at");
  CREATE INDEX "availability_blocks_created_at_idx" ON "availability_blocks" USING btree ("created_at");`)

  // Hand-written (kept by later migrate:create runs): the listing calendar. Bookings and blocks are two
  // tables, but an exclusion constraint lives on one, so triggers mirror every active booking and every
  // block into stay_reservations, where overlapping nights of one listing are impossible. The mirror is
  // written in the same transaction as the booking, so racing requests cannot both commit. The
  // constraint has no enum column, so later changes to booking statuses never have to drop it.
  await db.execute(sql`
  CREATE EXTENSION IF NOT EXISTS btree_gist;
  CREATE TABLE "stay_reservations" (
    "id" serial PRIMARY KEY,
    "property_id" integer NOT NULL REFERENCES "properties"("id") ON DELETE CASCADE,
    "booking_id" integer UNIQUE REFERENCES "bookings"("id") ON DELETE CASCADE,
    "block_id" integer UNIQUE REFERENCES "availability_blocks"("id") ON DELETE CASCADE,
    "nights" daterange NOT NULL CHECK (NOT isempty("nights")),
    CHECK (("booking_id" IS NULL) <> ("block_id" IS NULL)),
    CONSTRAINT "stay_reservations_no_overlap" EXCLUDE USING gist ("property_id" WITH =, "nights" WITH &&)
  );

  CREATE FUNCTION "staybase_sync_booking_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM "stay_reservations" WHERE "booking_id" = NEW."id";
    IF NEW."status"::text IN ('requested', 'awaiting_payment', 'confirmed') THEN
      INSERT INTO "stay_reservations" ("property_id", "booking_id", "nights")
      VALUES (NEW."property_id", NEW."id",
              daterange((NEW."check_in" AT TIME ZONE 'UTC')::date, (NEW."check_out" AT TIME ZONE 'UTC')::date, '[)'));
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER "bookings_sync_reservation"
    AFTER INSERT OR UPDATE OF "status", "check_in", "check_out", "property_id" ON "bookings"
    FOR EACH ROW EXECUTE FUNCTION "staybase_sync_booking_reservation"();

  CREATE FUNCTION "staybase_sync_block_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM "stay_reservations" WHERE "block_id" = NEW."id";
    INSERT INTO "stay_reservations" ("property_id", "block_id", "nights")
    VALUES (NEW."property_id", NEW."id",
            daterange((NEW."start_date" AT TIME ZONE 'UTC')::date, (NEW."end_date" AT TIME ZONE 'UTC')::date, '[)'));
    RETURN NEW;
  END $$;
  CREATE TRIGGER "availability_blocks_sync_reservation"
    AFTER INSERT OR UPDATE OF "start_date", "end_date", "property_id" ON "availability_blocks"
    FOR EACH ROW EXECUTE FUNCTION "staybase_sync_block_reservation"();`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP TABLE IF EXISTS "stay_reservations";
  DROP TRIGGER IF EXISTS "bookings_sync_reservation" ON "bookings";
  DROP TRIGGER IF EXISTS "availability_blocks_sync_reservation" ON "availability_blocks";
  DROP FUNCTION IF EXISTS "staybase_sync_booking_reservation"();
  DROP FUNCTION IF EXISTS "staybase_sync_block_reservation"();
   DROP TABLE "bookings_quote_per_night" CASCADE;
  DROP TABLE "bookings" CASCADE;
  DROP TABLE "availability_blocks" CASCADE;
  DROP TYPE "public"."enum_bookings_status";
  DROP TYPE "public"."enum_bookings_quote_currency";
  DROP TYPE "public"."enum_bookings_cancellation_policy";
  DROP TYPE "public"."enum_bookings_cancelled_by";
  DROP TYPE "public"."enum_availability_blocks_reason";`)
}
