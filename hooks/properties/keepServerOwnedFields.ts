import type { CollectionBeforeChangeHook } from 'payload'

// Fields only the server (or staff, for host) writes. Field access strips them from a caller's data.
// Ratings are not here: keepRatingsCurrent sets them from the live row on every write.
const SERVER_OWNED = ['host', 'slug', 'publishedAt', 'moderation', 'calendarToken'] as const

/**
 * Some writes rebuild the whole document from what the caller may write — restoring an old version as
 * a draft does — and would drop these fields (a listing without a host would vanish from its host's
 * own view). Carry them over from the stored listing.
 */
export const keepServerOwnedFields: CollectionBeforeChangeHook = ({ data, operation, originalDoc }) => {
  if (operation !== 'update' || !originalDoc) return data
  for (const field of SERVER_OWNED) {
    if (data[field] === undefined && originalDoc[field] !== undefined) data[field] = originalDoc[field]
  }
  return data
}
