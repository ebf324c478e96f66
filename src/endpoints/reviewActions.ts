import { type Endpoint, type PayloadRequest, addDataAndFileToRequest } from 'payload'

import type { Review } from '../payload-types'
import { RESPONSE_MAX } from '../domain/reviews'
import { isStaffUser } from '../domain/roles'
import { badRequest, conflict, forbidden, notFound, unauthorized } from '../lib/errors'
import { parseId } from '../lib/ids'
import { lockBookingReviews, recomputeListingRatings } from '../services/reviews'
import { inTransaction } from '../services/transaction'

/**
 * POST /api/reviews/:id/response {text} — the listing's host answers a published review of it, once.
 * POST /api/reviews/:id/hide {reason} and /unhide — staff take a published review off the public site
 * and back; the listing's ratings are recomputed in the same transaction.
 */
async function textField(req: PayloadRequest, name: string, min: number, max: number): Promise<string> {
  await addDataAndFileToRequest(req).catch(() => {
    throw badRequest(`Send a JSON body: {"${name}": "…"}.`)
  })
  const value = typeof req.data?.[name] === 'string' ? (req.data[name] as string).trim() : ''
  if (value.length < min || value.length > max) throw badRequest(`${name} must be ${min} to ${max} characters.`)
  return value
}

/** The review, re-read under its booking's review lock inside the request's transaction. */
async function lockedReview(req: PayloadRequest): Promise<Review> {
  const id = parseId(req.routeParams?.id)
  if (id === null) throw notFound('Review not found.')
  const first = await req.payload.findByID({ collection: 'reviews', id, depth: 0, overrideAccess: true, disableErrors: true, req })
  if (!first) throw notFound('Review not found.')
  await lockBookingReviews(req, parseId(first.booking)!)
  return (await req.payload.findByID({ collection: 'reviews', id, depth: 0, overrideAccess: true, req })) as Review
}

const respond = (doc: Review, message: string) => Response.json({ message, doc })

export const respondToReview: Endpoint = {
  path: '/:id/response',
  method: 'post',
  handler: async (req) => {
    if (!req.user) throw unauthorized('Sign in as the host to respond.')
    const text = await textField(req, 'text', 1, RESPONSE_MAX)
    return inTransaction(req, async () => {
      const review = await lockedReview(req)
      const listing = await req.payload.findByID({ collection: 'properties', id: parseId(review.property)!, depth: 0, overrideAccess: true, req })
      const isHost = parseId(listing.host) === Number(req.user!.id)
      // Someone who cannot see the review (a pending one is blind, also to the host) learns nothing about it.
      const canSee = review.status === 'published' || parseId(review.author) === Number(req.user!.id) || isStaffUser(req.user)
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
      return respond(doc, 'Response published.')
    })
  },
}

async function moderate(req: PayloadRequest, action: 'hide' | 'unhide'): Promise<Response> {
  if (!req.user) throw unauthorized(`Sign in as staff to ${action} reviews.`)
  if (!isStaffUser(req.user)) throw forbidden(`Only staff can ${action} reviews.`)
  const reason = action === 'hide' ? await textField(req, 'reason', 3, 1000) : null
  return inTransaction(req, async () => {
    const review = await lockedReview(req)
    if (action === 'hide' && review.status !== 'published') throw conflict(`Only published reviews can be hidden; this one is ${review.status}.`)
    if (action === 'unhide' && review.status !== 'hidden') throw conflict('This review is not hidden.')
    const doc = await req.payload.update({
      collection: 'reviews',
      id: review.id,
      data: action === 'hide' ? { status: 'hidden', hiddenReason: reason } : { status: 'published', hiddenReason: null },
      depth: 0,
      overrideAccess: true,
      req,
    })
    const ratings = await recomputeListingRatings(req, parseId(review.property)!)
    return Response.json({ message: action === 'hide' ? 'Review hidden.' : 'Review published again.', doc, listing: ratings })
  })
}

export const hideReview: Endpoint = { path: '/:id/hide', method: 'post', handler: (req) => moderate(req, 'hide') }
export const unhideReview: Endpoint = { path: '/:id/unhide', method: 'post', handler: (req) => moderate(req, 'unhide') }
