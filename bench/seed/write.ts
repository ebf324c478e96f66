/**
 * Writes a Plan through the real schema with COPY: the same rows Payload writes when the documents are
 * created through the API (users + roles, media with their image sizes, published listings with their
 * amenities and photo relations, one published version per listing — and an earlier draft for some —
 * bookings with their per-night quote rows, payments and refunds, blocks, reviews).
 */
import { quoteStay } from '@/domain/pricing'
import { type CancelledBy, refundAmount } from '@/domain/refunds'
import { fromDayNumber } from '@/domain/stayDates'
import { slugify } from '@/domain/slug'
import { paragraphs } from '../../scripts/seed/lexical'
import { type BufferedWriter, type CopyWriter, NULL, bool, num, text, ts } from './copy'
import { type Listing, type Plan, S, STATUS, listingById, ratingsOf } from './plan'
import { createRng } from './rng'
import {
  CANCEL_REASONS,
  FIRST_NAMES,
  HOUSE_RULES,
  LAST_NAMES,
  MESSAGES,
  RESPONSES,
  STREETS,
  comment,
  descriptionParagraphs,
  title,
} from './text'

const DAY = 86_400_000
const HOUR = 3_600_000
const MINUTE = 60_000
/** The service fee the app charges by default (SERVICE_FEE_PERCENT); bench quotes use the default. */
export const SERVICE_FEE_PERCENT = 12

export const BENCH_DOMAIN = 'staybase.bench'
export type Accounts = { password: string; admin: string; staff: string; host: string; hostListings: number; guests: string[] }

/** Payload array rows get ObjectId-like ids: 4 bytes of seconds, then 8 of a counter (unique). */
let objectIdCounter = 0
const objectId = (ms: number) =>
  Math.floor(ms / 1000)
    .toString(16)
    .padStart(8, '0') + (objectIdCounter++).toString(16).padStart(16, '0')

/** Calendar dates as text, computed once per day rather than once per row. */
const dateCache = new Map<number, string>()
/** Who cancelled, from the plan's code (bookings.cancelledBy: 1 guest, 2 host, 3 staff). */
function cancelledByName(code: number): CancelledBy {
  const by = (['guest', 'host', 'staff'] as const)[code - 1]
  if (!by) throw new Error(`Cancelled booking with cancelledBy code ${code}; expected 1, 2 or 3.`)
  return by
}

function day(d: number): string {
  let text = dateCache.get(d)
  if (text === undefined) {
    text = fromDayNumber(d)
    dateCache.set(d, text)
  }
  return text
}

/**
 * The quote's nights, one row each (Payload's array table for quote.perNight), built by the server from
 * the bookings just written: ~9M rows at full size would otherwise be formatted here and parsed again
 * there. Same rule as quoteStay: Friday and Saturday nights take the weekend rate when the listing has
 * one. Row ids are ObjectId-like (seconds of the booking's creation, then booking id and night).
 */
export const PER_NIGHT_SQL = `
  INSERT INTO bookings_quote_per_night (_order, _parent_id, id, date, rate, weekend)
  SELECT n + 1, b.id,
         lpad(to_hex(floor(extract(epoch FROM b.created_at))::bigint), 8, '0') || lpad(to_hex(b.id::bigint * 1024 + n), 16, '0'),
         to_char(b.check_in + n, 'YYYY-MM-DD'),
         CASE WHEN extract(dow FROM b.check_in + n) IN (5, 6) AND p.pricing_weekend_rate IS NOT NULL THEN p.pricing_weekend_rate ELSE p.pricing_nightly_rate END,
         extract(dow FROM b.check_in + n) IN (5, 6)
    FROM bookings b
    JOIN properties p ON p.id = b.property_id
   CROSS JOIN LATERAL generate_series(0, b.check_out - b.check_in - 1) AS n`

export type Sink = {
  open: (table: string, columns: string[]) => CopyWriter
  buffered: (table: string, columns: string[]) => BufferedWriter
}

type Ids = { admin: number; staff: number; firstStaff: number; firstHost: number; firstGuest: number }

export function userIds(plan: Plan): Ids {
  // 1 admin, then staff, then hosts, then guests.
  const firstStaff = 2
  const firstHost = firstStaff + plan.staffCount
  return { admin: 1, staff: firstStaff, firstStaff, firstHost, firstGuest: firstHost + plan.hostCount }
}

export async function writeUsers(sink: Sink, plan: Plan, salt: string, hash: string, password: string): Promise<Accounts> {
  const rng = createRng(`${plan.options.seed}:users`)
  const ids = userIds(plan)
  const now = plan.options.now.getTime()
  const users = sink.open('users', [
    'id',
    'name',
    'email',
    'bio',
    'phone',
    'salt',
    'hash',
    '_verified',
    'login_attempts',
    'created_at',
    'updated_at',
  ])
  const roles = sink.buffered('users_roles', ['id', 'order', 'parent_id', 'value'])
  let roleId = 1
  const name = () => `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`
  const accounts: Accounts = {
    password,
    admin: `bench-admin@${BENCH_DOMAIN}`,
    staff: `bench-staff@${BENCH_DOMAIN}`,
    host: `bench-host@${BENCH_DOMAIN}`,
    hostListings: plan.hostSizes[0]!, // index 0 = the bench host; there is always one
    guests: [],
  }
  const add = async (id: number, email: string, fullName: string, role: string, createdAt: number, bio: string | null = null) => {
    const flush1 = users.row([num(id), text(fullName), text(email), text(bio), NULL, salt, hash, 't', '0', ts(createdAt), ts(createdAt)])
    const flush2 = roles.row([num(roleId++), '1', num(id), role])
    if (flush1) await users.flush()
    if (flush2) await roles.flush()
  }
  const start = now - 4 * 365 * DAY
  await add(ids.admin, accounts.admin, 'Bench Admin', 'admin', start)
  for (let i = 0; i < plan.staffCount; i++) {
    await add(
      ids.firstStaff + i,
      i === 0 ? accounts.staff : `staff-${i + 1}@${BENCH_DOMAIN}`,
      i === 0 ? 'Bench Staff' : name(),
      'staff',
      start + i * DAY,
    )
  }
  for (let i = 0; i < plan.hostCount; i++) {
    const email = i === 0 ? accounts.host : `host-${i + 1}@${BENCH_DOMAIN}`
    await add(
      ids.firstHost + i,
      email,
      i === 0 ? 'Bench Host' : name(),
      'host',
      start + Math.floor((i / plan.hostCount) * 3 * 365 * DAY),
      rng.chance(0.4) ? 'Superhost since forever. Happy to help with tips about the area.' : null,
    )
  }
  for (let i = 0; i < plan.guestCount; i++) {
    const bench = i < plan.options.benchGuests
    const email = bench ? `bench-guest-${i + 1}@${BENCH_DOMAIN}` : `guest-${i + 1}@${BENCH_DOMAIN}`
    if (bench) accounts.guests.push(email)
    await add(ids.firstGuest + i, email, name(), 'guest', start + Math.floor((i / plan.guestCount) * 4 * 365 * DAY))
  }
  await users.end()
  await roles.end()
  return accounts
}

const IMAGE_SHAPES = [
  [1600, 1067],
  [1600, 1200],
  [1200, 1600],
] as const

/** Media rows (what an upload records: the original and its three webp sizes); the files themselves are not written. */
export async function writeMedia(sink: Sink, plan: Plan): Promise<Int32Array> {
  const rng = createRng(`${plan.options.seed}:media`)
  const ids = userIds(plan)
  const media = sink.open('media', [
    'id',
    'alt',
    'owner_id',
    'url',
    'filename',
    'mime_type',
    'filesize',
    'width',
    'height',
    'focal_x',
    'focal_y',
    'sizes_thumbnail_url',
    'sizes_thumbnail_width',
    'sizes_thumbnail_height',
    'sizes_thumbnail_mime_type',
    'sizes_thumbnail_filesize',
    'sizes_thumbnail_filename',
    'sizes_card_url',
    'sizes_card_width',
    'sizes_card_height',
    'sizes_card_mime_type',
    'sizes_card_filesize',
    'sizes_card_filename',
    'sizes_hero_url',
    'sizes_hero_width',
    'sizes_hero_height',
    'sizes_hero_mime_type',
    'sizes_hero_filesize',
    'sizes_hero_filename',
    'created_at',
    'updated_at',
  ])
  // First media id of each listing (its photos are consecutive).
  const firstMedia = new Int32Array(plan.listings.length + 1)
  let id = 1
  for (const listing of plan.listings) {
    firstMedia[listing.id] = id
    const base = `${slugify(listing.city.name)}-${listing.id}`
    for (let p = 1; p <= listing.photos; p++, id++) {
      const [w, hgt] = rng.pick(IMAGE_SHAPES)
      const file = `${base}-${p}`
      const size = (sw: number, sh: number, bytes: number) => {
        const f = `${file}-${sw}x${sh}.webp`
        return [`/api/media/file/${f}`, num(sw), num(sh), 'image/webp', num(bytes), f]
      }
      const at = listing.createdAt - (listing.photos - p + 1) * MINUTE
      const flush = media.row([
        num(id),
        text(`${listing.city.name} ${listing.type} — photo ${p}`),
        num(ids.firstHost + listing.hostIndex),
        `/api/media/file/${file}.jpg`,
        `${file}.jpg`,
        'image/jpeg',
        num(rng.int(180_000, 900_000)),
        num(w),
        num(hgt),
        '50',
        '50',
        ...size(400, 300, rng.int(8_000, 30_000)),
        ...size(800, 600, rng.int(25_000, 90_000)),
        ...size(1600, Math.round((1600 * hgt) / w), rng.int(80_000, 300_000)),
        ts(at),
        ts(at),
      ])
      if (flush) await media.flush()
    }
  }
  firstMedia[0] = id
  await media.end()
  return firstMedia
}

type ListingText = { title: string; slug: string; description: string; rules: string; line1: string; line2: string | null; postal: string }

export async function writeListings(sink: Sink, plan: Plan, firstMedia: Int32Array): Promise<void> {
  const rng = createRng(`${plan.options.seed}:listings`)
  const ids = userIds(plan)
  const slugs = new Map<string, number>()
  const common = [
    'title',
    'slug',
    'host_id',
    'property_type',
    'description',
    'house_rules',
    'address_line1',
    'address_line2',
    'address_city',
    'address_region',
    'address_postal_code',
    'address_country',
    'location_latitude',
    'location_longitude',
    'max_guests',
    'bedrooms',
    'beds',
    'bathrooms',
    'pricing_currency',
    'pricing_nightly_rate',
    'pricing_weekend_rate',
    'pricing_cleaning_fee',
    'pricing_weekly_discount_percent',
    'pricing_monthly_discount_percent',
    'pricing_tax_percent',
    'min_nights',
    'max_nights',
    'check_in_time',
    'check_out_time',
    'instant_book',
    'cancellation_policy',
    'rating_average',
    'review_count',
    'rating_breakdown_cleanliness',
    'rating_breakdown_accuracy',
    'rating_breakdown_communication',
    'rating_breakdown_location',
    'rating_breakdown_check_in',
    'rating_breakdown_value',
    'published_at',
    'updated_at',
    'created_at',
    '_status',
  ]
  const properties = sink.open('properties', ['id', ...common])
  const amenities = sink.buffered('properties_amenities', ['id', 'order', 'parent_id', 'value'])
  const rels = sink.buffered('properties_rels', ['id', 'order', 'parent_id', 'path', 'media_id'])
  const texts: ListingText[] = []
  let amenityId = 1
  let relId = 1
  const fields = (
    l: Listing,
    t: ListingText,
    ratings: ReturnType<typeof ratingsOf> | null,
    publishedAt: number | null,
    updatedAt: number,
    status: string,
    nightly: number,
  ) => [
    text(t.title),
    text(t.slug),
    num(ids.firstHost + l.hostIndex),
    l.type,
    text(t.description),
    text(t.rules),
    text(t.line1),
    text(t.line2),
    text(l.city.name),
    text(l.city.region),
    t.postal,
    l.city.country,
    num(l.lat),
    num(l.lng),
    num(l.maxGuests),
    num(l.bedrooms),
    num(l.beds),
    num(l.bathrooms),
    l.currency,
    num(nightly),
    num(l.weekendRate),
    num(l.cleaningFee),
    num(l.weeklyDiscountPercent),
    num(l.monthlyDiscountPercent),
    num(l.taxPercent),
    num(l.minNights),
    num(l.maxNights),
    rng.pick(['14:00', '15:00', '15:00', '16:00']),
    rng.pick(['10:00', '11:00', '11:00']),
    bool(l.instantBook),
    l.cancellationPolicy,
    num(ratings?.average),
    num(ratings?.count ?? 0),
    ...(ratings ? ratings.breakdown.map(num) : [NULL, NULL, NULL, NULL, NULL, NULL]),
    ts(publishedAt),
    ts(updatedAt),
    ts(l.createdAt),
    status,
  ]
  for (const l of plan.listings) {
    const name = title(rng, l.type, l.city.name)
    const base = slugify(name)
    const n = (slugs.get(base) ?? 0) + 1
    slugs.set(base, n)
    const t: ListingText = {
      title: name,
      slug: n === 1 ? base : `${base}-${n}`,
      description: JSON.stringify(paragraphs(...descriptionParagraphs(rng))),
      rules: rng.pick(HOUSE_RULES),
      line1: `${rng.int(1, 240)} ${rng.pick(STREETS)}`,
      line2: rng.chance(0.3) ? `Apt ${rng.int(1, 60)}` : null,
      postal: String(rng.int(1000, 99999)),
    }
    texts.push(t)
    const publishedAt = l.createdAt + 10 * MINUTE
    let flush = properties.row([num(l.id), ...fields(l, t, ratingsOf(l), publishedAt, publishedAt, 'published', l.nightlyRate)])
    l.amenities.forEach((value, i) => {
      flush = amenities.row([num(amenityId++), num(i + 1), num(l.id), value]) || flush
    })
    for (let p = 0; p < l.photos; p++)
      flush = rels.row([num(relId++), num(p + 1), num(l.id), 'photos', num(firstMedia[l.id]! + p)]) || flush
    if (flush) await Promise.all([properties.flush(), amenities.flush(), rels.flush()])
  }
  await properties.end()
  await amenities.end()
  await rels.end()

  // Versions: what Payload's drafts write. The published version is `latest`; ratings written later by
  // review publishing go into the live row only (as keepRatingsCurrent expects), so versions carry none.
  const versions = sink.open('_properties_v', [
    'id',
    'parent_id',
    ...common.map((c) => (c === '_status' ? 'version__status' : `version_${c}`)),
    'created_at',
    'updated_at',
    'latest',
  ])
  const vAmenities = sink.buffered('_properties_v_version_amenities', ['id', 'order', 'parent_id', 'value'])
  const vRels = sink.buffered('_properties_v_rels', ['id', 'order', 'parent_id', 'path', 'media_id'])
  let versionId = 1
  amenityId = 1
  relId = 1
  for (const l of plan.listings) {
    const t = texts[l.id - 1]! // one per listing, pushed in id order above
    const publishedAt = l.createdAt + 10 * MINUTE
    const write = (draft: boolean): boolean => {
      const id = versionId++
      const at = draft ? l.createdAt : publishedAt
      // A draft saved before publishing usually had a first guess at the price.
      const nightly = draft ? Math.max(1, Math.round(l.nightlyRate * 1.1)) : l.nightlyRate
      let flush = versions.row([
        num(id),
        num(l.id),
        ...fields(l, t, null, draft ? null : publishedAt, at, draft ? 'draft' : 'published', nightly),
        ts(at),
        ts(at),
        bool(!draft),
      ])
      l.amenities.forEach((value, i) => {
        flush = vAmenities.row([num(amenityId++), num(i + 1), num(id), value]) || flush
      })
      for (let p = 0; p < l.photos; p++)
        flush = vRels.row([num(relId++), num(p + 1), num(id), 'version.photos', num(firstMedia[l.id]! + p)]) || flush
      return flush
    }
    let flush = l.hadDraft ? write(true) : false
    flush = write(false) || flush
    if (flush) await Promise.all([versions.flush(), vAmenities.flush(), vRels.flush()])
  }
  await versions.end()
  await vAmenities.end()
  await vRels.end()
}

export async function writeBlocks(sink: Sink, plan: Plan): Promise<void> {
  const rng = createRng(`${plan.options.seed}:blocks`)
  const ids = userIds(plan)
  const blocks = sink.open('availability_blocks', [
    'id',
    'property_id',
    'host_id',
    'start_date',
    'end_date',
    'reason',
    'note',
    'created_at',
    'updated_at',
  ])
  let id = 1
  for (const b of plan.blocks) {
    const l = listingById(plan.listings, b.property)
    const note =
      b.reason === 'maintenance'
        ? rng.pick(['Painting the bedroom.', 'Plumber visit.', 'Deep clean.'])
        : b.reason === 'owner_use' && rng.chance(0.3)
          ? 'Family visiting.'
          : null
    if (
      blocks.row([
        num(id++),
        num(b.property),
        num(ids.firstHost + l.hostIndex),
        day(b.start),
        day(b.start + b.nights),
        b.reason,
        text(note),
        ts(b.createdAt),
        ts(b.createdAt),
      ])
    )
      await blocks.flush()
  }
  await blocks.end()
}

/** The booking's timestamps and money, derived deterministically from the plan (one Rng stream in id order). */
type Derived = {
  total: number
  currency: string
  refund: number | null
  confirmedAt: number | null
  cancelledAt: number | null
  holdExpiresAt: number
  updatedAt: number
}

export async function writeBookings(sink: Sink, plan: Plan): Promise<void> {
  const rng = createRng(`${plan.options.seed}:bookings`)
  const ids = userIds(plan)
  const now = plan.options.now.getTime()
  const b = plan.bookings
  const bookings = sink.open('bookings', [
    'id',
    'property_id',
    'guest_id',
    'host_id',
    'check_in',
    'check_out',
    'guests',
    'status',
    'quote_currency',
    'quote_nights',
    'quote_nightly_subtotal',
    'quote_discount',
    'quote_cleaning_fee',
    'quote_service_fee',
    'quote_taxes',
    'quote_total',
    'cancellation_policy',
    'hold_expires_at',
    'confirmed_at',
    'cancelled_at',
    'cancelled_by',
    'cancellation_reason',
    'refund_amount',
    'cancellation_queued_at',
    'message_to_host',
    'created_at',
    'updated_at',
  ])
  const derived: Derived[] = new Array(b.length)
  for (let k = 0; k < b.length; k++) {
    const l = listingById(plan.listings, b.property[k]!)
    const checkInDay = b.checkIn[k]!
    const nights = b.nights[k]!
    const checkIn = day(checkInDay)
    const checkOut = day(checkInDay + nights)
    const quote = quoteStay(l, checkIn, checkOut, SERVICE_FEE_PERCENT)
    const created = b.createdAt[k]!
    const status = b.status[k]!
    const requestFirst = !l.instantBook
    const holdExpiresAt = created + (requestFirst ? 24 * HOUR : 15 * MINUTE)
    const checkInMs = checkInDay * DAY + 15 * HOUR
    const checkOutMs = (checkInDay + nights) * DAY + 11 * HOUR
    let confirmedAt: number | null = null
    let cancelledAt: number | null = null
    let refund: number | null = null
    let updatedAt = created
    const acceptedAt = requestFirst ? created + rng.int(5, 20 * 60) * MINUTE : created
    if (status === S.confirmed || status === S.completed || (status === S.cancelled && b.paid[k])) {
      confirmedAt = Math.min(now - MINUTE, acceptedAt + rng.int(1, 10) * MINUTE)
      updatedAt = status === S.completed ? Math.min(now - MINUTE, checkOutMs + rng.int(1, 60) * MINUTE) : confirmedAt
    }
    if (status === S.cancelled) {
      const after = confirmedAt ?? created
      const latest = Math.min(now - MINUTE, Math.max(after + MINUTE, checkInMs - HOUR))
      cancelledAt = Math.round(after + rng.next() * (latest - after))
      if (b.paid[k]) {
        const by = cancelledByName(b.cancelledBy[k]!)
        refund = refundAmount({
          policy: l.cancellationPolicy,
          total: quote.total,
          checkIn,
          bookedAt: new Date(created),
          cancelledAt: new Date(cancelledAt),
          cancelledBy: by,
        }).amount
      }
      updatedAt = cancelledAt + 1_000
    } else if (status === S.declined) updatedAt = Math.min(now - MINUTE, created + rng.int(10, 23 * 60) * MINUTE)
    else if (status === S.expired) updatedAt = Math.min(now - MINUTE, holdExpiresAt + rng.int(1, 5) * MINUTE)
    derived[k] = { total: quote.total, currency: quote.currency, refund, confirmedAt, cancelledAt, holdExpiresAt, updatedAt }
    const cancelledBy = status === S.cancelled ? cancelledByName(b.cancelledBy[k]!) : null
    const flush = bookings.row([
      num(k + 1),
      num(l.id),
      num(ids.firstGuest + b.guest[k]!),
      num(ids.firstHost + l.hostIndex),
      checkIn,
      checkOut,
      num(b.guests[k]!),
      STATUS[status]!, // a code from S: 0–6
      quote.currency,
      num(quote.nights),
      num(quote.nightlySubtotal),
      num(quote.discount),
      num(quote.cleaningFee),
      num(quote.serviceFee),
      num(quote.taxes),
      num(quote.total),
      l.cancellationPolicy,
      ts(holdExpiresAt),
      ts(confirmedAt),
      ts(cancelledAt),
      cancelledBy ?? NULL,
      text(cancelledAt ? rng.pick(CANCEL_REASONS) : null),
      num(refund),
      ts(cancelledAt && cancelledAt + 1_000),
      text(rng.chance(0.3) ? rng.pick(MESSAGES) : null),
      ts(created),
      ts(updatedAt),
    ])
    if (flush) await bookings.flush()
  }
  await bookings.end()

  // Payments: one Stripe PaymentIntent per paid booking (succeeded, refunded in part or whole when
  // cancelled), an open one for bookings awaiting payment, a canceled one for some expired holds.
  const payments = sink.open('payments', [
    'id',
    'booking_id',
    'guest_id',
    'host_id',
    'amount',
    'currency',
    'amount_refunded',
    'status',
    'stripe_payment_intent_id',
    'needs_attention',
    'last_stripe_event_at',
    'created_at',
    'updated_at',
  ])
  const refunds = sink.buffered('payments_refunds', [
    '_order',
    '_parent_id',
    'id',
    'stripe_refund_id',
    'amount',
    'status',
    'reason',
    'created_at',
  ])
  let paymentId = 1
  for (let k = 0; k < b.length; k++) {
    const d = derived[k]! // set for every booking above
    const status = b.status[k]!
    let paymentStatus: string | null = null
    let at = b.createdAt[k]! + MINUTE
    let last = at
    if (d.confirmedAt !== null) {
      paymentStatus = d.refund ? (d.refund >= d.total ? 'refunded' : 'partially_refunded') : 'succeeded'
      at = d.confirmedAt - MINUTE
      last = d.refund ? d.cancelledAt! + 2 * MINUTE : d.confirmedAt
    } else if (status === S.awaiting_payment && rng.chance(0.6)) paymentStatus = 'requires_payment'
    else if (status === S.expired && listingById(plan.listings, b.property[k]!).instantBook && rng.chance(0.3)) paymentStatus = 'canceled'
    if (!paymentStatus) continue
    const l = listingById(plan.listings, b.property[k]!)
    const id = paymentId++
    let flush = payments.row([
      num(id),
      num(k + 1),
      num(ids.firstGuest + b.guest[k]!),
      num(ids.firstHost + l.hostIndex),
      num(d.total),
      d.currency,
      num(d.refund ?? 0),
      paymentStatus,
      `pi_bench${(k + 1).toString(36).padStart(8, '0')}`,
      'f',
      ts(last),
      ts(at),
      ts(last),
    ])
    if (d.refund)
      flush =
        refunds.row([
          '1',
          num(id),
          objectId(d.cancelledAt!),
          `re_bench${(k + 1).toString(36).padStart(8, '0')}`,
          num(d.refund),
          'succeeded',
          'requested_by_customer',
          ts(d.cancelledAt! + 2 * MINUTE),
        ]) || flush
    if (flush) await Promise.all([payments.flush(), refunds.flush()])
  }
  await payments.end()
  await refunds.end()
}

export async function writeReviews(sink: Sink, plan: Plan): Promise<void> {
  const rng = createRng(`${plan.options.seed}:reviews`)
  const ids = userIds(plan)
  const b = plan.bookings
  const reviews = sink.open('reviews', [
    'id',
    'booking_id',
    'property_id',
    'author_id',
    'subject',
    'rating',
    'sub_ratings_cleanliness',
    'sub_ratings_accuracy',
    'sub_ratings_communication',
    'sub_ratings_location',
    'sub_ratings_check_in',
    'sub_ratings_value',
    'comment',
    'host_response_text',
    'host_response_responded_at',
    'status',
    'published_at',
    'hidden_reason',
    'created_at',
    'updated_at',
  ])
  let id = 1
  for (const r of plan.reviews) {
    const k = r.booking - 1 // review.booking is a booking id: 1 … bookings.length
    const l = listingById(plan.listings, b.property[k]!)
    const author = r.subject === 'property' ? ids.firstGuest + b.guest[k]! : ids.firstHost + l.hostIndex
    const respondedAt = r.response && r.publishedAt ? r.publishedAt + rng.int(1, 72) * HOUR : null
    const updated = Math.max(r.createdAt, r.publishedAt ?? 0, respondedAt ?? 0)
    const flush = reviews.row([
      num(id++),
      num(r.booking),
      num(l.id),
      num(author),
      r.subject,
      num(r.rating),
      ...(r.subs ? r.subs.map(num) : [NULL, NULL, NULL, NULL, NULL, NULL]),
      text(comment(rng, r.subject, r.rating)),
      text(respondedAt ? rng.pick(RESPONSES) : null),
      ts(respondedAt),
      r.status,
      ts(r.publishedAt),
      text(r.status === 'hidden' ? 'Violates the content policy (personal information).' : null),
      ts(r.createdAt),
      ts(updated),
    ])
    if (flush) await reviews.flush()
  }
  await reviews.end()
}
