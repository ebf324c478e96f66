import { isCountryCode } from './countries'
import { AMENITIES, PROPERTY_TYPES } from './listing'
import { isCurrency } from './money'
import type { SearchAfter } from './searchCursor'
import { isCalendarDate, nightsBetween } from './stayDates'

/** The query of GET /api/properties/search, parsed and checked. Pure: a 400 message or the criteria. */
export const SEARCH_SORTS = ['price', '-price', 'rating', 'distance'] as const
export const MAX_SEARCH_LIMIT = 50
export const MAX_RADIUS_KM = 1000
/** totalDocs is exact up to this many matches; above it the answer says 1000 and totalDocsExact: false. */
export const SEARCH_COUNT_CAP = 1000

export type SearchCriteria = {
  stay: { checkIn: string; checkOut: string; nights: number } | null
  guests: number
  city: string | null
  country: string | null
  currency: string | null
  minPrice: number | null
  maxPrice: number | null
  amenities: string[]
  propertyType: string | null
  point: { lat: number; lng: number; radiusKm: number } | null
  sort: (typeof SEARCH_SORTS)[number]
  page: number
  limit: number
  /** The `cursor` parameter as given (decoded with the server's secret by src/domain/searchCursor.ts). */
  cursor: string | null
  /** Where the page starts when a cursor was given (keyset pagination): rows after this key. */
  after?: SearchAfter | null
}

type Get = (name: string) => string | null

function int(get: Get, name: string, min: number, max: number, fallback: number | null): number | null | string {
  const raw = get(name)
  if (raw === null || raw === '') return fallback
  if (!/^-?\d+$/.test(raw)) return `${name} must be a whole number.`
  const n = Number(raw)
  if (n < min || n > max) return `${name} must be between ${min} and ${max}.`
  return n
}

function float(get: Get, name: string, min: number, max: number): number | null | string {
  const raw = get(name)
  if (raw === null || raw === '') return null
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min || n > max) return `${name} must be a number between ${min} and ${max}.`
  return n
}

/** A refusal names the parameter it is about (`field`), as every rule error of the API does. */
export function parseSearch(get: Get): { ok: true; criteria: SearchCriteria } | { ok: false; message: string; field: string } {
  const fail = (message: string, field: string) => ({ ok: false as const, message, field })
  const checkIn = get('checkIn')
  const checkOut = get('checkOut')
  let stay: SearchCriteria['stay'] = null
  if (checkIn || checkOut) {
    if (!isCalendarDate(checkIn) || !isCalendarDate(checkOut))
      return fail('checkIn and checkOut must both be dates as YYYY-MM-DD.', isCalendarDate(checkIn) ? 'checkOut' : 'checkIn')
    const nights = nightsBetween(checkIn!, checkOut!)
    if (nights < 1 || nights > 365) return fail('checkOut must be 1 to 365 nights after checkIn.', 'checkOut')
    stay = { checkIn: checkIn!, checkOut: checkOut!, nights }
  }
  const numbers = {
    guests: int(get, 'guests', 1, 50, 1),
    minPrice: int(get, 'minPrice', 0, 100_000_000, null),
    maxPrice: int(get, 'maxPrice', 0, 100_000_000, null),
    page: int(get, 'page', 1, 10_000, 1),
    limit: int(get, 'limit', 1, MAX_SEARCH_LIMIT, 20),
    lat: float(get, 'lat', -90, 90),
    lng: float(get, 'lng', -180, 180),
    radiusKm: float(get, 'radiusKm', 0.1, MAX_RADIUS_KM),
  }
  for (const [name, value] of Object.entries(numbers)) if (typeof value === 'string') return fail(value, name)
  const n = numbers as Record<keyof typeof numbers, number | null>

  let point: SearchCriteria['point'] = null
  if (n.lat !== null || n.lng !== null || n.radiusKm !== null) {
    if (n.lat === null || n.lng === null) return fail('lat and lng go together.', n.lat === null ? 'lat' : 'lng')
    point = { lat: n.lat, lng: n.lng, radiusKm: n.radiusKm ?? 25 }
  }
  const amenities = (get('amenities') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
  const unknown = amenities.filter((a) => !(AMENITIES as readonly string[]).includes(a))
  if (unknown.length) return fail(`Unknown amenities: ${unknown.join(', ')}.`, 'amenities')
  const propertyType = get('propertyType') || null
  if (propertyType && !(PROPERTY_TYPES as readonly string[]).includes(propertyType))
    return fail(`Unknown propertyType: ${propertyType}.`, 'propertyType')
  const country = get('country')?.toUpperCase() || null
  if (country && !isCountryCode(country)) return fail('country must be an ISO 3166-1 alpha-2 code such as CH.', 'country')
  const currency = get('currency')?.toUpperCase() || null
  if (currency && !isCurrency(currency)) return fail(`Unknown currency: ${currency}.`, 'currency')
  const sort = (get('sort') || (point ? 'distance' : 'price')) as SearchCriteria['sort']
  if (!(SEARCH_SORTS as readonly string[]).includes(sort)) return fail(`sort must be one of ${SEARCH_SORTS.join(', ')}.`, 'sort')
  if (sort === 'distance' && !point) return fail('sort=distance needs lat and lng.', 'sort')
  if (n.minPrice !== null && n.maxPrice !== null && n.minPrice > n.maxPrice) return fail('minPrice must not exceed maxPrice.', 'maxPrice')
  const city = get('city')?.trim() || null
  const cursor = get('cursor') || null
  if (cursor && get('page')) return fail('page and cursor go separately: follow nextCursor, or ask for a page.', 'cursor')
  return {
    ok: true,
    criteria: {
      stay,
      guests: n.guests!,
      city,
      country,
      currency,
      minPrice: n.minPrice,
      maxPrice: n.maxPrice,
      amenities: [...new Set(amenities)],
      propertyType,
      point,
      sort,
      page: n.page!,
      limit: n.limit!,
      cursor,
    },
  }
}
