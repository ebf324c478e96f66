import type pg from 'pg'

import { addDays } from '@/domain/stayDates'

/**
 * What the shapes ask for, read from the database under test so the same command works on the demo
 * seed, a CI smoke set and the full 100k/2M data: the city with the most listings (Paris when it has
 * any), a point inside it, the busiest country and its middle price band, the commonest amenities, and
 * pools of listing ids, slugs and cities for the read shapes.
 */
export type Dataset = {
  database: string
  publishedListings: number
  bookings: number
  reservations: number
  city: string
  cityListings: number
  point: { lat: number; lng: number }
  country: string
  amenities: string[]
  priceBand: { min: number; max: number }
  stay: { checkIn: string; checkOut: string }
  ids: number[]
  slugs: string[]
  cities: { city: string; listings: number }[]
  postgres: Record<string, string>
}

const SETTINGS = [
  'server_version',
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'maintenance_work_mem',
  'random_page_cost',
  'effective_io_concurrency',
  'jit',
  'max_connections',
  'max_parallel_workers_per_gather',
]

export async function countPublished(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM properties WHERE _status = 'published'`)
  return rows[0].n as number
}

export async function readDataset(pool: pg.Pool, today: string): Promise<Dataset> {
  const one = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows[0] as T
  const all = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as T[]

  const database = (await one<{ db: string }>('SELECT current_database() AS db')).db
  const publishedListings = await countPublished(pool)
  // Estimates: an exact count of 2M bookings costs seconds and says nothing more.
  const estimate = async (table: string) =>
    Number((await one<{ n: string }>(`SELECT greatest(reltuples, 0)::bigint AS n FROM pg_class WHERE relname = $1`, [table]))?.n ?? 0)
  const cities = await all<{ city: string; listings: number }>(
    `SELECT address_city AS city, count(*)::int AS listings FROM properties WHERE _status = 'published' AND address_city IS NOT NULL
     GROUP BY address_city ORDER BY count(*) DESC, address_city LIMIT 200`,
  )
  const paris = cities.find((c) => c.city.toLowerCase() === 'paris')
  const city = paris ?? cities[0] ?? { city: 'Paris', listings: 0 }
  const point = await one<{ lat: number; lng: number }>(
    `SELECT avg(location_latitude)::float8 AS lat, avg(location_longitude)::float8 AS lng FROM properties WHERE _status = 'published' AND address_city = $1`,
    [city.city],
  )
  const country =
    (
      await one<{ country: string }>(
        `SELECT address_country AS country FROM properties WHERE _status = 'published' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
      )
    )?.country ?? 'FR'
  const amenities = (
    await all<{ value: string }>(`SELECT value::text FROM properties_amenities GROUP BY value ORDER BY count(*) DESC, value LIMIT 2`)
  ).map((r) => r.value)
  const band = await one<{ min: number; max: number }>(
    `SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY pricing_nightly_rate)::int AS min, percentile_disc(0.75) WITHIN GROUP (ORDER BY pricing_nightly_rate)::int AS max
     FROM properties WHERE _status = 'published' AND address_country = $1`,
    [country],
  )
  // Every 1/1000th published listing: ids and slugs spread over the table, not the first rows only.
  const sample = await all<{ id: number; slug: string }>(
    `SELECT id, slug FROM (SELECT id, slug, row_number() OVER (ORDER BY id) AS n FROM properties WHERE _status = 'published' AND slug IS NOT NULL) s
     WHERE n % greatest(1, $1::int / 1000) = 0 LIMIT 1000`,
    [publishedListings],
  )
  const postgres: Record<string, string> = {}
  for (const name of SETTINGS) postgres[name] = String((await one<Record<string, string>>(`SHOW ${name}`))[name])
  const checkIn = addDays(today, 30)
  return {
    database,
    publishedListings,
    bookings: await estimate('bookings'),
    reservations: await estimate('stay_reservations'),
    city: city.city,
    cityListings: city.listings,
    point: { lat: Number(point?.lat ?? 48.8566), lng: Number(point?.lng ?? 2.3522) },
    country,
    amenities: amenities.length ? amenities : ['wifi'],
    priceBand: { min: Number(band?.min ?? 0), max: Number(band?.max ?? 100_000) },
    stay: { checkIn, checkOut: addDays(checkIn, 3) },
    ids: sample.map((r) => r.id),
    slugs: sample.map((r) => r.slug),
    cities,
    postgres,
  }
}
