import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

/**
 * Stay dates become calendar dates (src/lib/stayDateField.ts): the four columns change from timestamptz,
 * kept at 12:00 UTC of the day, to `date`. The day of each existing row is the one the calendar already
 * used, its UTC date, so stay_reservations (and its exclusion constraint) stays exactly as it was.
 *
 * PostgreSQL refuses to retype a column named in a trigger (the `UPDATE OF` lists), so the two calendar
 * triggers are dropped and created again, now reading the dates as they are.
 *
 * Payload treats the columns as text, so its `like`, `not_like` and `contains` filters reach them as
 * `date ILIKE text`, which PostgreSQL has no operator for (a 500). The two operators below compare the
 * date's written form, `YYYY-MM-DD`: `like 2027-04` finds the stays of April 2027.
 */
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  DROP TRIGGER "bookings_sync_reservation" ON "bookings";
  DROP TRIGGER "availability_blocks_sync_reservation" ON "availability_blocks";

  ALTER TABLE "bookings"
    ALTER COLUMN "check_in" SET DATA TYPE date USING ("check_in" AT TIME ZONE 'UTC')::date,
    ALTER COLUMN "check_out" SET DATA TYPE date USING ("check_out" AT TIME ZONE 'UTC')::date;
  ALTER TABLE "availability_blocks"
    ALTER COLUMN "start_date" SET DATA TYPE date USING ("start_date" AT TIME ZONE 'UTC')::date,
    ALTER COLUMN "end_date" SET DATA TYPE date USING ("end_date" AT TIME ZONE 'UTC')::date;

  CREATE OR REPLACE FUNCTION "staybase_sync_booking_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM "stay_reservations" WHERE "booking_id" = NEW."id";
    IF NEW."status"::text IN ('requested', 'awaiting_payment', 'confirmed') THEN
      INSERT INTO "stay_reservations" ("property_id", "booking_id", "nights")
      VALUES (NEW."property_id", NEW."id", daterange(NEW."check_in", NEW."check_out", '[)'));
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER "bookings_sync_reservation"
    AFTER INSERT OR UPDATE OF "status", "check_in", "check_out", "property_id" ON "bookings"
    FOR EACH ROW EXECUTE FUNCTION "staybase_sync_booking_reservation"();

  CREATE OR REPLACE FUNCTION "staybase_sync_block_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM "stay_reservations" WHERE "block_id" = NEW."id";
    INSERT INTO "stay_reservations" ("property_id", "block_id", "nights")
    VALUES (NEW."property_id", NEW."id", daterange(NEW."start_date", NEW."end_date", '[)'));
    RETURN NEW;
  END $$;
  CREATE TRIGGER "availability_blocks_sync_reservation"
    AFTER INSERT OR UPDATE OF "start_date", "end_date", "property_id" ON "availability_blocks"
    FOR EACH ROW EXECUTE FUNCTION "staybase_sync_block_reservation"();

  CREATE FUNCTION "staybase_date_ilike"(date, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT to_char($1, 'YYYY-MM-DD') ILIKE $2 $$;
  CREATE FUNCTION "staybase_date_not_ilike"(date, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT to_char($1, 'YYYY-MM-DD') NOT ILIKE $2 $$;
  CREATE OPERATOR ~~* (LEFTARG = date, RIGHTARG = text, FUNCTION = "staybase_date_ilike", NEGATOR = !~~*);
  CREATE OPERATOR !~~* (LEFTARG = date, RIGHTARG = text, FUNCTION = "staybase_date_not_ilike", NEGATOR = ~~*);`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP OPERATOR ~~* (date, text);
  DROP OPERATOR !~~* (date, text);
  DROP FUNCTION "staybase_date_ilike"(date, text);
  DROP FUNCTION "staybase_date_not_ilike"(date, text);

  DROP TRIGGER "bookings_sync_reservation" ON "bookings";
  DROP TRIGGER "availability_blocks_sync_reservation" ON "availability_blocks";

  ALTER TABLE "bookings"
    ALTER COLUMN "check_in" SET DATA TYPE timestamp(3) with time zone USING ("check_in" + time '12:00') AT TIME ZONE 'UTC',
    ALTER COLUMN "check_out" SET DATA TYPE timestamp(3) with time zone USING ("check_out" + time '12:00') AT TIME ZONE 'UTC';
  ALTER TABLE "availability_blocks"
    ALTER COLUMN "start_date" SET DATA TYPE timestamp(3) with time zone USING ("start_date" + time '12:00') AT TIME ZONE 'UTC',
    ALTER COLUMN "end_date" SET DATA TYPE timestamp(3) with time zone USING ("end_date" + time '12:00') AT TIME ZONE 'UTC';

  CREATE OR REPLACE FUNCTION "staybase_sync_booking_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
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

  CREATE OR REPLACE FUNCTION "staybase_sync_block_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
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
