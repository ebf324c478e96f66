import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

// Hand-written: what happens to a listing's calendar when the listing is deleted. Payload generated
// ON DELETE SET NULL for these required columns, which would fail with a NOT NULL error (a 500).
// Blocks belong to the listing and go with it; bookings are records of stays and money and keep the
// listing from being deleted at all (the API answers 409 first — hooks/properties/preventDeleteWithBookings).
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  ALTER TABLE "bookings" DROP CONSTRAINT "bookings_property_id_properties_id_fk";
  ALTER TABLE "bookings" ADD CONSTRAINT "bookings_property_id_properties_id_fk"
    FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;
  ALTER TABLE "availability_blocks" DROP CONSTRAINT "availability_blocks_property_id_properties_id_fk";
  ALTER TABLE "availability_blocks" ADD CONSTRAINT "availability_blocks_property_id_properties_id_fk"
    FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE CASCADE ON UPDATE NO ACTION;`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  ALTER TABLE "bookings" DROP CONSTRAINT "bookings_property_id_properties_id_fk";
  ALTER TABLE "bookings" ADD CONSTRAINT "bookings_property_id_properties_id_fk"
    FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
  ALTER TABLE "availability_blocks" DROP CONSTRAINT "availability_blocks_property_id_properties_id_fk";
  ALTER TABLE "availability_blocks" ADD CONSTRAINT "availability_blocks_property_id_properties_id_fk"
    FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE SET NULL ON UPDATE NO ACTION;`)
}
