import type { Endpoint } from 'payload'

import * as contract from '@/contract/operations'
import { parseId, sameId } from '@/domain/ids'
import { type WithRoles, isStaffUser } from '@/domain/roles'
import { notFound, unauthorized } from '@/lib/errors'
import { calendarFeed, calendarTokenMatches, replaceCalendarToken, storedCalendarToken } from '@/services/calendarFeed'
import { CACHE_HEADER } from '@/services/cache'
import { implement, queryOf, restEndpoint } from './operation'

/**
 * GET /api/properties/:id/calendar.ics?token=… — the listing's booked and blocked nights as an RFC 5545
 * calendar, for other booking sites to import (src/services/calendarFeed.ts). REST only: its answer is
 * text/calendar, not JSON, so it is not a registry operation (openapi.ts documents it by hand).
 * It answers for drafts and unpublished listings too: a host taking a listing off Staybase for a while
 * still wants the other sites to keep its nights blocked. The token is the credential, not the session.
 *
 * POST /api/properties/:id/calendar-token (GraphQL `regenerateCalendarToken`) — a new token, for the
 * listing's host or staff.
 */
const NOT_FOUND = 'Calendar not found.'

/** Other sites poll every few minutes; a few minutes of their own caching spares us nothing they need. */
const MAX_AGE_SECONDS = 300

export const calendarExport: Endpoint = {
  path: '/:id/calendar.ics',
  method: 'get',
  handler: async (req) => {
    const id = parseId(req.routeParams?.id)
    // An unknown listing and a wrong, old or missing token are one answer: nothing tells which.
    if (id === null) throw notFound(NOT_FOUND)
    const given = queryOf(new URL(req.url ?? 'http://x')).token
    if (!calendarTokenMatches(await storedCalendarToken(req.payload, id), given)) throw notFound(NOT_FOUND)
    const { text, outcome } = await calendarFeed(req.payload, id)
    return new Response(text, {
      status: 200,
      headers: {
        'content-type': 'text/calendar; charset=utf-8',
        'cache-control': `private, max-age=${MAX_AGE_SECONDS}`,
        'content-disposition': `inline; filename="staybase-listing-${id}.ics"`,
        [CACHE_HEADER]: outcome,
      },
    })
  },
}

export const regenerateCalendarTokenOperation = implement({
  contract: contract.regenerateCalendarToken,
  guard: (req) => {
    if (!req.user) throw unauthorized('Sign in as the listing’s host to renew its calendar link.')
  },
  notFoundMessage: 'Listing not found.',
  run: async (req, { id }) => {
    const listing = await req.payload.findByID({ collection: 'properties', id, depth: 0, overrideAccess: true, disableErrors: true, req })
    // Only the host and staff may know the token exists; anyone else learns nothing, not even that the listing does.
    if (!listing || !(isStaffUser(req.user as WithRoles) || sameId(listing.host, req.user))) throw notFound('Listing not found.')
    const calendarToken = await replaceCalendarToken(req.payload, listing.id)
    if (calendarToken === null) throw notFound('Listing not found.')
    return { property: listing.id, calendarToken }
  },
})

export const regenerateCalendarToken = restEndpoint(regenerateCalendarTokenOperation, '/:id/calendar-token')
