import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_messages_from_role" AS ENUM('guest', 'host');
  CREATE TABLE "messages" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"booking_id" integer NOT NULL,
  	"sender_id" integer,
  	"from_role" "enum_messages_from_role" NOT NULL,
  	"text" varchar NOT NULL,
  	"read_at" timestamp(3) with time zone,
  	"mailed_at" timestamp(3) with time zone,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "messages" ADD CONSTRAINT "messages_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "messages" ADD CONSTRAINT "messages_sender_id_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "messages_booking_idx" ON "messages" USING btree ("booking_id");
  CREATE INDEX "messages_sender_idx" ON "messages" USING btree ("sender_id");
  CREATE INDEX "messages_updated_at_idx" ON "messages" USING btree ("updated_at");
  CREATE INDEX "messages_created_at_idx" ON "messages" USING btree ("created_at");`)

  // Hand-written. A booking's messages go with it (CASCADE instead of Payload's SET NULL on a NOT NULL
  // column, which would fail the delete); paid bookings are never deleted (hooks/bookings/keepPaidBookings).
  // Texts are 1…2000 characters (code points, as char_length counts them) whoever writes.
  // Indexes: a conversation's pages in order, and the unread counts (one side's unread messages of a
  // booking; small, since most messages get read).
  await db.execute(sql`
  ALTER TABLE "messages" ADD CONSTRAINT "messages_text_length" CHECK (char_length("text") BETWEEN 1 AND 2000);
  CREATE INDEX "messages_conversation_idx" ON "messages" USING btree ("booking_id", "created_at", "id");
  CREATE INDEX "messages_unread_idx" ON "messages" USING btree ("booking_id", "from_role") WHERE "read_at" IS NULL;`)

  // The booking's messageToHost is the conversation's first message, from the guest, at the booking's
  // creation time: written by a trigger in the statement that inserts the booking, so every path that
  // makes one (POST /api/bookings and its express fast path, GraphQL, the panel and the Local API,
  // seeders) writes both or neither. It came with the booking, so no burst mail is sent for it
  // (mailed_at = its time). Existing bookings get theirs now.
  await db.execute(sql`
  CREATE FUNCTION "bookings_first_message"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO "messages" ("booking_id", "sender_id", "from_role", "text", "mailed_at", "updated_at", "created_at")
    VALUES (NEW."id", NEW."guest_id", 'guest', NEW."message_to_host", NEW."created_at", NEW."created_at", NEW."created_at");
    RETURN NULL;
  END $$;
  CREATE TRIGGER "bookings_first_message" AFTER INSERT ON "bookings" FOR EACH ROW
    WHEN (NEW."message_to_host" ~ '[^[:space:]]') EXECUTE FUNCTION "bookings_first_message"();
  INSERT INTO "messages" ("booking_id", "sender_id", "from_role", "text", "mailed_at", "updated_at", "created_at")
    SELECT "id", "guest_id", 'guest', "message_to_host", "created_at", "created_at", "created_at"
    FROM "bookings" WHERE "message_to_host" ~ '[^[:space:]]' ORDER BY "created_at", "id";`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP TRIGGER "bookings_first_message" ON "bookings";
  DROP FUNCTION "bookings_first_message"();
  DROP TABLE "messages" CASCADE;
  DROP TYPE "public"."enum_messages_from_role";`)
}
