import { addDays } from '@/domain/stayDates'
import type { Dataset } from './dataset'

/**
 * A realistic search mix for the cache-on run: few popular cities, near weekends, couples, and a long
 * tail of everything else. Every choice is drawn from a Zipf-like distribution (weight 1/rank^s), with a
 * seeded generator so two runs ask the same sequence of searches.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function zipf<T>(items: readonly T[], s: number, random: () => number): () => T {
  if (items.length === 0) throw new Error('zipf needs at least one item')
  const weights = items.map((_, i) => 1 / (i + 1) ** s)
  const cumulative: number[] = []
  let sum = 0
  for (const w of weights) {
    sum += w
    cumulative.push(sum)
  }
  return () => {
    const x = random() * sum
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return items[lo]!
  }
}

export function searchMix(data: Dataset, today: string, seed = 13): () => string {
  const random = mulberry32(seed)
  const cities = data.cities.length ? data.cities.map((c) => c.city) : [data.city]
  const city = zipf([...cities, null], 1.1, random)
  // Check-in 1–120 days ahead, the nearest first; stays of a weekend, a few nights, a week.
  const offset = zipf(
    Array.from({ length: 120 }, (_, i) => i + 1),
    0.8,
    random,
  )
  const nights = zipf([2, 3, 4, 7, 1, 5, 14], 1.2, random)
  const guests = zipf([2, 1, 4, 3, 6, 5, 8], 1.3, random)
  const [a1, a2] = [data.amenities[0], data.amenities[1] ?? data.amenities[0]]
  const filter = zipf(
    [
      '',
      `&amenities=${a1}`,
      `&maxPrice=${data.priceBand.max}`,
      '&sort=rating',
      `&amenities=${a1},${a2}`,
      `&minPrice=${data.priceBand.min}&maxPrice=${data.priceBand.max}`,
      '&propertyType=apartment',
    ],
    1.2,
    random,
  )
  const page = zipf([1, 2, 3], 2, random)
  return () => {
    const checkIn = addDays(today, offset())
    const where = city()
    const place = where ? `&city=${encodeURIComponent(where)}` : `&country=${data.country}`
    return `/api/properties/search?checkIn=${checkIn}&checkOut=${addDays(checkIn, nights())}&guests=${guests()}${place}${filter()}&page=${page()}`
  }
}
