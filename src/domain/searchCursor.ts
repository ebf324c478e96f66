import { createHmac, timingSafeEqual } from 'node:crypto'

import type { SearchCriteria } from './searchParams'

/**
 * The opaque `cursor` of GET /api/properties/search: where the next page starts (keyset pagination),
 * as base64url JSON `{v, s, f, p, k, m}` — version, sort, a fingerprint of the filters, the page number
 * it leads to, the sort key and id of the last row shown, and a MAC over all of that with the server's
 * secret. A cursor that does not decode, was edited, belongs to another sort or other filters, or
 * carries a key of the wrong shape is refused (the caller answers 400 on `cursor`).
 *
 * Keys per sort: price / -price `[nightlyRate, id]`; rating `[ratingAverage as text | null, reviewCount, id]`;
 * distance `[chord metres, id]` (the exact float the database computed, as JSON keeps it).
 */
export const CURSOR_VERSION = 1

export type CursorKey =
  | { sort: 'price' | '-price'; rate: number; id: number }
  | { sort: 'rating'; rating: string | null; reviews: number; id: number }
  | { sort: 'distance'; chord: number; id: number }

export type SearchAfter = { key: CursorKey; page: number }

/** The filters a cursor belongs to (everything but the position): a cursor is only valid with them. */
function fingerprint(c: SearchCriteria): string {
  const filters = [
    c.stay?.checkIn ?? null,
    c.stay?.checkOut ?? null,
    c.guests,
    c.city?.toLowerCase() ?? null,
    c.country,
    c.currency,
    c.minPrice,
    c.maxPrice,
    [...c.amenities].sort(),
    c.propertyType,
    c.point ? [c.point.lat, c.point.lng, c.point.radiusKm] : null,
    c.limit,
  ]
  return createHmac('sha256', 'staybase-search-filters').update(JSON.stringify(filters)).digest('base64url').slice(0, 12)
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`search-cursor:${body}`).digest('base64url').slice(0, 22)
}

function keyArray(key: CursorKey): (number | string | null)[] {
  if (key.sort === 'rating') return [key.rating, key.reviews, key.id]
  if (key.sort === 'distance') return [key.chord, key.id]
  return [key.rate, key.id]
}

export function encodeCursor(secret: string, c: SearchCriteria, key: CursorKey, page: number): string {
  const body = { v: CURSOR_VERSION, s: key.sort, f: fingerprint(c), p: page, k: keyArray(key) }
  const json = JSON.stringify(body)
  return Buffer.from(JSON.stringify({ ...body, m: mac(secret, json) })).toString('base64url')
}

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1
const isWhole = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
/** A rating as the database wrote it (numeric, kept as text so that it compares exactly). */
const isDecimal = (v: unknown): v is string => typeof v === 'string' && /^\d{1,3}(\.\d{1,40})?$/.test(v)
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** The position a cursor names for these criteria, or why it is refused. */
export function decodeCursor(
  secret: string,
  c: SearchCriteria,
  raw: string,
): { ok: true; after: SearchAfter } | { ok: false; message: string } {
  const bad = { ok: false as const, message: 'cursor is not a cursor this search gave out; start again without it.' }
  if (raw.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(raw)) return bad
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    return bad
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return bad
  const { v, s, f, p, k, m, ...rest } = parsed as Record<string, unknown>
  if (
    Object.keys(rest).length ||
    v !== CURSOR_VERSION ||
    typeof s !== 'string' ||
    typeof f !== 'string' ||
    typeof m !== 'string' ||
    !Array.isArray(k)
  )
    return bad
  if (!Number.isSafeInteger(p) || (p as number) < 2 || (p as number) > 1_000_000) return bad
  const expected = mac(secret, JSON.stringify({ v, s, f, p, k }))
  if (m.length !== expected.length || !timingSafeEqual(Buffer.from(m), Buffer.from(expected))) return bad
  if (s !== c.sort) return { ok: false, message: `cursor belongs to sort=${s}; pass the same sort as the search that gave it.` }
  if (f !== fingerprint(c))
    return { ok: false, message: 'cursor belongs to a search with other filters; pass the same filters as the search that gave it.' }
  const page = p as number
  if (s === 'price' || s === '-price') {
    if (k.length !== 2 || !isWhole(k[0]) || !isId(k[1])) return bad
    return { ok: true, after: { page, key: { sort: s, rate: k[0], id: k[1] } } }
  }
  if (s === 'rating') {
    if (k.length !== 3 || !(k[0] === null || isDecimal(k[0])) || !isWhole(k[1]) || !isId(k[2])) return bad
    return { ok: true, after: { page, key: { sort: 'rating', rating: k[0] as string | null, reviews: k[1], id: k[2] } } }
  }
  if (s === 'distance') {
    if (k.length !== 2 || !isFiniteNumber(k[0]) || k[0] < 0 || !isId(k[1])) return bad
    return { ok: true, after: { page, key: { sort: 'distance', chord: k[0], id: k[1] } } }
  }
  return bad
}
