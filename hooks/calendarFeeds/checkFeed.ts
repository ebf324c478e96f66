import type { CollectionBeforeChangeHook } from 'payload'

import { checkFeedUrl } from '@/domain/feedUrl'
import { env } from '@/lib/env'
import { badRequest } from '@/lib/errors'
import { ownListing } from '../shared/ownListing'

/**
 * Hosts attach feeds to their own listings only; `property` is fixed after create (field access), so an
 * update keeps the stored listing whatever the client sends. A feed's a feed's URL must be one the server may fetch: no localhost, no literal internal
 * address, http(s) only (src/domain/feedUrl.ts) — checked on create and whenever `url` changes, so REST,
 * GraphQL and the admin form all answer 400 with FEED_URL_INVALID or FEED_URL_PRIVATE. The feed carries
 * the listing's host, which its access rules read.
 */
export const checkFeed: CollectionBeforeChangeHook = async ({ data, operation, originalDoc, req }) => {
  const property = operation === 'create' ? data.property : (originalDoc?.property ?? data.property)
  const listing = await ownListing(req, property, 'You can import calendars only into your own listings.')
  const next: Record<string, unknown> = { ...data, property: listing.id, host: listing.host }
  if (operation === 'create' || (data.url !== undefined && data.url !== originalDoc?.url)) {
    if (typeof data.url !== 'string') throw badRequest('url must be the calendar’s address.', { field: 'url', code: 'FEED_URL_INVALID' })
    const checked = checkFeedUrl(data.url, env.CALENDAR_FEEDS_ALLOW_PRIVATE)
    if (!checked.ok) throw badRequest(checked.message, { field: 'url', code: checked.code })
    next.url = checked.url
    // A changed address is a new calendar: what the old one said no longer stands until the next sync.
    // The same address spelt differently (spaces, #fragment, webcal://) is the same calendar.
    if (operation === 'update' && checked.url !== originalDoc?.url) Object.assign(next, { lastStatus: 'pending', lastError: null })
  }
  return next
}
