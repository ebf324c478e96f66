/**
 * The generated world, decided in memory before anything is written: cities, hosts, listings, each
 * listing's calendar (stays and blocks that never overlap), booking statuses from where the stay lies
 * relative to `now`, and reviews (so listings carry rating aggregates that match their reviews).
 * Bookings live in typed arrays: 2M objects would cost gigabytes.
 */
import { AMENITIES, CANCELLATION_POLICIES, PROPERTY_TYPES } from '@/domain/listing'
import type { Currency } from '@/domain/money'
import { SUB_RATINGS, average2 } from '@/domain/reviews'
import { dayNumber, utcDate } from '@/domain/stayDates'
import { type City, baseNightlyRate, makeCities } from './places'
import { type Rng, createRng } from './rng'

export type Options = { listings: number; bookings: number; blocks: number; seed: string; now: Date; benchGuests: number }

export type Listing = {
  id: number
  hostIndex: number
  city: City
  type: (typeof PROPERTY_TYPES)[number]
  lat: number
  lng: number
  bedrooms: number
  beds: number
  bathrooms: number
  maxGuests: number
  amenities: string[]
  photos: number
  currency: Currency
  nightlyRate: number
  weekendRate: number | null
  cleaningFee: number
  weeklyDiscountPercent: number
  monthlyDiscountPercent: number
  taxPercent: number
  minNights: number
  maxNights: number
  instantBook: boolean
  cancellationPolicy: (typeof CANCELLATION_POLICIES)[number]
  createdAt: number
  /** Mean star rating guests give this listing. */
  quality: number
  /** Earlier draft version before the published one (a host who saved before publishing). */
  hadDraft: boolean
  ratingSum: number
  ratingCount: number
  subSums: number[]
  subCounts: number[]
}

export const STATUS = ['requested', 'awaiting_payment', 'confirmed', 'declined', 'expired', 'cancelled', 'completed'] as const
export const S = { requested: 0, awaiting_payment: 1, confirmed: 2, declined: 3, expired: 4, cancelled: 5, completed: 6 } as const
export const ACTIVE = new Set<number>([S.requested, S.awaiting_payment, S.confirmed])

const DAY = 86_400_000
const HOUR = 3_600_000
const MINUTE = 60_000
const PAST_DAYS = 730
const FUTURE_DAYS = 365
export const REVIEW_WINDOW_DAYS = 14

/** Bookings in parallel typed arrays, index = id − 1 once sorted by creation. */
export class Bookings {
  property: Int32Array
  guest: Int32Array
  checkIn: Int32Array
  nights: Uint16Array
  status: Uint8Array
  createdAt: Float64Array
  guests: Uint8Array
  /** 0 none, 1 guest, 2 host, 3 staff. */
  cancelledBy: Uint8Array
  /** Was paid before it was cancelled. */
  paid: Uint8Array
  length = 0
  constructor(capacity: number) {
    this.property = new Int32Array(capacity)
    this.guest = new Int32Array(capacity)
    this.checkIn = new Int32Array(capacity)
    this.nights = new Uint16Array(capacity)
    this.status = new Uint8Array(capacity)
    this.createdAt = new Float64Array(capacity)
    this.guests = new Uint8Array(capacity)
    this.cancelledBy = new Uint8Array(capacity)
    this.paid = new Uint8Array(capacity)
  }
}

export type Block = { property: number; start: number; nights: number; reason: 'owner_use' | 'maintenance' | 'other'; createdAt: number }

export type Review = {
  booking: number
  subject: 'property' | 'guest'
  rating: number
  subs: (number | null)[] | null
  status: 'pending' | 'published' | 'hidden'
  createdAt: number
  publishedAt: number | null
  response: boolean
}

export type Plan = {
  options: Options
  today: number
  cities: City[]
  listings: Listing[]
  hostCount: number
  /** Listing count of each host (index 0 = the bench host). */
  hostSizes: number[]
  guestCount: number
  staffCount: number
  bookings: Bookings
  blocks: Block[]
  reviews: Review[]
}

const AMENITY_POPULARITY: Record<string, number> = {
  wifi: 0.96,
  kitchen: 0.82,
  washer: 0.6,
  dryer: 0.3,
  air_conditioning: 0.45,
  heating: 0.8,
  pool: 0.08,
  hot_tub: 0.06,
  free_parking: 0.4,
  ev_charger: 0.05,
  workspace: 0.45,
  tv: 0.7,
  pets_allowed: 0.2,
  wheelchair_accessible: 0.08,
  self_check_in: 0.5,
  crib: 0.25,
  fireplace: 0.1,
  balcony: 0.35,
  sea_view: 0.07,
  gym: 0.05,
}

/** The listing with this id: ids are 1 … listings.length, in order. */
export function listingById(listings: readonly Listing[], id: number): Listing {
  const listing = listings[id - 1]
  if (!listing) throw new Error(`No listing ${id} among ${listings.length}.`)
  return listing
}

/** Host sizes: most hosts list one place; a long tail lists up to 50 (P(size ≥ k) ≈ k^-1.6). */
function hostSizes(rng: Rng, listings: number): number[] {
  const first = Math.min(50, listings)
  const sizes: number[] = [first]
  let total = first
  while (total < listings) {
    const size = Math.min(50, listings - total, Math.max(1, Math.floor((1 - rng.next()) ** (-1 / 1.6))))
    sizes.push(size)
    total += size
  }
  return sizes
}

/** Listings per city: proportional to weight, largest remainders rounded up, so the total is exact. */
function cityCounts(cities: City[], listings: number): number[] {
  const total = cities.reduce((sum, c) => sum + c.weight, 0)
  const exact = cities.map((c) => (listings * c.weight) / total)
  const counts = exact.map(Math.floor)
  let left = listings - counts.reduce((a, b) => a + b, 0)
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0])
  // k stays below byRemainder.length (one entry per city, as counts has).
  for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) counts[byRemainder[k]![1]]!++
  return counts
}

const round2 = (n: number) => Math.round(n * 100) / 100

function makeListing(rng: Rng, id: number, city: City, hostIndex: number, createdAt: number): Listing {
  const big = city.weight >= 3
  const type = rng.weighted(PROPERTY_TYPES, (t) =>
    big
      ? { apartment: 60, house: 10, cabin: 1, villa: 3, room: 22, other: 4 }[t]
      : { apartment: 25, house: 30, cabin: 15, villa: 12, room: 10, other: 8 }[t],
  )
  const bedrooms =
    type === 'room'
      ? 1
      : type === 'villa'
        ? rng.int(3, 7)
        : rng.weighted([0, 1, 2, 3, 4, 5] as const, (b) => ([10, 40, 28, 14, 6, 2] as const)[b])
  const beds = Math.max(1, bedrooms + rng.int(0, 2))
  const bathrooms = Math.max(1, Math.round((bedrooms / 2 + rng.int(0, 2) * 0.5) * 2) / 2)
  const maxGuests = Math.min(50, Math.max(1, beds * 2 - rng.int(0, 1)))
  const amenities = AMENITIES.filter((a) => rng.chance(AMENITY_POPULARITY[a] ?? 0.2))
  const typeFactor = { apartment: 1, house: 1.3, cabin: 1.1, villa: 2.6, room: 0.5, other: 0.9 }[type]
  const major = baseNightlyRate(city.currency) * city.priceFactor * typeFactor * (1 + bedrooms * 0.18) * rng.logNormal(1, 0.3)
  const minor = city.currency === 'JPY' ? 1 : 100
  const unit = city.currency === 'JPY' ? 100 : 1
  const nightlyRate = Math.max(1, Math.round(major / unit) * unit * minor)
  const weekendRate = rng.chance(0.45) ? Math.round((nightlyRate * (1.1 + rng.next() * 0.25)) / (unit * minor)) * unit * minor : null
  const minNights = rng.weighted([1, 2, 3, 5, 7], (n) => ({ 1: 50, 2: 28, 3: 14, 5: 5, 7: 3 })[n] ?? 0)
  const maxNights = Math.max(
    minNights,
    rng.weighted([28, 30, 60, 90, 365], (n) => ({ 28: 10, 30: 20, 60: 10, 90: 10, 365: 50 })[n] ?? 0),
  )
  const at = (() => {
    const angle = rng.next() * 2 * Math.PI
    const km = city.radiusKm * Math.sqrt(rng.next())
    return {
      lat: city.lat + (km * Math.cos(angle)) / 111.32,
      lng: city.lng + (km * Math.sin(angle)) / (111.32 * Math.max(0.1, Math.cos((city.lat * Math.PI) / 180))),
    }
  })()
  return {
    id,
    hostIndex,
    city,
    type,
    lat: Math.round(at.lat * 1e5) / 1e5,
    lng: Math.round(at.lng * 1e5) / 1e5,
    bedrooms,
    beds,
    bathrooms,
    maxGuests,
    amenities,
    photos: Math.min(24, Math.max(1, Math.round(rng.logNormal(5, 0.5)))),
    currency: city.currency,
    nightlyRate,
    weekendRate,
    cleaningFee: rng.chance(0.7) ? Math.round((nightlyRate * (0.2 + rng.next() * 0.5)) / (unit * minor)) * unit * minor : 0,
    weeklyDiscountPercent: rng.pick([0, 0, 5, 10, 15]),
    monthlyDiscountPercent: rng.pick([0, 0, 15, 20, 30]),
    taxPercent: rng.chance(0.6) ? round2(rng.pick([3.5, 5, 7, 8.5, 10, 12.5])) : 0,
    minNights,
    maxNights,
    instantBook: rng.chance(0.72),
    cancellationPolicy: rng.weighted(CANCELLATION_POLICIES, (p) => ({ flexible: 30, moderate: 40, strict: 22, non_refundable: 8 })[p]),
    createdAt,
    quality: Math.max(2.6, Math.min(5, 4.55 + rng.normal() * 0.35)),
    hadDraft: rng.chance(0.2),
    ratingSum: 0,
    ratingCount: 0,
    subSums: SUB_RATINGS.map(() => 0),
    subCounts: SUB_RATINGS.map(() => 0),
  }
}

/** Relative demand of a night: summer and the December holidays are busy, November and January quiet. */
function seasonDemand(day: number): number {
  const d = new Date(day * DAY)
  const month = d.getUTCMonth()
  const base = [0.6, 0.65, 0.8, 0.95, 1.05, 1.3, 1.6, 1.6, 1.1, 0.9, 0.6, 1.0][month]! // month: 0–11
  return month === 11 && d.getUTCDate() >= 20 ? 1.6 : base
}

const NIGHTS = [1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 28]
const NIGHTS_WEIGHT = [10, 22, 22, 14, 9, 5, 10, 3, 3, 1, 1]

export function makePlan(options: Options, progress: (label: string) => void): Plan {
  const rng = createRng(options.seed)
  const now = options.now.getTime()
  const today = dayNumber(utcDate(options.now))!
  const start = today - PAST_DAYS
  const end = today + FUTURE_DAYS

  progress('cities and hosts')
  const cities = makeCities(rng)
  const counts = cityCounts(cities, options.listings)
  const sizes = hostSizes(rng, options.listings)

  // Slots grouped by city so a host's listings cluster in one place, as real hosts' do; then shuffled
  // so ids (and the table's physical order) do not follow the city.
  const slots: number[] = []
  counts.forEach((count, cityIndex) => {
    for (let i = 0; i < count; i++) slots.push(cityIndex)
  })
  const hostOf = new Int32Array(options.listings)
  let h = 0
  let used = 0
  for (let i = 0; i < slots.length; i++) {
    if (used === sizes[h]) {
      h++
      used = 0
    }
    hostOf[i] = h
    used++
  }
  const order = rng.shuffle(Array.from({ length: options.listings }, (_, i) => i))

  progress('listings')
  // Listing ids follow creation: the catalogue grew over the last three years.
  const firstCreated = now - 3 * 365 * DAY
  const lastCreated = now - 20 * DAY
  const listings: Listing[] = order.map((slot, i) => {
    const createdAt = firstCreated + ((lastCreated - firstCreated) * (i + rng.next())) / options.listings
    // order is a permutation of 0 … listings − 1; slots and hostOf have one entry per listing.
    return makeListing(rng, i + 1, cities[slots[slot]!]!, hostOf[slot]!, Math.round(createdAt))
  })

  progress('calendars')
  // Demand per listing: a skewed "appeal", so some listings are full and others rarely booked.
  const appeal = listings.map(() => rng.logNormal(1, 0.7)) // by listing id − 1
  // The far future counts less: people book weeks, not a year, ahead.
  const openDays = (listing: Listing) => {
    const from = Math.max(start, Math.floor(listing.createdAt / DAY) + 1)
    return Math.max(0, Math.min(today, end) - from) + Math.max(0, end - Math.max(from, today)) * 0.45
  }
  const demandTotal = listings.reduce((sum, l) => sum + appeal[l.id - 1]! * openDays(l), 0)
  const capacity = Math.ceil(options.bookings * 1.4) + 1_000
  const raw = new Bookings(capacity)
  const blocks: Block[] = []
  const blockShare = options.blocks / Math.max(1, options.bookings + options.blocks)
  // Over-generate a little, then drop random extras so the counts are exact.
  const inflate = 1.15
  const drawNights = rng.table(NIGHTS_WEIGHT)
  for (const listing of listings) {
    const from = Math.max(start, Math.floor(listing.createdAt / DAY) + 1)
    if (end - from <= 0) continue
    // Mean cycle (stay + gap) so that this listing gets its share of all stays and blocks.
    const cycle = demandTotal / ((options.bookings + options.blocks) * inflate * appeal[listing.id - 1]!)
    let day = from + Math.floor(rng.next() * Math.min(cycle, 60))
    while (day < end) {
      const isBlock = rng.chance(blockShare)
      let nights: number
      if (isBlock) nights = rng.int(1, 14)
      else {
        nights = NIGHTS[drawNights()]! // an index into NIGHTS_WEIGHT, which NIGHTS matches
        nights = Math.min(listing.maxNights, Math.max(listing.minNights, nights))
        // Short stays tend to start on Friday.
        if (nights <= 3 && rng.chance(0.35)) day += (5 - ((day + 4) % 7) + 7) % 7
      }
      if (day + nights > end) break
      if (isBlock) {
        blocks.push({
          property: listing.id,
          start: day,
          nights,
          reason: rng.weighted(['owner_use', 'maintenance', 'other'] as const, (r) => ({ owner_use: 70, maintenance: 22, other: 8 })[r]),
          createdAt: 0,
        })
      } else if (raw.length < capacity) {
        const i = raw.length++
        raw.property[i] = listing.id
        raw.checkIn[i] = day
        raw.nights[i] = nights
      }
      const ahead = day > today ? 1 + (day - today) / 90 : 1
      const gapMean = (Math.max(0.3, cycle - 4.5) * ahead) / seasonDemand(day)
      day += nights + Math.floor(-Math.log(1 - rng.next()) * gapMean)
    }
  }
  if (raw.length < options.bookings) {
    throw new Error(
      `Only ${raw.length} bookings fit the calendars of ${options.listings} listings; ask for fewer bookings or more listings.`,
    )
  }

  progress('statuses')
  // Keep exactly options.bookings: a random subset (Floyd-free: shuffle indexes, keep the first n).
  const keep = new Uint8Array(raw.length)
  {
    const idx = Uint32Array.from({ length: raw.length }, (_, i) => i)
    for (let i = 0; i < options.bookings; i++) {
      const j = i + Math.floor(rng.next() * (raw.length - i))
      // i < options.bookings <= raw.length (checked above) and i <= j < raw.length.
      const t = idx[i]!
      idx[i] = idx[j]!
      idx[j] = t
      keep[idx[i]!] = 1
    }
  }
  if (blocks.length > options.blocks) {
    rng.shuffle(blocks)
    blocks.length = options.blocks
  }

  const guestCount = Math.max(options.benchGuests + 10, Math.round(options.bookings / 6))
  const guestWeights = Float64Array.from({ length: guestCount }, () => rng.logNormal(1, 0.9))
  const drawGuest = rng.table(guestWeights)
  const drawParty = rng.table([18, 45, 12, 15, 5, 5])
  const b = new Bookings(options.bookings)
  for (let i = 0; i < raw.length; i++) {
    if (!keep[i]) continue
    const k = b.length++
    // i < raw.length.
    const property = raw.property[i]!
    const listing = listingById(listings, property)
    const checkIn = raw.checkIn[i]!
    const nights = raw.nights[i]!
    const checkOut = checkIn + nights
    b.property[k] = property
    b.checkIn[k] = checkIn
    b.nights[k] = nights
    b.guest[k] = drawGuest()
    b.guests[k] = Math.min(listing.maxGuests, 1 + drawParty())
    // Booked 0–300 days ahead (median ~3 weeks), never before the listing existed nor after now.
    const lead = Math.min(300, rng.logNormal(21, 1.0))
    let created = checkIn * DAY + 15 * HOUR - lead * DAY
    created = Math.max(created, listing.createdAt + HOUR)
    let status: number
    if (checkOut <= today) {
      const r = rng.next()
      status = r < 0.84 ? S.completed : r < 0.93 ? S.cancelled : r < 0.96 ? S.declined : S.expired
    } else if (checkIn <= today) {
      status = S.confirmed
    } else {
      const r = rng.next()
      status =
        r < 0.82
          ? S.confirmed
          : r < 0.92
            ? S.cancelled
            : r < 0.945
              ? S.requested
              : r < 0.96
                ? S.awaiting_payment
                : r < 0.98
                  ? S.declined
                  : S.expired
    }
    // Holds are short: an awaiting payment was made in the last quarter hour, a request in the last day.
    if (status === S.awaiting_payment) created = now - rng.int(1, 14) * MINUTE
    else if (status === S.requested) created = now - rng.int(10, 23 * 60) * MINUTE
    else if (created > now - HOUR) created = now - HOUR - rng.next() * Math.min(30 * DAY, Math.max(HOUR, now - HOUR - listing.createdAt))
    b.createdAt[k] = Math.round(created)
    b.status[k] = status
    if (status === S.cancelled) {
      b.cancelledBy[k] = rng.weighted([1, 2, 3] as const, (c) => ({ 1: 75, 2: 20, 3: 5 })[c])
      b.paid[k] = rng.chance(0.8) ? 1 : 0
    }
  }

  progress('sorting bookings by creation')
  // Ids follow creation time, as they do in a live system (the created_at index is correlated with id).
  const sorted = Uint32Array.from({ length: b.length }, (_, i) => i).sort((x, y) => b.createdAt[x]! - b.createdAt[y]!)
  const bookings = new Bookings(b.length)
  bookings.length = b.length
  for (let k = 0; k < sorted.length; k++) {
    // sorted is a permutation of 0 … b.length − 1.
    const from = sorted[k]!
    bookings.property[k] = b.property[from]!
    bookings.guest[k] = b.guest[from]!
    bookings.checkIn[k] = b.checkIn[from]!
    bookings.nights[k] = b.nights[from]!
    bookings.status[k] = b.status[from]!
    bookings.createdAt[k] = b.createdAt[from]!
    bookings.guests[k] = b.guests[from]!
    bookings.cancelledBy[k] = b.cancelledBy[from]!
    bookings.paid[k] = b.paid[from]!
  }
  for (const block of blocks) {
    const listing = listingById(listings, block.property)
    block.createdAt = Math.round(Math.min(now - HOUR, Math.max(listing.createdAt + HOUR, (block.start - rng.int(1, 120)) * DAY)))
  }
  blocks.sort((x, y) => x.createdAt - y.createdAt)

  progress('reviews')
  const reviews: Review[] = []
  const clampStar = (n: number) => Math.max(1, Math.min(5, Math.round(n)))
  for (let k = 0; k < bookings.length; k++) {
    if (bookings.status[k] !== S.completed) continue
    const listing = listingById(listings, bookings.property[k]!)
    const checkOutMs = (bookings.checkIn[k]! + bookings.nights[k]!) * DAY
    const closes = checkOutMs + (REVIEW_WINDOW_DAYS + 1) * DAY
    const windowOpen = now < closes
    const byGuest = rng.chance(0.62)
    const byHost = rng.chance(0.5)
    if (!byGuest && !byHost) continue
    const written = (who: boolean) => (who ? Math.min(now - MINUTE, checkOutMs + rng.next() * REVIEW_WINDOW_DAYS * DAY) : 0)
    const guestAt = written(byGuest)
    const hostAt = written(byHost)
    // Blind reviews: published when both are in, or when the window closes.
    const bothIn = byGuest && byHost
    const publishedAt = bothIn ? Math.max(guestAt, hostAt) : windowOpen ? null : closes
    const status = publishedAt === null ? 'pending' : 'published'
    if (byGuest) {
      const rating = clampStar(listing.quality + rng.normal() * 0.7)
      const subs = rng.chance(0.9) ? SUB_RATINGS.map(() => (rng.chance(0.95) ? clampStar(rating + rng.normal() * 0.6) : null)) : null
      const hidden = status === 'published' && rng.chance(0.003)
      reviews.push({
        booking: k + 1,
        subject: 'property',
        rating,
        subs,
        status: hidden ? 'hidden' : status,
        createdAt: Math.round(guestAt),
        publishedAt: publishedAt && Math.round(publishedAt),
        response: status === 'published' && rng.chance(0.15),
      })
      if (status === 'published' && !hidden) {
        listing.ratingSum += rating
        listing.ratingCount++
        subs?.forEach((v, i) => {
          if (v !== null) {
            // subs, subSums and subCounts each have one entry per SUB_RATINGS.
            listing.subSums[i]! += v
            listing.subCounts[i]!++
          }
        })
      }
    }
    if (byHost) {
      const rating = clampStar(4.7 + rng.normal() * 0.5)
      reviews.push({
        booking: k + 1,
        subject: 'guest',
        rating,
        subs: null,
        status,
        createdAt: Math.round(hostAt),
        publishedAt: publishedAt && Math.round(publishedAt),
        response: false,
      })
    }
  }

  return {
    options,
    today,
    cities,
    listings,
    hostCount: sizes.length,
    hostSizes: sizes,
    guestCount,
    staffCount: 10,
    bookings,
    blocks,
    reviews,
  }
}

/** A listing's aggregates, exactly as src/domain/reviews.ts listingRatings computes them. */
export function ratingsOf(listing: Listing): { average: number | null; count: number; breakdown: (number | null)[] } {
  return {
    average: average2(listing.ratingSum, listing.ratingCount),
    count: listing.ratingCount,
    breakdown: listing.subSums.map((sum, i) => average2(sum, listing.subCounts[i]!)),
  }
}
