import { sql } from '@payloadcms/db-postgres'
import type { SQL } from '@payloadcms/db-postgres/drizzle'
import type { Payload } from 'payload'

import type { CursorKey } from '@/domain/searchCursor'
import { SEARCH_COUNT_CAP, type SearchCriteria } from '@/domain/searchParams'
import { importedNightsOverlap } from './reservations'
import { sqlExecutor } from './sqlExecutor'

/**
 * Public listing search. The page statement walks the matches in sort order (filters, availability — no
 * active booking or block overlaps the stay, via stay_reservations' GiST index — and distance, earthdistance's
 * earth_box answered by the GiST index on ll_to_earth) and stops after the page: no window count, so it
 * holds no more rows than the page. The cover photo (a resized size) is looked up for the returned rows
 * only. Deep pages either skip rows (`page`) or start after a key (`cursor`, keyset pagination). The
 * total is counted apart and only up to SEARCH_COUNT_CAP + 1 matches.
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
  /** ratingAverage as the database wrote it: the rating sort's cursor compares it exactly. */
  ratingText: string | null
  distanceKm: number | null
  /** The distance sort's key (chord metres on earthdistance's sphere). */
  nearness: number | null
  coverFilename: string | null
}

/**
 * The search's SQL for the criteria: what searchListings runs, and what the benchmark's bare express + pg
 * handler runs, so both sides of a ratio execute the same statements.
 *
 * - `query`: the page, `limit + 1` rows (the extra row only says whether there is a next page), after
 *   `c.after` when a cursor was given, else after `(page - 1) * limit` skipped rows.
 * - `count`: how many listings match, counted up to SEARCH_COUNT_CAP + 1 (`total`). searchListings runs it
 *   only when the page cannot tell the total by itself.
 */
export function searchStatements(c: SearchCriteria): { query: SQL; count: SQL } {
  const where: SQL[] = [sql`p._status = 'published'`, sql`p.max_guests >= ${c.guests}`]
  if (c.city) where.push(sql`lower(p.address_city) = lower(${c.city})`)
  if (c.country) where.push(sql`p.address_country = ${c.country}`)
  if (c.currency) where.push(sql`p.pricing_currency::text = ${c.currency}`)
  if (c.minPrice !== null) where.push(sql`p.pricing_nightly_rate >= ${c.minPrice}`)
  if (c.maxPrice !== null) where.push(sql`p.pricing_nightly_rate <= ${c.maxPrice}`)
  if (c.propertyType) where.push(sql`p.property_type::text = ${c.propertyType}`)
  // Each amenity is one probe of (parent_id, value) per candidate (the names were checked against the
  // enum by parseSearch), before the dearer availability probe below.
  const amenityChecks: SQL[] = []
  for (const amenity of c.amenities) {
    amenityChecks.push(
      sql`EXISTS (SELECT 1 FROM properties_amenities a WHERE a.parent_id = p.id AND a.value = ${amenity}::enum_properties_amenities OFFSET 0)`,
    )
  }
  let available: SQL | null = null
  if (c.stay) {
    where.push(sql`p.min_nights <= ${c.stay.nights} AND p.max_nights >= ${c.stay.nights}`)
    // One probe of stay_reservations' GiST index per candidate, in the order the candidates come. `OFFSET 0`
    // keeps the planner from turning this into a hash anti-join that reads every reservation of the dates.
    // Imported calendars' nights: a second probe, of calendar_events' partial GiST index.
    available = sql`NOT EXISTS (
      SELECT 1 FROM stay_reservations r
      WHERE r.property_id = p.id AND r.nights && daterange(${c.stay.checkIn}::date, ${c.stay.checkOut}::date, '[)') OFFSET 0)
      AND NOT ${importedNightsOverlap(sql`p.id`, c.stay.checkIn, c.stay.checkOut)}`
  }
  // The planner orders the two kinds of probes by its cost guesses (nearly equal); CASE makes the
  // amenities (often failing, cheap) decide first.
  const amenitiesOk = amenityChecks.length ? sql.join(amenityChecks, sql` AND `) : null
  if (amenitiesOk && available) where.push(sql`CASE WHEN ${amenitiesOk} THEN ${available} ELSE false END`)
  else if (amenitiesOk) where.push(amenitiesOk)
  else if (available) where.push(available)
  // ll_to_earth_qualified: earthdistance's ll_to_earth with schema-qualified names, the expression of the
  // GiST index (migrations/20261128_150000_earth_index_restorable.ts: a restore can rebuild it).
  const here = c.point ? sql`ll_to_earth_qualified(${c.point.lat}::float8, ${c.point.lng}::float8)` : null
  const there = sql`ll_to_earth_qualified(p.location_latitude::float8, p.location_longitude::float8)`
  if (c.point && here) {
    const metres = c.point.radiusKm * 1000
    where.push(sql`earth_box(${here}, ${metres}::float8) @> ${there} AND earth_distance(${here}, ${there}) <= ${metres}::float8`)
  }
  const distance = here ? sql`(earth_distance(${here}, ${there}) / 1000.0)` : sql`NULL::float8`
  // sort=distance orders by the straight-line (chord) distance between the two points on earthdistance's
  // sphere, which grows with the great-circle distance: the GiST index on ll_to_earth hands listings out
  // nearest first (KNN), so the walk stops after the page instead of sorting every listing in the radius.
  const nearness = here ? sql`(${there} <-> ${here})` : null
  const filters = sql.join(where, sql` AND `)

  // Keyset: the rows after the cursor's key, in the same order as ORDER BY (ids break ties, ascending).
  const after = c.after?.key
  const keyset: SQL[] = []
  if (after?.sort === 'price')
    keyset.push(sql`p.pricing_nightly_rate >= ${after.rate} AND (p.pricing_nightly_rate > ${after.rate} OR p.id > ${after.id})`)
  if (after?.sort === '-price')
    keyset.push(sql`p.pricing_nightly_rate <= ${after.rate} AND (p.pricing_nightly_rate < ${after.rate} OR p.id > ${after.id})`)
  if (after?.sort === 'rating') {
    const sameRatingAfter = sql`(p.review_count < ${after.reviews} OR (p.review_count = ${after.reviews} AND p.id > ${after.id}))`
    keyset.push(
      after.rating === null
        ? sql`p.rating_average IS NULL AND ${sameRatingAfter}`
        : sql`(p.rating_average IS NULL OR p.rating_average < ${after.rating}::numeric OR (p.rating_average = ${after.rating}::numeric AND ${sameRatingAfter}))`,
    )
  }
  if (after?.sort === 'distance' && nearness)
    keyset.push(sql`${nearness} >= ${after.chord}::float8 AND (${nearness} > ${after.chord}::float8 OR p.id > ${after.id})`)

  const order = (t: string) => {
    const col = (name: string) => sql.raw(`${t}.${name}`)
    return c.sort === 'distance'
      ? sql`${col('nearness')} ASC, ${col('id')} ASC`
      : c.sort === 'rating'
        ? sql`${col('rating_average')} DESC NULLS LAST, ${col('review_count')} DESC, ${col('id')} ASC`
        : c.sort === '-price'
          ? sql`${col('pricing_nightly_rate')} DESC, ${col('id')} ASC`
          : sql`${col('pricing_nightly_rate')} ASC, ${col('id')} ASC`
  }
  const skip = c.after ? 0 : (c.page - 1) * c.limit

  const candidates = sql`
      SELECT p.id, p.title, p.slug, p.address_city, p.address_country, p.pricing_currency, p.pricing_nightly_rate,
             p.pricing_weekend_rate, p.pricing_cleaning_fee, p.pricing_weekly_discount_percent,
             p.pricing_monthly_discount_percent, p.pricing_tax_percent, p.rating_average, p.review_count,
             ${distance} AS distance_km, ${nearness ?? sql`NULL::float8`} AS nearness
      FROM properties p
      WHERE ${sql.join([filters, ...keyset], sql` AND `)}`
  // The nearest-first index scan can only order by the distance itself: it hands out the first rows
  // (with every row tying with the last), and the id tie-break and the skipped rows come after.
  const hits =
    c.sort === 'distance'
      ? sql`(SELECT * FROM (${candidates} ORDER BY nearness FETCH FIRST ${skip + c.limit + 1} ROWS WITH TIES) near
             ORDER BY ${order('near')} LIMIT ${c.limit + 1} OFFSET ${skip})`
      : sql`(${candidates} ORDER BY ${order('p')} LIMIT ${c.limit + 1} OFFSET ${skip})`

  const query = sql`
    SELECT hit.id, hit.title, hit.slug, hit.address_city AS city, hit.address_country AS country,
           hit.pricing_currency::text AS currency, hit.pricing_nightly_rate AS nightly_rate, hit.pricing_weekend_rate AS weekend_rate,
           hit.pricing_cleaning_fee AS cleaning_fee, hit.pricing_weekly_discount_percent AS weekly_discount,
           hit.pricing_monthly_discount_percent AS monthly_discount, hit.pricing_tax_percent AS tax_percent,
           hit.rating_average::text AS rating_average, hit.review_count, hit.distance_km, hit.nearness, cover.filename AS cover_filename
    FROM ${hits} hit
    LEFT JOIN LATERAL (
      SELECT coalesce(m.sizes_card_filename, m.sizes_hero_filename, m.sizes_thumbnail_filename, m.filename) AS filename
      FROM properties_rels pr JOIN media m ON m.id = pr.media_id
      WHERE pr.parent_id = hit.id AND pr.path = 'photos'
      ORDER BY pr."order" LIMIT 1
    ) cover ON true
    ORDER BY ${order('hit')}`
  const count = sql`SELECT count(*)::int AS matches FROM (SELECT 1 FROM properties p WHERE ${filters} LIMIT ${SEARCH_COUNT_CAP + 1}) matching`
  return { query, count }
}

export type SearchPage = {
  rows: SearchRow[]
  /** The matches, exact when totalDocsExact, else SEARCH_COUNT_CAP (there are more). */
  totalDocs: number
  totalDocsExact: boolean
  /** The key of the last row, when another page follows it. */
  next: CursorKey | null
}

export async function searchListings(payload: Payload, c: SearchCriteria): Promise<SearchPage> {
  const { query, count } = searchStatements(c)
  const executor = await sqlExecutor(payload)
  const { rows: found } = await executor.execute(query)
  const more = found.length > c.limit
  const rows = found.slice(0, c.limit).map(toRow)

  // The last page of an offset walk tells the total by itself; otherwise count, up to the cap.
  const skip = c.after ? null : (c.page - 1) * c.limit
  let counted: number
  if (!more && skip !== null && (rows.length > 0 || skip === 0)) counted = skip + rows.length
  else counted = Number((await executor.execute(count)).rows[0]?.matches ?? 0)
  const totalDocsExact = counted <= SEARCH_COUNT_CAP
  const last = rows[rows.length - 1]
  return { rows, totalDocs: Math.min(counted, SEARCH_COUNT_CAP), totalDocsExact, next: more && last ? keyOf(c.sort, last) : null }
}

function keyOf(sort: SearchCriteria['sort'], r: SearchRow): CursorKey {
  if (sort === 'rating') return { sort, rating: r.ratingText, reviews: r.reviewCount, id: r.id }
  if (sort === 'distance') return { sort, chord: r.nearness ?? 0, id: r.id }
  return { sort, rate: r.nightlyRate, id: r.id }
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))

function toRow(r: Record<string, unknown>): SearchRow {
  return {
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
    ratingText: (r.rating_average as string | null) ?? null,
    reviewCount: num(r.review_count) ?? 0,
    distanceKm: num(r.distance_km),
    nearness: num(r.nearness),
    coverFilename: (r.cover_filename as string | null) ?? null,
  }
}
