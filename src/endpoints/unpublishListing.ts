import { type Endpoint, NotFound, addDataAndFileToRequest } from 'payload'

import { isStaffUser } from '../domain/roles'
import { badRequest, forbidden } from '../lib/errors'

/**
 * POST /api/properties/:id/unpublish {reason} — moderation: staff take a listing off the public site
 * without editing it. The reason is kept on the listing for the host and other staff to see.
 */
export const unpublishListing: Endpoint = {
  path: '/:id/unpublish',
  method: 'post',
  handler: async (req) => {
    if (!req.user) throw forbidden('Sign in as staff to unpublish listings.')
    if (!isStaffUser(req.user)) throw forbidden('Only staff can unpublish listings.')
    await addDataAndFileToRequest(req)
    const reason = typeof req.data?.reason === 'string' ? req.data.reason.trim() : ''
    if (reason.length < 3 || reason.length > 1000) throw badRequest('Give a reason (3 to 1000 characters).')
    const id = req.routeParams?.id as string

    const existing = await req.payload.find({
      collection: 'properties',
      where: { id: { equals: id } },
      limit: 1,
      depth: 0,
      overrideAccess: true,
      req,
    })
    if (existing.docs.length === 0) throw new NotFound(req.t)

    const doc = await req.payload.update({
      collection: 'properties',
      id,
      data: {
        _status: 'draft',
        moderation: { unpublishedAt: new Date().toISOString(), unpublishedBy: req.user.id, reason },
      },
      depth: 0,
      overrideAccess: true,
      req,
    })
    return Response.json({ message: 'Listing unpublished.', doc })
  },
}
