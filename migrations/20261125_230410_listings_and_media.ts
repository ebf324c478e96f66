import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_properties_amenities" AS ENUM('wifi', 'kitchen', 'washer', 'dryer', 'air_conditioning', 'heating', 'pool', 'hot_tub', 'free_parking', 'ev_charger', 'workspace', 'tv', 'pets_allowed', 'wheelchair_accessible', 'self_check_in', 'crib', 'fireplace', 'balcony', 'sea_view', 'gym');
  CREATE TYPE "public"."enum_properties_property_type" AS ENUM('apartment', 'house', 'cabin', 'villa', 'room', 'other');
  CREATE TYPE "public"."enum_properties_pricing_currency" AS ENUM('EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK');
  CREATE TYPE "public"."enum_properties_cancellation_policy" AS ENUM('flexible', 'moderate', 'strict', 'non_refundable');
  CREATE TYPE "public"."enum_properties_status" AS ENUM('draft', 'published');
  CREATE TYPE "public"."enum__properties_v_version_amenities" AS ENUM('wifi', 'kitchen', 'washer', 'dryer', 'air_conditioning', 'heating', 'pool', 'hot_tub', 'free_parking', 'ev_charger', 'workspace', 'tv', 'pets_allowed', 'wheelchair_accessible', 'self_check_in', 'crib', 'fireplace', 'balcony', 'sea_view', 'gym');
  CREATE TYPE "public"."enum__properties_v_version_property_type" AS ENUM('apartment', 'house', 'cabin', 'villa', 'room', 'other');
  CREATE TYPE "public"."enum__properties_v_version_pricing_currency" AS ENUM('EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK');
  CREATE TYPE "public"."enum__properties_v_version_cancellation_policy" AS ENUM('flexible', 'moderate', 'strict', 'non_refundable');
  CREATE TYPE "public"."enum__properties_v_version_status" AS ENUM('draft', 'published');
  CREATE TABLE "properties_amenities" (
  	"order" integer NOT NULL,
  	"parent_id" integer NOT NULL,
  	"value" "enum_properties_amenities",
  	"id" serial PRIMARY KEY NOT NULL
  );
  
  CREATE TABLE "properties" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"title" varchar,
  	"slug" varchar,
  	"host_id" integer,
  	"property_type" "enum_properties_property_type",
  	"description" jsonb,
  	"house_rules" varchar,
  	"address_line1" varchar,
  	"address_line2" varchar,
  	"address_city" varchar,
  	"address_region" varchar,
  	"address_postal_code" varchar,
  	"address_country" varchar,
  	"location_latitude" numeric,
  	"location_longitude" numeric,
  	"max_guests" numeric DEFAULT 2,
  	"bedrooms" numeric DEFAULT 1,
  	"beds" numeric DEFAULT 1,
  	"bathrooms" numeric DEFAULT 1,
  	"pricing_currency" "enum_properties_pricing_currency" DEFAULT 'EUR',
  	"pricing_nightly_rate" numeric,
  	"pricing_weekend_rate" numeric,
  	"pricing_cleaning_fee" numeric DEFAULT 0,
  	"pricing_weekly_discount_percent" numeric DEFAULT 0,
  	"pricing_monthly_discount_percent" numeric DEFAULT 0,
  	"pricing_tax_percent" numeric DEFAULT 0,
  	"min_nights" numeric DEFAULT 1,
  	"max_nights" numeric DEFAULT 365,
  	"check_in_time" varchar DEFAULT '15:00',
  	"check_out_time" varchar DEFAULT '11:00',
  	"instant_book" boolean DEFAULT true,
  	"cancellation_policy" "enum_properties_cancellation_policy" DEFAULT 'moderate',
  	"rating_average" numeric,
  	"review_count" numeric DEFAULT 0,
  	"published_at" timestamp(3) with time zone,
  	"moderation_unpublished_at" timestamp(3) with time zone,
  	"moderation_unpublished_by_id" integer,
  	"moderation_reason" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"_status" "enum_properties_status" DEFAULT 'draft'
  );
  
  CREATE TABLE "properties_rels" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"order" integer,
  	"parent_id" integer NOT NULL,
  	"path" varchar NOT NULL,
  	"media_id" integer
  );
  
  CREATE TABLE "_properties_v_version_amenities" (
  	"order" integer NOT NULL,
  	"parent_id" integer NOT NULL,
  	"value" "enum__properties_v_version_amenities",
  	"id" serial PRIMARY KEY NOT NULL
  );
  
  CREATE TABLE "_properties_v" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"parent_id" integer,
  	"version_title" varchar,
  	"version_slug" varchar,
  	"version_host_id" integer,
  	"version_property_type" "enum__properties_v_version_property_type",
  	"version_description" jsonb,
  	"version_house_rules" varchar,
  	"version_address_line1" varchar,
  	"version_address_line2" varchar,
  	"version_address_city" varchar,
  	"version_address_region" varchar,
  	"version_address_postal_code" varchar,
  	"version_address_country" varchar,
  	"version_location_latitude" numeric,
  	"version_location_longitude" numeric,
  	"version_max_guests" numeric DEFAULT 2,
  	"version_bedrooms" numeric DEFAULT 1,
  	"version_beds" numeric DEFAULT 1,
  	"version_bathrooms" numeric DEFAULT 1,
  	"version_pricing_currency" "enum__properties_v_version_pricing_currency" DEFAULT 'EUR',
  	"version_pricing_nightly_rate" numeric,
  	"version_pricing_weekend_rate" numeric,
  	"version_pricing_cleaning_fee" numeric DEFAULT 0,
  	"version_pricing_weekly_discount_percent" numeric DEFAULT 0,
  	"version_pricing_monthly_discount_percent" numeric DEFAULT 0,
  	"version_pricing_tax_percent" numeric DEFAULT 0,
  	"version_min_nights" numeric DEFAULT 1,
  	"version_max_nights" numeric DEFAULT 365,
  	"version_check_in_time" varchar DEFAULT '15:00',
  	"version_check_out_time" varchar DEFAULT '11:00',
  	"version_instant_book" boolean DEFAULT true,
  	"version_cancellation_policy" "enum__properties_v_version_cancellation_policy" DEFAULT 'moderate',
  	"version_rating_average" numeric,
  	"version_review_count" numeric DEFAULT 0,
  	"version_published_at" timestamp(3) with time zone,
  	"version_moderation_unpublished_at" timestamp(3) with time zone,
  	"version_moderation_unpublished_by_id" integer,
  	"version_moderation_reason" varchar,
  	"version_updated_at" timestamp(3) with time zone,
  	"version_created_at" timestamp(3) with time zone,
  	"version__status" "enum__properties_v_version_status" DEFAULT 'draft',
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"latest" boolean
  );
  
  CREATE TABLE "_properties_v_rels" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"order" integer,
  	"parent_id" integer NOT NULL,
  	"path" varchar NOT NULL,
  	"media_id" integer
  );
  
  CREATE TABLE "media" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"alt" varchar NOT NULL,
  	"owner_id" integer,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"url" varchar,
  	"thumbnail_u_r_l" varchar,
  	"filename" varchar,
  	"mime_type" varchar,
  	"filesize" numeric,
  	"width" numeric,
  	"height" numeric,
  	"focal_x" numeric,
  	"focal_y" numeric,
  	"sizes_thumbnail_url" varchar,
  	"sizes_thumbnail_width" numeric,
  	"sizes_thumbnail_height" numeric,
  	"sizes_thumbnail_mime_type" varchar,
  	"sizes_thumbnail_filesize" numeric,
  	"sizes_thumbnail_filename" varchar,
  	"sizes_card_url" varchar,
  	"sizes_card_width" numeric,
  	"sizes_card_height" numeric,
  	"sizes_card_mime_type" varchar,
  	"sizes_card_filesize" numeric,
  	"sizes_card_filename" varchar,
  	"sizes_hero_url" varchar,
  	"sizes_hero_width" numeric,
  	"sizes_hero_height" numeric,
  	"sizes_hero_mime_type" varchar,
  	"sizes_hero_filesize" numeric,
  	"sizes_hero_filename" varchar
  );
  
  ALTER TABLE "users" ADD COLUMN "avatar_id" integer;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "properties_id" integer;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "media_id" integer;
  ALTER TABLE "properties_amenities" ADD CONSTRAINT "properties_amenities_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."properties"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "properties" ADD CONSTRAINT "properties_host_id_users_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "properties" ADD CONSTRAINT "properties_moderation_unpublished_by_id_users_id_fk" FOREIGN KEY ("moderation_unpublished_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "properties_rels" ADD CONSTRAINT "properties_rels_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."properties"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "properties_rels" ADD CONSTRAINT "properties_rels_media_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "_properties_v_version_amenities" ADD CONSTRAINT "_properties_v_version_amenities_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."_properties_v"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "_properties_v" ADD CONSTRAINT "_properties_v_parent_id_properties_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."properties"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "_properties_v" ADD CONSTRAINT "_properties_v_version_host_id_users_id_fk" FOREIGN KEY ("version_host_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "_properties_v" ADD CONSTRAINT "_properties_v_version_moderation_unpublished_by_id_users_id_fk" FOREIGN KEY ("version_moderation_unpublished_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "_properties_v_rels" ADD CONSTRAINT "_properties_v_rels_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."_properties_v"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "_properties_v_rels" ADD CONSTRAINT "_properties_v_rels_media_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "media" ADD CONSTRAINT "media_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "properties_amenities_order_idx" ON "properties_amenities" USING btree ("order");
  CREATE INDEX "properties_amenities_parent_idx" ON "properties_amenities" USING btree ("parent_id");
  CREATE UNIQUE INDEX "properties_slug_idx" ON "properties" USING btree ("slug");
  CREATE INDEX "properties_host_idx" ON "properties" USING btree ("host_id");
  CREATE INDEX "properties_address_address_city_idx" ON "properties" USING btree ("address_city");
  CREATE INDEX "properties_address_address_country_idx" ON "properties" USING btree ("address_country");
  CREATE INDEX "properties_pricing_pricing_nightly_rate_idx" ON "properties" USING btree ("pricing_nightly_rate");
  CREATE INDEX "properties_moderation_moderation_unpublished_by_idx" ON "properties" USING btree ("moderation_unpublished_by_id");
  CREATE INDEX "properties_updated_at_idx" ON "properties" USING btree ("updated_at");
  CREATE INDEX "properties_created_at_idx" ON "properties" USING btree ("created_at");
  CREATE INDEX "properties__status_idx" ON "properties" USING btree ("_status");
  CREATE INDEX "properties_rels_order_idx" ON "properties_rels" USING btree ("order");
  CREATE INDEX "properties_rels_parent_idx" ON "properties_rels" USING btree ("parent_id");
  CREATE INDEX "properties_rels_path_idx" ON "properties_rels" USING btree ("path");
  CREATE INDEX "properties_rels_media_id_idx" ON "properties_rels" USING btree ("media_id");
  CREATE INDEX "_properties_v_version_amenities_order_idx" ON "_properties_v_version_amenities" USING btree ("order");
  CREATE INDEX "_properties_v_version_amenities_parent_idx" ON "_properties_v_version_amenities" USING btree ("parent_id");
  CREATE INDEX "_properties_v_parent_idx" ON "_properties_v" USING btree ("parent_id");
  CREATE INDEX "_properties_v_version_version_slug_idx" ON "_properties_v" USING btree ("version_slug");
  CREATE INDEX "_properties_v_version_version_host_idx" ON "_properties_v" USING btree ("version_host_id");
  CREATE INDEX "_properties_v_version_address_version_address_city_idx" ON "_properties_v" USING btree ("version_address_city");
  CREATE INDEX "_properties_v_version_address_version_address_country_idx" ON "_properties_v" USING btree ("version_address_country");
  CREATE INDEX "_properties_v_version_pricing_version_pricing_nightly_ra_idx" ON "_properties_v" USING btree ("version_pricing_nightly_rate");
  CREATE INDEX "_properties_v_version_moderation_version_moderation_unpu_idx" ON "_properties_v" USING btree ("version_moderation_unpublished_by_id");
  CREATE INDEX "_properties_v_version_version_updated_at_idx" ON "_properties_v" USING btree ("version_updated_at");
  CREATE INDEX "_properties_v_version_version_created_at_idx" ON "_properties_v" USING btree ("version_created_at");
  CREATE INDEX "_properties_v_version_version__status_idx" ON "_properties_v" USING btree ("version__status");
  CREATE INDEX "_properties_v_created_at_idx" ON "_properties_v" USING btree ("created_at");
  CREATE INDEX "_properties_v_updated_at_idx" ON "_properties_v" USING btree ("updated_at");
  CREATE INDEX "_properties_v_latest_idx" ON "_properties_v" USING btree ("latest");
  CREATE INDEX "_properties_v_rels_order_idx" ON "_properties_v_rels" USING btree ("order");
  CREATE INDEX "_properties_v_rels_parent_idx" ON "_properties_v_rels" USING btree ("parent_id");
  CREATE INDEX "_properties_v_rels_path_idx" ON "_properties_v_rels" USING btree ("path");
  CREATE INDEX "_properties_v_rels_media_id_idx" ON "_properties_v_rels" USING btree ("media_id");
  CREATE INDEX "media_owner_idx" ON "media" USING btree ("owner_id");
  CREATE INDEX "media_updated_at_idx" ON "media" USING btree ("updated_at");
  CREATE INDEX "media_created_at_idx" ON "media" USING btree ("created_at");
  CREATE UNIQUE INDEX "media_filename_idx" ON "media" USING btree ("filename");
  CREATE INDEX "media_sizes_thumbnail_sizes_thumbnail_filename_idx" ON "media" USING btree ("sizes_thumbnail_filename");
  CREATE INDEX "media_sizes_card_sizes_card_filename_idx" ON "media" USING btree ("sizes_card_filename");
  CREATE INDEX "media_sizes_hero_sizes_hero_filename_idx" ON "media" USING btree ("sizes_hero_filename");
  ALTER TABLE "users" ADD CONSTRAINT "users_avatar_id_media_id_fk" FOREIGN KEY ("avatar_id") REFERENCES "public"."media"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_properties_fk" FOREIGN KEY ("properties_id") REFERENCES "public"."properties"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_media_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "users_avatar_idx" ON "users" USING btree ("avatar_id");
  CREATE INDEX "payload_locked_documents_rels_properties_id_idx" ON "payload_locked_documents_rels" USING btree ("properties_id");
  CREATE INDEX "payload_locked_documents_rels_media_id_idx" ON "payload_locked_documents_rels" USING btree ("media_id");`)

  // Hand-written (kept by later migrate:create runs): what public search needs beyond Payload's
  // one-column indexes. cube and earthdistance are trusted extensions, present in the embedded Postgres
  // too; no PostGIS needed.
  await db.execute(sql`
  CREATE EXTENSION IF NOT EXISTS cube;
  CREATE EXTENSION IF NOT EXISTS earthdistance;
  -- Published listings in a country and city, by price: the shape of the public listing search.
  CREATE INDEX "properties_published_place_rate_idx" ON "properties" ("address_country", lower("address_city"), "pricing_nightly_rate") WHERE "_status" = 'published';
  -- Published listings by price alone.
  CREATE INDEX "properties_published_rate_idx" ON "properties" ("pricing_nightly_rate") WHERE "_status" = 'published';
  -- Distance search: earth_box(ll_to_earth(lat, lng), metres) @> ll_to_earth(...) is answered by this index.
  CREATE INDEX "properties_location_earth_idx" ON "properties" USING gist (ll_to_earth("location_latitude"::float8, "location_longitude"::float8));`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP INDEX IF EXISTS "properties_published_place_rate_idx";
  DROP INDEX IF EXISTS "properties_published_rate_idx";
  DROP INDEX IF EXISTS "properties_location_earth_idx";
   ALTER TABLE "properties_amenities" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "properties" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "properties_rels" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "_properties_v_version_amenities" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "_properties_v" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "_properties_v_rels" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "media" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "properties_amenities" CASCADE;
  DROP TABLE "properties" CASCADE;
  DROP TABLE "properties_rels" CASCADE;
  DROP TABLE "_properties_v_version_amenities" CASCADE;
  DROP TABLE "_properties_v" CASCADE;
  DROP TABLE "_properties_v_rels" CASCADE;
  DROP TABLE "media" CASCADE;
  ALTER TABLE "users" DROP CONSTRAINT "users_avatar_id_media_id_fk";
  
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_properties_fk";
  
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_media_fk";
  
  DROP INDEX "users_avatar_idx";
  DROP INDEX "payload_locked_documents_rels_properties_id_idx";
  DROP INDEX "payload_locked_documents_rels_media_id_idx";
  ALTER TABLE "users" DROP COLUMN "avatar_id";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "properties_id";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "media_id";
  DROP TYPE "public"."enum_properties_amenities";
  DROP TYPE "public"."enum_properties_property_type";
  DROP TYPE "public"."enum_properties_pricing_currency";
  DROP TYPE "public"."enum_properties_cancellation_policy";
  DROP TYPE "public"."enum_properties_status";
  DROP TYPE "public"."enum__properties_v_version_amenities";
  DROP TYPE "public"."enum__properties_v_version_property_type";
  DROP TYPE "public"."enum__properties_v_version_pricing_currency";
  DROP TYPE "public"."enum__properties_v_version_cancellation_policy";
  DROP TYPE "public"."enum__properties_v_version_status";`)
}
