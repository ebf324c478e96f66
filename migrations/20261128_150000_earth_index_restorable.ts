import { type MigrateDownArgs, type MigrateUpArgs, sql } from '@payloadcms/db-postgres'

/**
 * The distance index, on an expression a restore can rebuild. earthdistance's `ll_to_earth` is a SQL
 * function whose body names `cube`, `earth()` and the type `earth` without their schema, so it works only
 * while `public` is on the search_path. pg_restore (like pg_upgrade, and PostgreSQL 17's maintenance
 * commands: ANALYZE, REINDEX, autovacuum) runs with an empty search_path, and rebuilding the GiST index
 * on `ll_to_earth(…)` failed with `type "earth" does not exist`, ending every restore of a backup.
 *
 * `ll_to_earth_qualified` is the same formula with every name qualified: it still inlines (one IMMUTABLE
 * STRICT SELECT, no SET clause), so queries written with it (src/services/listingSearch.ts) match the
 * index exactly as before.
 */
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  CREATE OR REPLACE FUNCTION public.ll_to_earth_qualified(latitude float8, longitude float8) RETURNS public.earth
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT public.cube(public.cube(public.cube(public.earth() * pg_catalog.cos(pg_catalog.radians(latitude)) * pg_catalog.cos(pg_catalog.radians(longitude))), public.earth() * pg_catalog.cos(pg_catalog.radians(latitude)) * pg_catalog.sin(pg_catalog.radians(longitude))), public.earth() * pg_catalog.sin(pg_catalog.radians(latitude)))::public.earth $$;
  DROP INDEX IF EXISTS "properties_location_earth_idx";
  CREATE INDEX "properties_location_earth_idx" ON "properties" USING gist (public.ll_to_earth_qualified("location_latitude"::float8, "location_longitude"::float8));`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP INDEX IF EXISTS "properties_location_earth_idx";
  CREATE INDEX "properties_location_earth_idx" ON "properties" USING gist (ll_to_earth("location_latitude"::float8, "location_longitude"::float8));
  DROP FUNCTION IF EXISTS public.ll_to_earth_qualified(float8, float8);`)
}
