import type { Dataset } from './dataset'
import type { Stay } from './bookings'
import { searchMix } from './mix'

/**
 * The request shapes of issue 13. Each has the Staybase request and, where one exists, the bare
 * express + pg request that runs the same SQL (bench/bare.ts). Requests are generated per request so a
 * shape can rotate through listings, cities or free stays.
 */
export type Request = { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }
export type Group = 'search' | 'read' | 'booking' | 'mix'
export type Shape = {
  id: string
  label: string
  group: Group
  connections: number
  /** Runs with the cache off, on, or both. */
  cache: readonly ('off' | 'on')[]
  api: () => Request
  bare: (() => Request) | null
}

export type ShapeContext = {
  data: Dataset
  today: string
  connections: number
  /** The `nextCursor` that reaches page 200 of the whole-catalogue search, when the API has cursors. */
  cursor200: string | null
  /** Logged-in guests' tokens and free stays; null when the booking shapes are not run. */
  booking: { tokens: string[]; stays: Stay[]; next: number } | null
}

const get = (path: string): Request => ({ method: 'GET', path })
const rotate = <T>(items: readonly T[]) => {
  if (items.length === 0) throw new Error('nothing to rotate through')
  let i = 0
  return (): T => items[i++ % items.length]!
}

export function searchQueries(c: Pick<ShapeContext, 'data'>) {
  const d = c.data
  const stay = `checkIn=${d.stay.checkIn}&checkOut=${d.stay.checkOut}&guests=2`
  return {
    'search-city': {
      label: `search: dates + guests + city (${d.city}, ${d.cityListings} listings)`,
      query: `${stay}&city=${encodeURIComponent(d.city)}`,
    },
    'search-all': { label: 'search: dates + guests, whole catalogue', query: stay },
    'search-radius': {
      label: 'search: dates + guests, 50 km radius by distance',
      query: `${stay}&lat=${d.point.lat.toFixed(4)}&lng=${d.point.lng.toFixed(4)}&radiusKm=50&sort=distance`,
    },
    'search-country': {
      label: `search: country + amenities + price (${d.country}, ${d.amenities.join('+')}, ${d.priceBand.min}–${d.priceBand.max})`,
      query: `guests=2&country=${d.country}&amenities=${d.amenities.join(',')}&minPrice=${d.priceBand.min}&maxPrice=${d.priceBand.max}`,
    },
    'search-page200': { label: 'search: dates + guests, whole catalogue, page 200', query: `${stay}&page=200` },
  } as const
}

export function buildShapes(c: ShapeContext): Shape[] {
  const n = c.connections
  const shapes: Shape[] = []
  const queries: [string, { label: string; query: string }][] = Object.entries(searchQueries(c))
  if (c.cursor200) {
    const base = searchQueries(c)['search-all'].query
    queries.push([
      'search-cursor200',
      { label: 'search: dates + guests, whole catalogue, page 200 via cursor', query: `${base}&cursor=${encodeURIComponent(c.cursor200)}` },
    ])
  }
  for (const connections of [1, n]) {
    for (const [id, { label, query }] of queries) {
      shapes.push({
        id: `${id}@${connections}`,
        label,
        group: 'search',
        connections,
        cache: ['off', 'on'],
        api: () => get(`/api/properties/search?${query}`),
        bare: () => get(`/search?${query}`),
      })
    }
  }

  const ids = c.data.ids.length ? c.data.ids : [1]
  const slugs = c.data.slugs.length ? c.data.slugs : ['none']
  const cities = c.data.cities.length ? c.data.cities.slice(0, 100).map((x) => x.city) : ['none']
  const reads: { id: string; label: string; api: () => string; bare: () => string }[] = [
    (() => {
      const [a, b] = [rotate(ids), rotate(ids)]
      return {
        id: 'read-id',
        label: `GET /api/properties/:id?depth=0 (${ids.length} listings in turn)`,
        api: () => `/api/properties/${a()}?depth=0`,
        bare: () => `/properties/${b()}`,
      }
    })(),
    (() => {
      const [a, b] = [rotate(slugs), rotate(slugs)]
      return {
        id: 'read-slug',
        label: `GET /api/properties?where[slug][equals]=…, default depth (${slugs.length} listings in turn)`,
        api: () => `/api/properties?where[slug][equals]=${encodeURIComponent(a())}`,
        bare: () => `/properties/by-slug/${encodeURIComponent(b())}`,
      }
    })(),
    (() => {
      const [a, b] = [rotate(cities), rotate(cities)]
      return {
        id: 'read-city',
        label: `GET /api/properties?where[address.city][equals]=…&limit=10, default depth (${cities.length} cities in turn)`,
        api: () => `/api/properties?where[address.city][equals]=${encodeURIComponent(a())}&limit=10`,
        bare: () => `/properties/city/${encodeURIComponent(b())}`,
      }
    })(),
  ]
  for (const r of reads) {
    shapes.push({
      id: `${r.id}@${n}`,
      label: r.label,
      group: 'read',
      connections: n,
      cache: ['off', 'on'],
      api: () => get(r.api()),
      bare: () => get(r.bare()),
    })
  }

  if (c.booking) {
    const b = c.booking
    for (const connections of [n, n * 2]) {
      shapes.push({
        id: `book@${connections}`,
        label: `POST /api/bookings, ${connections} connections, a free stay each (${b.tokens.length} guests)`,
        group: 'booking',
        connections,
        cache: ['off', 'on'],
        api: () => {
          const i = b.next++
          const stay = b.stays[i % b.stays.length]
          return {
            method: 'POST',
            path: '/api/bookings',
            headers: { 'content-type': 'application/json', authorization: `JWT ${b.tokens[i % b.tokens.length]}` },
            body: JSON.stringify(stay),
          }
        },
        bare: null,
      })
    }
  }

  const mixApi = searchMix(c.data, c.today)
  const mixBare = searchMix(c.data, c.today)
  shapes.push({
    id: `mix@${n}`,
    label: 'search: skewed mix (Zipf cities, dates, nights, guests, filters, pages)',
    group: 'mix',
    connections: n,
    cache: ['on'],
    api: () => get(mixApi()),
    bare: () => get(mixBare().replace('/api/properties/search', '/search')),
  })
  return shapes
}

/** `--only` accepts shape ids (`search-city@1`), ids without the connection count (`search-city`) and groups. */
export function selected(shape: Shape, only: string[]): boolean {
  if (!only.length) return true
  return only.some(
    (o) => o === shape.id || o === shape.id.split('@')[0] || o === shape.group || `${o}s` === shape.group || o === `${shape.group}s`,
  )
}
