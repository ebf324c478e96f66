import { pbkdf2Sync, randomBytes } from 'node:crypto'

import type pg from 'pg'

import { addDays } from '@/domain/stayDates'
import { MAX_DAYS_AHEAD } from '@/domain/stayRules'

/**
 * The booking shapes' set-up: guest accounts that exist only for the benchmark, logged in through the
 * API, and a list of stays that are free when the run starts, spread over many listings so concurrent
 * requests rarely wait on the same calendar lock. Each request takes the next stay: most succeed (201),
 * and a 409 means someone else booked those nights meanwhile.
 */
// The generator's default password (bench/seed.ts), so the guests it creates are the ones the bench logs in.
export const BENCH_GUEST_PASSWORD = 'staybase-bench-2026'
const emailOf = (i: number) => `bench-guest-${i}@staybase.bench`

/** Payload's current password format (payload/dist/auth/strategies/local/generatePasswordSaltHash.js). */
function payloadHash(password: string): { salt: string; hash: string } {
  const salt = randomBytes(32).toString('hex')
  return { salt, hash: `pbkdf2-sha256-v1:${pbkdf2Sync(password, salt, 600_000, 32, 'sha256').toString('hex')}` }
}

/**
 * Verified guest accounts bench-guest-<i>@staybase.bench — the generator makes 200 of them — created
 * when missing (this writes users).
 */
export async function ensureGuests(pool: pg.Pool, count: number, password = BENCH_GUEST_PASSWORD): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => emailOf(i + 1))
  const { rows } = await pool.query('SELECT email FROM users WHERE email = ANY($1::text[])', [emails])
  const existing = new Set(rows.map((r) => r.email as string))
  const missing = emails.filter((e) => !existing.has(e))
  if (missing.length) {
    // One salt and hash for all of them: 600,000 PBKDF2 rounds each would only slow the set-up down.
    const { salt, hash } = payloadHash(password)
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      for (const email of missing) {
        const user = await client.query(
          `INSERT INTO users (name, email, salt, hash, _verified, login_attempts) VALUES ($1, $2, $3, $4, true, 0) RETURNING id`,
          [`Bench guest ${email.split('@')[0]!.replace('bench-guest-', '')}`, email, salt, hash],
        )
        await client.query(`INSERT INTO users_roles ("order", parent_id, value) VALUES (1, $1, 'guest')`, [user.rows[0].id])
      }
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK')
      throw error
    } finally {
      client.release()
    }
  }
  return emails
}

export async function logIn(baseUrl: string, emails: string[], password = BENCH_GUEST_PASSWORD): Promise<string[]> {
  const tokens: string[] = []
  // A few at a time: each login is 600,000 PBKDF2 rounds on the server.
  for (let i = 0; i < emails.length; i += 4) {
    const batch = await Promise.all(
      emails.slice(i, i + 4).map(async (email) => {
        const res = await fetch(`${baseUrl}/api/users/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
          signal: AbortSignal.timeout(60_000),
        })
        const body = (await res.json()) as { token?: string }
        if (!res.ok || !body.token) throw new Error(`login of ${email} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`)
        return body.token
      }),
    )
    tokens.push(...batch)
  }
  return tokens
}

export type Stay = { property: number; checkIn: string; checkOut: string; guests: number }

/**
 * Free stays, listing by listing in turn, in the last year of the booking horizon (generated bookings
 * cluster around today; the bench's own bookings of earlier runs are read back and avoided too).
 */
export async function freeStays(pool: pg.Pool, today: string, listings = 600): Promise<Stay[]> {
  const from = addDays(today, MAX_DAYS_AHEAD - 330)
  const until = addDays(today, MAX_DAYS_AHEAD)
  const { rows: candidates } = await pool.query(
    `SELECT id, min_nights::int AS min, max_nights::int AS max FROM (
       SELECT id, min_nights, max_nights, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total
       FROM properties WHERE _status = 'published' AND host_id IS NOT NULL AND min_nights <= 7 AND max_nights >= 1 AND pricing_nightly_rate > 0
     ) s WHERE n % greatest(1, total / $1) = 0 ORDER BY id LIMIT $1`,
    [listings],
  )
  const ids = candidates.map((c) => c.id as number)
  const { rows: taken } = await pool.query(
    `SELECT property_id, lower(nights)::text AS start, upper(nights)::text AS end FROM stay_reservations
     WHERE property_id = ANY($1::int[]) AND nights && daterange($2::date, $3::date, '[)') ORDER BY property_id, lower(nights)`,
    [ids, from, until],
  )
  const busy = new Map<number, { start: string; end: string }[]>()
  for (const t of taken) busy.set(t.property_id, [...(busy.get(t.property_id) ?? []), { start: t.start, end: t.end }])

  const perListing: Stay[][] = candidates.map((c) => {
    const nights = Math.min(Math.max(c.min as number, 2), c.max as number)
    const stays: Stay[] = []
    const ranges = busy.get(c.id) ?? []
    for (let checkIn = from; addDays(checkIn, nights) <= until; ) {
      const checkOut = addDays(checkIn, nights)
      const clash = ranges.find((r) => r.start < checkOut && checkIn < r.end)
      if (clash) {
        checkIn = clash.end
        continue
      }
      stays.push({ property: c.id, checkIn, checkOut, guests: 1 })
      checkIn = checkOut
    }
    return stays
  })
  const out: Stay[] = []
  for (let round = 0; perListing.some((s) => round < s.length); round++)
    for (const s of perListing) if (round < s.length) out.push(s[round]!)
  return out
}
