import type pg from 'pg'

import type { Property } from './payload-types'

/**
 * A published listing as Payload's REST API answers it to an anonymous caller at depth 0, read with one
 * SQL statement instead of Payload's query builder (which spends several milliseconds of CPU building
 * the statement of every read). Used by the public read fast path (src/publicReads.ts) for
 * `GET /api/properties/:id?depth=0`, and by bookings (src/services/newBooking.ts): the listing a
 * booking is decided from, and the `property` of the booking's answer at depth 1.
 *
 * It mirrors collections/Properties.ts as Payload serialises it: field order, numbers from numeric
 * columns, `null` for empty fields, hasMany selects and uploads as arrays in their order, `moderation`
 * left out (staff and the listing's host only), the anonymous read rule (`isPublished`). A field added
 * to the collection must be added here too: tests/int/cache.test.ts compares this with Payload's own
 * answer for listings with every field set and with the optional ones empty, and fails on any
 * difference.
 */
/** The listing's columns with its amenities and photo ids, for `FROM properties p` (listingDocument maps a row). */
export const LISTING_COLUMNS = `p.*,
    (SELECT coalesce(json_agg(a.value ORDER BY a."order"), '[]'::json) FROM properties_amenities a WHERE a.parent_id = p.id) AS amenities,
    (SELECT coalesce(json_agg(r.media_id ORDER BY r."order"), '[]'::json) FROM properties_rels r WHERE r.parent_id = p.id AND r.path = 'photos') AS photo_ids`

const STATEMENT = `SELECT ${LISTING_COLUMNS} FROM properties p WHERE p.id = $1 AND p._status = 'published'`

type Row = Record<string, unknown>

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))
/**
 * A timestamp as Payload answers it (ISO 8601, UTC, milliseconds): from node-postgres a Date, through
 * Payload's adapter PostgreSQL's own text ("2026-11-28 01:26:05.77+00").
 */
const date = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  return new Date(String(value).replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString()
}

/** Typed as Payload's own Property at depth 0 (host and photos are ids). */
export function listingDocument(r: Row): Property {
  const doc = {
    id: r.id,
    title: r.title,
    slug: r.slug,
    host: r.host_id,
    propertyType: r.property_type,
    description: r.description,
    houseRules: r.house_rules,
    address: {
      line1: r.address_line1,
      line2: r.address_line2,
      city: r.address_city,
      region: r.address_region,
      postalCode: r.address_postal_code,
      country: r.address_country,
    },
    location: { latitude: num(r.location_latitude), longitude: num(r.location_longitude) },
    maxGuests: num(r.max_guests),
    bedrooms: num(r.bedrooms),
    beds: num(r.beds),
    bathrooms: num(r.bathrooms),
    amenities: r.amenities,
    photos: r.photo_ids,
    pricing: {
      currency: r.pricing_currency,
      nightlyRate: num(r.pricing_nightly_rate),
      weekendRate: num(r.pricing_weekend_rate),
      cleaningFee: num(r.pricing_cleaning_fee),
      weeklyDiscountPercent: num(r.pricing_weekly_discount_percent),
      monthlyDiscountPercent: num(r.pricing_monthly_discount_percent),
      taxPercent: num(r.pricing_tax_percent),
    },
    minNights: num(r.min_nights),
    maxNights: num(r.max_nights),
    checkInTime: r.check_in_time,
    checkOutTime: r.check_out_time,
    instantBook: r.instant_book,
    cancellationPolicy: r.cancellation_policy,
    ratingAverage: num(r.rating_average),
    reviewCount: num(r.review_count),
    ratingBreakdown: {
      cleanliness: num(r.rating_breakdown_cleanliness),
      accuracy: num(r.rating_breakdown_accuracy),
      communication: num(r.rating_breakdown_communication),
      location: num(r.rating_breakdown_location),
      checkIn: num(r.rating_breakdown_check_in),
      value: num(r.rating_breakdown_value),
    },
    publishedAt: date(r.published_at),
    updatedAt: date(r.updated_at),
    createdAt: date(r.created_at),
    _status: r._status,
  }
  return doc as Property
}

/** The listing's depth-0 JSON as an anonymous caller gets it, or null when it is not public (or not there). */
export async function publishedListingJson(pool: pg.Pool, id: number): Promise<string | null> {
  const { rows } = await pool.query({ name: 'staybase-published-listing', text: STATEMENT, values: [id] })
  return rows[0] ? JSON.stringify(listingDocument(rows[0])) : null
}
