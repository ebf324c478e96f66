import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

/**
 * Indexes the search plans use (src/services/listingSearch.ts; each checked with EXPLAIN (ANALYZE, BUFFERS)
 * on 100k listings / 2M bookings), and Payload's own `where[address.city][equals]` list:
 *
 * - city without a country, by price: `lower(address_city), pricing_nightly_rate, id` (published) — the walk
 *   in price order stops after the page. It replaces properties_published_place_rate_idx
 *   (`address_country, lower(address_city), …`), which a city without its country could not use; a city
 *   with its country walks this one too.
 * - country (+ amenities + price), by price: `address_country, pricing_nightly_rate, id` (published).
 * - sort=rating: `rating_average DESC NULLS LAST, review_count DESC, id` (published), the sort's own order.
 * - amenities: one probe per candidate and amenity on `properties_amenities (parent_id, value)`.
 * - Payload's list of a city (`address_city = …` for anonymous readers also `_status = 'published'`, newest
 *   first): `address_city, created_at DESC` (published) — the first page without sorting the whole city.
 *
 * The whole catalogue by price keeps properties_published_rate_idx; distance keeps the GiST index on
 * ll_to_earth (nearest first); availability keeps stay_reservations' exclusion constraint (GiST).
 */
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  CREATE INDEX "properties_published_city_rate_idx" ON "properties" (lower("address_city"), "pricing_nightly_rate", "id") WHERE "_status" = 'published';
  CREATE INDEX "properties_published_country_rate_idx" ON "properties" ("address_country", "pricing_nightly_rate", "id") WHERE "_status" = 'published';
  CREATE INDEX "properties_published_rating_idx" ON "properties" ("rating_average" DESC NULLS LAST, "review_count" DESC, "id") WHERE "_status" = 'published';
  CREATE INDEX "properties_published_city_created_idx" ON "properties" ("address_city", "created_at" DESC) WHERE "_status" = 'published';
  CREATE INDEX "properties_amenities_parent_value_idx" ON "properties_amenities" ("parent_id", "value");
  DROP INDEX IF EXISTS "properties_published_place_rate_idx";`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  CREATE INDEX IF NOT EXISTS "properties_published_place_rate_idx" ON "properties" ("address_country", lower("address_city"), "pricing_nightly_rate") WHERE "_status" = 'published';
  DROP INDEX IF EXISTS "properties_published_city_rate_idx";
  DROP INDEX IF EXISTS "properties_published_country_rate_idx";
  DROP INDEX IF EXISTS "properties_published_rating_idx";
  DROP INDEX IF EXISTS "properties_published_city_created_idx";
  DROP INDEX IF EXISTS "properties_amenities_parent_value_idx";`)
}
