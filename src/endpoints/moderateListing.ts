import type { PayloadRequest } from 'payload'

import * as contract from '@/contract/operations'
import type { ListingAnswer } from '@/contract/types'
import { isOnModerationHold } from '@/domain/moderation'
import { isStaffUser } from '@/domain/roles'
import { conflict, forbidden, notFound, unauthorized } from '@/lib/errors'
import { atDepth0, implement, restEndpoint } from './operation'

/**
 * Staff moderation of listings, without editing hosts' content:
 * - POST /api/properties/:id/unpublish {reason} (GraphQL `unpublishListing`) takes a listing off the
 *   public site and holds it there (the host cannot publish it again; see hooks/properties/respectModerationHold);
 * - POST /api/properties/:id/reinstate (GraphQL `reinstateListing`) lifts the hold; the host then
 *   publishes when ready.
 * The reason stays on the listing for its host and staff to read.
 */
const staffOnly = (action: string) => (req: PayloadRequest) => {
  if (!req.user) throw unauthorized(`Sign in as staff to ${action} listings.`)
  if (!isStaffUser(req.user)) throw forbidden(`Only staff can ${action} listings.`)
}

async function listing(req: PayloadRequest, id: number) {
  const doc = await req.payload.findByID({ collection: 'properties', id, depth: 0, overrideAccess: true, disableErrors: true, req })
  if (!doc) throw notFound('Listing not found.')
  return doc
}

export const unpublishListingOperation = implement({
  contract: contract.unpublishListing,
  guard: staffOnly('unpublish'),
  notFoundMessage: 'Listing not found.',
  graphqlReturnsDoc: 'properties',
  run: async (req, { id, reason }) => {
    const current = await listing(req, id)
    const doc = await req.payload.update({
      collection: 'properties',
      id: current.id,
      data: {
        _status: 'draft',
        moderation: { ...current.moderation, unpublishedAt: new Date().toISOString(), unpublishedBy: req.user!.id, reason },
      },
      depth: 0,
      overrideAccess: true,
      req,
    })
    return { message: 'Listing unpublished.', doc: atDepth0<ListingAnswer['doc']>(doc) }
  },
})

export const reinstateListingOperation = implement({
  contract: contract.reinstateListing,
  guard: staffOnly('reinstate'),
  notFoundMessage: 'Listing not found.',
  graphqlReturnsDoc: 'properties',
  run: async (req, { id }) => {
    const current = await listing(req, id)
    if (!isOnModerationHold(current.moderation)) throw conflict('This listing is not held by moderation.')
    const doc = await req.payload.update({
      collection: 'properties',
      id: current.id,
      data: { moderation: { ...current.moderation, reinstatedAt: new Date().toISOString(), reinstatedBy: req.user!.id } },
      depth: 0,
      overrideAccess: true,
      req,
    })
    return { message: 'Listing reinstated; its host can publish it again.', doc: atDepth0<ListingAnswer['doc']>(doc) }
  },
})

export const unpublishListing = restEndpoint(unpublishListingOperation, '/:id/unpublish')
export const reinstateListing = restEndpoint(reinstateListingOperation, '/:id/reinstate')
