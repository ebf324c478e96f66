import { type Endpoint, NotFound, type PayloadRequest, addDataAndFileToRequest } from 'payload'

import { isOnModerationHold } from '../domain/moderation'
import { isStaffUser } from '../domain/roles'
import { badRequest, conflict, forbidden, unauthorized } from '../lib/errors'
import { parseId } from '../lib/ids'

/**
 * Staff moderation of listings, without editing hosts' content:
 * - POST /api/properties/:id/unpublish {reason} takes a listing off the public site and holds it there
 *   (the host cannot publish it again; see hooks/properties/respectModerationHold);
 * - POST /api/properties/:id/reinstate lifts the hold; the host then publishes when ready.
 * The reason stays on the listing for its host and staff to read.
 */
async function listingForStaff(req: PayloadRequest, action: string) {
  if (!req.user) throw unauthorized(`Sign in as staff to ${action} listings.`)
  if (!isStaffUser(req.user)) throw forbidden(`Only staff can ${action} listings.`)
  const id = parseId(req.routeParams?.id)
  if (id === null) throw new NotFound(req.t)
  const listing = await req.payload.findByID({ collection: 'properties', id, depth: 0, overrideAccess: true, disableErrors: true, req })
  if (!listing) throw new NotFound(req.t)
  return listing
}

export const unpublishListing: Endpoint = {
  path: '/:id/unpublish',
  method: 'post',
  handler: async (req) => {
    const listing = await listingForStaff(req, 'unpublish')
    await addDataAndFileToRequest(req).catch(() => {
      throw badRequest('Send a JSON body: {"reason": "…"}.')
    })
    const reason = typeof req.data?.reason === 'string' ? req.data.reason.trim() : ''
    if (reason.length < 3 || reason.length > 1000) throw badRequest('Give a reason (3 to 1000 characters).')
    const doc = await req.payload.update({
      collection: 'properties',
      id: listing.id,
      data: {
        _status: 'draft',
        moderation: { ...listing.moderation, unpublishedAt: new Date().toISOString(), unpublishedBy: req.user!.id, reason },
      },
      depth: 0,
      overrideAccess: true,
      req,
    })
    return Response.json({ message: 'Listing unpublished.', doc })
  },
}

export const reinstateListing: Endpoint = {
  path: '/:id/reinstate',
  method: 'post',
  handler: async (req) => {
    const listing = await listingForStaff(req, 'reinstate')
    if (!isOnModerationHold(listing.moderation)) throw conflict('This listing is not held by moderation.')
    const doc = await req.payload.update({
      collection: 'properties',
      id: listing.id,
      data: { moderation: { ...listing.moderation, reinstatedAt: new Date().toISOString(), reinstatedBy: req.user!.id } },
      depth: 0,
      overrideAccess: true,
      req,
    })
    return Response.json({ message: 'Listing reinstated; its host can publish it again.', doc })
  },
}
