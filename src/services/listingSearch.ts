import { sql } from '@payloadcms/db-postgres'
import type { SQL } from '@payloadcms/db-postgres/drizzle'
import type { Payload } from 'payload'

import type { SearchCriteria } from '../domain/searchParams'
import { sqlExecutor } from './sqlExecutor'

/**
 * Public listing search in one SQL statement, whatever the page size: filters, availability (no
 * active booking or block overlaps the stay, via stay_reservations), distance (earthdistance's
 * earth_box, answered by the GiST index on ll_to_earth), the cover photo and the total count.
 */
export type SearchRow = {
  id: number
  title: string
  slug: string
  city: string
  country: string
  currency: string
  nightlyRate: number
  weekendRate: number | null
  cleaningFee: number
  weeklyDiscountPercent: number
  monthlyDiscountPercent: number
  taxPercent: number
  ratingAverage: number | null
  reviewCount: number
  distanceKm: number | null
  coverFilename: string | null
  total: number
}

/**
 * The search's SQL for the criteria: what searchListings runs, and what the benchmark's bare express + pg
 * handler runs, so both sides of a ratio execute the same statement.
 */
export function searchStatements(c: SearchCriteria): { query: SQL; count: SQL } {
  const where: SQL[] = [sql`p._status = 'published'`, sql`p.max_guests >= ${c.guests}`]
  if (c.city) where.push(sql`lower(p.address_city) = lower(${c.city})`)
  if (c.country) where.push(sql`p.address_country = ${c.country}`)
  if (c.currency) where.push(sql`p.pricing_currency::text = ${c.currency}`)
  if (c.minPrice !== null) where.push(sql`p.pricing_nightly_rate >= ${c.minPrice}`)
  if (c.maxPrice !== null) where.push(sql`p.pricing_nightly_rate <= ${c.maxPrice}`)
  if (c.propertyType) where.push(sql`p.property_type::text = ${c.propertyType}`)
  for (const amenity of c.amenities) {
    where.push(sql`EXISTS (SELECT 1 FROM properties_amenities a WHERE a.parent_id = p.id AND a.value::text = ${amenity})`)
  }
  if (c.stay) {
    where.push(sql`p.min_nights <= ${c.stay.nights} AND p.max_nights >= ${c.stay.nights}`)
    where.push(sql`NOT EXISTS (
      SELECT 1 FROM stay_reservations r
      WHERE r.property_id = p.id AND r.nights && daterange(${c.stay.checkIn}::date, ${c.stay.checkOut}::date, '[)'))`)
  }
  const here = c.point ? sql`ll_to_earth(${c.point.lat}::float8, ${c.point.lng}::float8)` : null
  const there = sql`ll_to_earth(p.location_latitude::float8, p.location_longitude::float8)`
  if (c.point && here) {
    const metres = c.point.radiusKm * 1000
    where.push(sql`earth_box(${here}, ${metres}::float8) @> ${there} AND earth_distance(${here}, ${there}) <= ${metres}::float8`)
  }
  const distance = here ? sql`earth_distance(${here}, ${there}) / 1000.0` : sql`NULL::float8`
  const order =
    c.sort === 'distance'
      ? sql`distance_km ASC, p.id ASC`
      : c.sort === 'rating'
        ? sql`p.rating_average DESC NULLS LAST, p.review_count DESC, p.id ASC`
        : c.sort === '-price'
          ? sql`p.pricing_nightly_rate DESC, p.id ASC`
          : sql`p.pricing_nightly_rate ASC, p.id ASC`

  const query = sql`
    SELECT p.id, p.title, p.slug, p.address_city AS city, p.address_country AS country,
           p.pricing_currency::text AS currency, p.pricing_nightly_rate AS nightly_rate, p.pricing_weekend_rate AS weekend_rate,
           p.pricing_cleaning_fee AS cleaning_fee, p.pricing_weekly_discount_percent AS weekly_discount,
           p.pricing_monthly_discount_percent AS monthly_discount, p.pricing_tax_percent AS tax_percent,
           p.rating_average, p.review_count, ${distance} AS distance_km,
           (SELECT coalesce(m.sizes_card_filename, m.filename) FROM properties_rels pr JOIN media m ON m.id = pr.media_id
             WHERE pr.parent_id = p.id AND pr.path = 'photos' ORDER BY pr."order" LIMIT 1) AS cover_filename,
           count(*) OVER () AS total
    FROM properties p
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${order}
    LIMIT ${c.limit} OFFSET ${(c.page - 1) * c.limit}`
  return { query, count: sql`SELECT count(*) AS total FROM properties p WHERE ${sql.join(where, sql` AND `)}` }
}

export async function searchListings(payload: Payload, c: SearchCriteria): Promise<{ rows: SearchRow[]; totalDocs: number }> {
  const { query, count } = searchStatements(c)
  const executor = await sqlExecutor(payload)
  const { rows } = await executor.execute(query)
  // A page past the end has no row to carry the window count; only then ask for the count alone.
  let totalDocs = rows.length ? Number(rows[0].total) : 0
  if (rows.length === 0 && c.page > 1) {
    const counted = await executor.execute(count)
    totalDocs = Number(counted.rows[0]?.total ?? 0)
  }
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return {
    totalDocs,
    rows: rows.map((r) => ({
      id: Number(r.id),
      title: String(r.title),
      slug: String(r.slug),
      city: String(r.city),
      country: String(r.country),
      currency: String(r.currency),
      nightlyRate: Number(r.nightly_rate),
      weekendRate: num(r.weekend_rate),
      cleaningFee: num(r.cleaning_fee) ?? 0,
      weeklyDiscountPercent: num(r.weekly_discount) ?? 0,
      monthlyDiscountPercent: num(r.monthly_discount) ?? 0,
      taxPercent: num(r.tax_percent) ?? 0,
      ratingAverage: num(r.rating_average),
      reviewCount: num(r.review_count) ?? 0,
      distanceKm: num(r.distance_km),
      coverFilename: (r.cover_filename as string | null) ?? null,
      total: Number(r.total),
    })),
  }
}
