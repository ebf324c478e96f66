/** The largest id Postgres stores (serial int4); the bound every id, page offset and GraphQL Int check uses. */
export const INT4_MAX = 2_147_483_647

/** An id as stored by Postgres (serial int4): a whole number 1…2147483647, or its canonical decimal text. */
export function isIdValue(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= INT4_MAX
  return typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= INT4_MAX
}

/** A document id from client input (number, numeric string or populated object), or null. Postgres ids
 * are int4, so anything outside 1…999 999 999 is refused rather than sent to the database. */
export function parseId(value: unknown): number | null {
  const raw = value && typeof value === 'object' ? (value as { id?: unknown }).id : value
  if (typeof raw !== 'number' && typeof raw !== 'string') return null
  const text = String(raw)
  return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : null
}

/** The id of a stored document or of a reference to one (an id, its decimal text, a populated document), or null. */
export function storedId(value: unknown): number | null {
  const raw = value && typeof value === 'object' ? (value as { id?: unknown }).id : value
  return isIdValue(raw) ? Number(raw) : null
}

/**
 * Whether two references name the same document: ids, numeric strings or populated documents, any id
 * Postgres stores (up to INT4_MAX, beyond parseId's bound for client input). The one ownership check
 * ("is this user the booking's guest? the listing's host?"): `sameId(booking.guest, req.user)`.
 * Nothing (null, undefined, a non-id) is never the same.
 */
export function sameId(a: unknown, b: unknown): boolean {
  const left = storedId(a)
  return left !== null && left === storedId(b)
}
