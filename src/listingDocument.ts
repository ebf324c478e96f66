import { formatAdminURL } from 'payload/shared'
import type pg from 'pg'

import type { Find } from './lib/publicRead'
import type { Media, Property, User } from './payload-types'

/**
 * Published listings as Payload's REST API answers them to an anonymous caller, read with one SQL
 * statement instead of Payload's query builder and its population of relationships (which spend several
 * milliseconds of CPU on every read: a page of a city took 0.14× the bare floor's throughput). Used by
 * the public read fast path (src/publicReads.ts) for a listing by id, by slug and a city's first page at
 * each depth, and by bookings (src/services/newBooking.ts): the listing a booking is decided from, and
 * the `property` of the booking's answer at depth 1.
 *
 * It mirrors collections/Properties.ts as Payload serialises it: field order, numbers from numeric
 * columns, `null` for empty fields, hasMany selects and uploads as arrays in their order, `moderation`
 * left out (staff and the listing's host only), the anonymous read rule (`isPublished`). At depth 1 the
 * host is their public profile and the photos are media documents (their avatar and owner ids); an
 * anonymous read asking for more gets depth 1 (ANONYMOUS_MAX_DEPTH, hooks/shared/guardInput.ts), and
 * so does one asking for none (Payload's default depth, 2, is capped too). Among listings created in
 * the same millisecond Payload's order is the plan's; here the newer id comes first. A field added to
 * properties, media or users must be added here too: tests/int/cache.test.ts compares these answers
 * with Payload's own for listings with every field set and with the optional ones empty, at every
 * depth, and fails on any difference.
 */
/** The listing's columns with its amenities and photo ids, for `FROM properties p` (listingDocument maps a row). */
export const LISTING_COLUMNS = `p.*,
    (SELECT coalesce(json_agg(a.value ORDER BY a."order"), '[]'::json) FROM properties_amenities a WHERE a.parent_id = p.id) AS amenities,
    (SELECT coalesce(json_agg(r.media_id ORDER BY r."order"), '[]'::json) FROM properties_rels r WHERE r.parent_id = p.id AND r.path = 'photos') AS photo_ids`

type Row = Record<string, unknown>

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))
/**
 * A timestamp as Payload answers it (ISO 8601, UTC, milliseconds): from node-postgres a Date, through
 * Payload's adapter PostgreSQL's own text ("2026-11-28 01:26:05.77+00").
 */
const date = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  return new Date(
    String(value)
      .replace(' ', 'T')
      .replace(/([+-]\d\d)$/, '$1:00'),
  ).toISOString()
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

/** Payload's timestamps: ISO 8601 in UTC with milliseconds (Date#toISOString), whatever the session's TimeZone. */
export const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** What an account's public profile is made of (`PROFILE_JSON` for `FROM users u`), timestamps as Payload writes them. */
export type ProfileRow = {
  id: number
  name: string
  avatar: number | null
  bio: string | null
  updatedAt: string
  createdAt: string
  roles: string[]
}

export const PROFILE_JSON = `json_build_object(
    'id', u.id, 'name', u.name, 'avatar', u.avatar_id, 'bio', u.bio, 'updatedAt', ${iso('u.updated_at')}, 'createdAt', ${iso('u.created_at')},
    'roles', (SELECT coalesce(json_agg(r.value ORDER BY r."order"), '[]'::json) FROM users_roles r WHERE r.parent_id = u.id))`

/** The virtual `isHost` of an account (hooks/users/exposeHostFlag.ts), which anyone may read. */
export const isHost = (a: Pick<ProfileRow, 'roles'>) => a.roles.includes('host')

/**
 * Someone else's account as anyone reads it (collections/Users.ts: name, avatar, bio and whether they
 * host); Payload leaves an empty `sessions`.
 */
export const publicProfile = (a: ProfileRow) => ({
  id: a.id,
  name: a.name,
  avatar: a.avatar,
  bio: a.bio,
  updatedAt: a.updatedAt,
  createdAt: a.createdAt,
  collection: 'users',
  isHost: isHost(a),
  sessions: [],
})

/**
 * A file's public URL as Payload's upload fields answer it (payload/dist/uploads/generateFilePathOrURL):
 * an external URL as stored, otherwise the file route on SERVER_URL's origin, null without a file.
 */
function fileURL(serverURL: string, filename: unknown, stored: unknown): string | null {
  if (typeof stored === 'string' && stored !== '' && !stored.startsWith('/') && !stored.startsWith(serverURL)) return stored
  if (typeof filename !== 'string' || filename === '') return null
  return formatAdminURL({ apiRoute: '/api', path: `/media/file/${encodeURIComponent(filename)}`, serverURL })
}

/** collections/Media.ts's image sizes, in their order (the comparison with Payload fails if one is missing). */
const IMAGE_SIZES = ['thumbnail', 'card', 'hero'] as const
/** collections/Media.ts's adminThumbnail. */
const THUMBNAIL = 'thumbnail'

/** A media row (`to_jsonb(m)`) as anyone reads it at depth 0 with files on local disk (the owner is an id). */
export function mediaDocument(m: Row, serverURL: string): Media {
  const size = (name: string) => ({
    url: fileURL(serverURL, m[`sizes_${name}_filename`], m[`sizes_${name}_url`]),
    width: num(m[`sizes_${name}_width`]),
    height: num(m[`sizes_${name}_height`]),
    mimeType: m[`sizes_${name}_mime_type`] ?? null,
    filesize: num(m[`sizes_${name}_filesize`]),
    filename: m[`sizes_${name}_filename`] ?? null,
  })
  const doc = {
    id: m.id,
    alt: m.alt,
    owner: m.owner_id ?? null,
    updatedAt: date(m.updated_at),
    createdAt: date(m.created_at),
    url: fileURL(serverURL, m.filename, m.url),
    thumbnailURL: fileURL(serverURL, m[`sizes_${THUMBNAIL}_filename`], m[`sizes_${THUMBNAIL}_url`]),
    filename: m.filename ?? null,
    mimeType: m.mime_type ?? null,
    filesize: num(m.filesize),
    width: num(m.width),
    height: num(m.height),
    focalX: num(m.focal_x),
    focalY: num(m.focal_y),
    sizes: Object.fromEntries(IMAGE_SIZES.map((name) => [name, size(name)])),
  }
  return doc as Media
}

const MATCH: Record<Find['kind'], string> = { byId: 'p.id = $1', slug: 'p.slug = $1', city: 'p.address_city = $1' }

/** The host's profile and the photos' media rows in their order, for a listing row `f` (depth ≥ 1). */
const EMBEDDED = `,
    (SELECT ${PROFILE_JSON} FROM users u WHERE u.id = f.host_id) AS host_doc,
    (SELECT coalesce(json_agg(to_jsonb(m) ORDER BY r."order"), '[]'::json)
       FROM properties_rels r JOIN media m ON m.id = r.media_id WHERE r.parent_id = f.id AND r.path = 'photos') AS photo_docs`

/**
 * One statement per shape. A find reads one row more than its page and counts the matches only when
 * that row is there (an uncorrelated subquery in CASE runs only when reached): a slug, or a city with
 * fewer listings than the page holds, costs no count. Payload's default order, newest first.
 */
function statement(kind: Find['kind'], embed: boolean): string {
  const where = `${MATCH[kind]} AND p._status = 'published'`
  const embedded = embed ? EMBEDDED : ''
  if (kind === 'byId') return `SELECT f.*${embedded} FROM (SELECT ${LISTING_COLUMNS} FROM properties p WHERE ${where}) f`
  return `WITH found AS (SELECT ${LISTING_COLUMNS} FROM properties p WHERE ${where} ORDER BY p.created_at DESC, p.id DESC LIMIT $2)
    SELECT f.*${embedded},
      CASE WHEN (SELECT count(*) FROM found) >= $2 THEN (SELECT count(*) FROM properties p WHERE ${where}) END AS total_docs
    FROM found f ORDER BY f.created_at DESC, f.id DESC`
}

/** A listing row as an anonymous caller reads it at `depth` (0, or 1 for any more: ANONYMOUS_MAX_DEPTH). */
function publicListing(r: Row, depth: number, serverURL: string): Property {
  const doc = listingDocument(r)
  if (depth === 0) return doc
  return {
    ...doc,
    host: r.host_doc ? (publicProfile(r.host_doc as ProfileRow) as unknown as User) : (r.host_id as number),
    photos: (r.photo_docs as Row[]).map((m) => mediaDocument(m, serverURL)),
  }
}

/** Payload's default page size for REST finds. */
export const DEFAULT_LIMIT = 10

/**
 * The JSON an anonymous caller gets for a published listing by id (null when it is not public or not
 * there: Payload answers its own 404), or for the first page of a find by slug or city (Payload's
 * pagination fields, an empty page when nothing matches). `serverURL` is SERVER_URL (photo URLs).
 */
export async function publishedListingsJson(
  pool: pg.Pool,
  find: Find,
  depth: number,
  serverURL: string,
  limit = DEFAULT_LIMIT,
): Promise<string | null> {
  const embed = depth > 0
  const name = `staybase-listings-${find.kind}-${embed ? 1 : 0}`
  if (find.kind === 'byId') {
    const { rows } = await pool.query({ name, text: statement(find.kind, embed), values: [find.id] })
    return rows[0] ? JSON.stringify(publicListing(rows[0], depth, serverURL)) : null
  }
  const { rows } = await pool.query({ name, text: statement(find.kind, embed), values: [find.value, limit + 1] })
  const docs = rows.slice(0, limit).map((r) => publicListing(r, depth, serverURL))
  const totalDocs = rows.length > limit ? Number(rows[0].total_docs) : docs.length
  const totalPages = Math.max(1, Math.ceil(totalDocs / limit))
  const hasNextPage = totalPages > 1
  // Payload's paginated answer (@payloadcms/drizzle find/findMany), keys in its order.
  return JSON.stringify({
    docs,
    hasNextPage,
    hasPrevPage: false,
    limit,
    nextPage: hasNextPage ? 2 : null,
    page: 1,
    pagingCounter: 1,
    prevPage: null,
    totalDocs,
    totalPages,
  })
}
