import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_reviews_subject" AS ENUM('property', 'guest');
  CREATE TYPE "public"."enum_reviews_status" AS ENUM('pending', 'published', 'hidden');
  CREATE TABLE "reviews" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"booking_id" integer NOT NULL,
  	"property_id" integer,
  	"author_id" integer,
  	"subject" "enum_reviews_subject" NOT NULL,
  	"rating" numeric NOT NULL,
  	"sub_ratings_cleanliness" numeric,
  	"sub_ratings_accuracy" numeric,
  	"sub_ratings_communication" numeric,
  	"sub_ratings_location" numeric,
  	"sub_ratings_check_in" numeric,
  	"sub_ratings_value" numeric,
  	"comment" varchar NOT NULL,
  	"host_response_text" varchar,
  	"host_response_responded_at" timestamp(3) with time zone,
  	"status" "enum_reviews_status",
  	"published_at" timestamp(3) with time zone,
  	"hidden_reason" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "properties" ADD COLUMN "rating_breakdown_cleanliness" numeric;
  ALTER TABLE "properties" ADD COLUMN "rating_breakdown_accuracy" numeric;
  ALTER TABLE "properties" ADD COLUMN "rating_breakdown_communication" numeric;
  ALTER TABLE "properties" ADD COLUMN "rating_breakdown_location" numeric;
  ALTER TABLE "properties" ADD COLUMN "rating_breakdown_check_in" numeric;
  ALTER TABLE "properties" ADD COLUMN "rating_breakdown_value" numeric;
  ALTER TABLE "_properties_v" ADD COLUMN "version_rating_breakdown_cleanliness" numeric;
  ALTER TABLE "_properties_v" ADD COLUMN "version_rating_breakdown_accuracy" numeric;
  ALTER TABLE "_properties_v" ADD COLUMN "version_rating_breakdown_communication" numeric;
  ALTER TABLE "_properties_v" ADD COLUMN "version_rating_breakdown_location" numeric;
  ALTER TABLE "_properties_v" ADD COLUMN "version_rating_breakdown_check_in" numeric;
  ALTER TABLE "_properties_v" ADD COLUMN "version_rating_breakdown_value" numeric;
   ALTER TABLE "reviews" ADD CONSTRAINT "reviews_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE RESTRICT ON UPDATE no action;
  ALTER TABLE "reviews" ADD CONSTRAINT "reviews_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "reviews" ADD CONSTRAINT "reviews_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "reviews_booking_idx" ON "reviews" USING btree ("booking_id");
  CREATE INDEX "reviews_property_idx" ON "reviews" USING btree ("property_id");
  CREATE INDEX "reviews_author_idx" ON "reviews" USING btree ("author_id");
  CREATE INDEX "reviews_status_idx" ON "reviews" USING btree ("status");
  CREATE INDEX "reviews_published_at_idx" ON "reviews" USING btree ("published_at");
  CREATE INDEX "reviews_updated_at_idx" ON "reviews" USING btree ("updated_at");
  CREATE INDEX "reviews_created_at_idx" ON "reviews" USING btree ("created_at");
  CREATE UNIQUE INDEX "booking_subject_idx" ON "reviews" USING btree ("booking_id","subject");`)

  // Hand-written. A reviewed booking is kept (RESTRICT above instead of Payload's SET NULL on a NOT NULL
  // column, which would be a 500). Ratings are whole stars, whoever writes.
  await db.execute(sql`
  ALTER TABLE "reviews" ADD CONSTRAINT "reviews_ratings_are_stars" CHECK (
    "rating" IN (1, 2, 3, 4, 5)
    AND coalesce("sub_ratings_cleanliness", 1) IN (1, 2, 3, 4, 5) AND coalesce("sub_ratings_accuracy", 1) IN (1, 2, 3, 4, 5)
    AND coalesce("sub_ratings_communication", 1) IN (1, 2, 3, 4, 5) AND coalesce("sub_ratings_location", 1) IN (1, 2, 3, 4, 5)
    AND coalesce("sub_ratings_check_in", 1) IN (1, 2, 3, 4, 5) AND coalesce("sub_ratings_value", 1) IN (1, 2, 3, 4, 5));`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP TABLE "reviews" CASCADE;
  ALTER TABLE "properties" DROP COLUMN "rating_breakdown_cleanliness";
  ALTER TABLE "properties" DROP COLUMN "rating_breakdown_accuracy";
  ALTER TABLE "properties" DROP COLUMN "rating_breakdown_communication";
  ALTER TABLE "properties" DROP COLUMN "rating_breakdown_location";
  ALTER TABLE "properties" DROP COLUMN "rating_breakdown_check_in";
  ALTER TABLE "properties" DROP COLUMN "rating_breakdown_value";
  ALTER TABLE "_properties_v" DROP COLUMN "version_rating_breakdown_cleanliness";
  ALTER TABLE "_properties_v" DROP COLUMN "version_rating_breakdown_accuracy";
  ALTER TABLE "_properties_v" DROP COLUMN "version_rating_breakdown_communication";
  ALTER TABLE "_properties_v" DROP COLUMN "version_rating_breakdown_location";
  ALTER TABLE "_properties_v" DROP COLUMN "version_rating_breakdown_check_in";
  ALTER TABLE "_properties_v" DROP COLUMN "version_rating_breakdown_value";
  DROP TYPE "public"."enum_reviews_subject";
  DROP TYPE "public"."enum_reviews_status";`)
}
