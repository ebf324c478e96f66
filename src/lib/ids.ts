/** A document id from client input (number, numeric string or populated object), or null. Postgres ids
 * are int4, so anything outside 1…999 999 999 is refused rather than sent to the database. */
export function parseId(value: unknown): number | null {
  const raw = value && typeof value === 'object' ? (value as { id?: unknown }).id : value
  if (typeof raw !== 'number' && typeof raw !== 'string') return null
  const text = String(raw)
  return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : null
}
