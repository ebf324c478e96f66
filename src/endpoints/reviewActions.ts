import type { PayloadRequest } from 'payload'

import type { Review } from '@/payload-types'
import * as contract from '@/contract/operations'
import type { ReviewAnswer } from '@/contract/types'
import { isStaffUser } from '@/domain/roles'
import { conflict, forbidden, notFound, unauthorized } from '@/lib/errors'
import { parseId, sameId } from '@/domain/ids'
import { lockBookingReviews, recomputeListingRatings } from '@/services/reviews'
import { inTransaction } from '@/services/transaction'
import { atDepth0, implement, restEndpoint } from './operation'

/**
 * POST /api/reviews/:id/response {text} (GraphQL `respondToReview`) — the listing's host answers a
 * published review of it, once.
 * POST /api/reviews/:id/hide {reason} and /unhide (GraphQL `hideReview`, `unhideReview`) — staff take a
 * published review off the public site and back; the listing's ratings are recomputed in the same
 * transaction.
 */

/** The review, re-read under its booking's review lock inside the request's transaction. */
async function lockedReview(req: PayloadRequest, id: number): Promise<Review> {
  const first = await req.payload.findByID({ collection: 'reviews', id, depth: 0, overrideAccess: true, disableErrors: true, req })
  if (!first) throw notFound('Review not found.')
  await lockBookingReviews(req, parseId(first.booking)!)
  return (await req.payload.findByID({ collection: 'reviews', id, depth: 0, overrideAccess: true, req })) as Review
}

export const respondToReviewOperation = implement({
  contract: contract.respondToReview,
  guard: (req) => {
    if (!req.user) throw unauthorized('Sign in as the host to respond.')
  },
  notFoundMessage: 'Review not found.',
  graphqlReturnsDoc: 'reviews',
  run: (req, { id, text }) =>
    inTransaction(req, async () => {
      const review = await lockedReview(req, id)
      const listing = await req.payload.findByID({
        collection: 'properties',
        id: parseId(review.property)!,
        depth: 0,
        overrideAccess: true,
        req,
      })
      const isHost = sameId(listing.host, req.user)
      // Someone who cannot see the review (a pending one is blind, also to the host) learns nothing about it.
      const canSee = review.status === 'published' || sameId(review.author, req.user) || isStaffUser(req.user)
      if (!canSee) throw notFound('Review not found.')
      if (!isHost || review.subject !== 'property') throw forbidden("Only the listing's host can respond to a review of it.")
      if (review.status !== 'published') throw conflict('Only published reviews can be answered.')
      if (review.hostResponse?.text) throw conflict('This review already has your response; it can be given once.')
      const doc = await req.payload.update({
        collection: 'reviews',
        id: review.id,
        data: { hostResponse: { text, respondedAt: new Date().toISOString() } },
        depth: 0,
        overrideAccess: true,
        req,
      })
      return { message: 'Response published.', doc: atDepth0<ReviewAnswer['doc']>(doc) }
    }),
})

const staffOnly = (action: string) => (req: PayloadRequest) => {
  if (!req.user) throw unauthorized(`Sign in as staff to ${action} reviews.`)
  if (!isStaffUser(req.user)) throw forbidden(`Only staff can ${action} reviews.`)
}

async function moderate(req: PayloadRequest, id: number, action: 'hide' | 'unhide', reason: string | null) {
  return inTransaction(req, async () => {
    const review = await lockedReview(req, id)
    if (action === 'hide' && review.status !== 'published')
      throw conflict(`Only published reviews can be hidden; this one is ${review.status}.`)
    if (action === 'unhide' && review.status !== 'hidden') throw conflict('This review is not hidden.')
    const doc = await req.payload.update({
      collection: 'reviews',
      id: review.id,
      data: action === 'hide' ? { status: 'hidden', hiddenReason: reason } : { status: 'published', hiddenReason: null },
      depth: 0,
      overrideAccess: true,
      req,
    })
    const listing = await recomputeListingRatings(req, parseId(review.property)!)
    return { message: action === 'hide' ? 'Review hidden.' : 'Review published again.', doc: atDepth0<ReviewAnswer['doc']>(doc), listing }
  })
}

export const hideReviewOperation = implement({
  contract: contract.hideReview,
  guard: staffOnly('hide'),
  notFoundMessage: 'Review not found.',
  graphqlReturnsDoc: 'reviews',
  run: (req, { id, reason }) => moderate(req, id, 'hide', reason),
})

export const unhideReviewOperation = implement({
  contract: contract.unhideReview,
  guard: staffOnly('unhide'),
  notFoundMessage: 'Review not found.',
  graphqlReturnsDoc: 'reviews',
  run: (req, { id }) => moderate(req, id, 'unhide', null),
})

export const respondToReview = restEndpoint(respondToReviewOperation, '/:id/response')
export const hideReview = restEndpoint(hideReviewOperation, '/:id/hide')
export const unhideReview = restEndpoint(unhideReviewOperation, '/:id/unhide')
