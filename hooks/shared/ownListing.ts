import type { PayloadRequest } from 'payload'

import { parseId, sameId } from '@/domain/ids'
import { isStaffUser } from '@/domain/roles'
import { badRequest, forbidden, notFound } from '@/lib/errors'
import type { Property } from '@/payload-types'

/**
 * The listing a block or an imported feed is written on (`property` of the data, else of the stored
 * document), refused unless the caller is its host or staff (a Local API call without a user is the
 * server's own). Blocks and feeds carry the listing's host, which their access rules read.
 */
export async function ownListing(req: PayloadRequest, property: unknown, notYours: string): Promise<Property> {
  const propertyId = parseId(property)
  if (propertyId === null) throw badRequest('property must be a listing id.', { field: 'property' })
  const listing = await req.payload.findByID({
    collection: 'properties',
    id: propertyId,
    depth: 0,
    overrideAccess: true,
    disableErrors: true,
    req,
  })
  if (!listing) throw notFound('This listing does not exist.', { field: 'property' })
  if (req.user && !isStaffUser(req.user) && !sameId(listing.host, req.user)) throw forbidden(notYours)
  return listing
}
