import { type Endpoint, type PayloadRequest, addDataAndFileToRequest } from 'payload'

import type { Booking } from '../payload-types'
import { badRequest, conflict, unauthorized } from '../lib/errors'
import { claimKey, recordResponse, releaseKey, requestHash } from '../services/idempotency'

/**
 * POST /api/bookings — Payload's create, plus the `Idempotency-Key` header: the same key from the same
 * user with the same body within 24 h gets the first response again (status and booking), the same key
 * with another body gets 422. Everything about the booking itself happens in the collection's hooks.
 */
const KEY = /^[\x21-\x7e]{1,255}$/

async function create(req: PayloadRequest): Promise<{ status: number; body: unknown }> {
  const depthText = new URL(req.url ?? 'http://x').searchParams.get('depth')
  const depth = depthText && /^\d$/.test(depthText) ? Number(depthText) : 1
  // Whatever the client sent; field access and the collection's hooks decide what is kept.
  const data = (req.data ?? {}) as unknown as Omit<Booking, 'id' | 'createdAt' | 'updatedAt'>
  const doc = await req.payload.create({ collection: 'bookings', data, depth, overrideAccess: false, user: req.user, req })
  return { status: 201, body: { doc, message: 'Booking created.' } }
}

/** The answer Payload would give for a client error, so it can be stored and replayed. */
function clientErrorResponse(error: unknown): { status: number; body: unknown } | null {
  const { status, message, data } = error as { status?: number; message?: string; data?: unknown }
  if (typeof status !== 'number' || status < 400 || status >= 500) return null
  return { status, body: { errors: [{ message, ...(data ? { data } : {}) }] } }
}

export const createBooking: Endpoint = {
  path: '/',
  method: 'post',
  handler: async (req) => {
    await addDataAndFileToRequest(req).catch(() => {
      throw badRequest('The request body is not valid JSON.', { code: 'MALFORMED_REQUEST' })
    })
    if (req.data !== undefined && (typeof req.data !== 'object' || req.data === null || Array.isArray(req.data))) {
      throw badRequest('Send the booking as a JSON object: {property, checkIn, checkOut, guests}.', { code: 'MALFORMED_REQUEST' })
    }
    const key = req.headers.get('idempotency-key')
    if (key === null) {
      const { status, body } = await create(req)
      return Response.json(body, { status })
    }
    if (!KEY.test(key)) throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.')
    if (!req.user) throw unauthorized('Sign in to book.')

    const userId = Number(req.user.id)
    const claim = await claimKey(req.payload, userId, key, requestHash(req.data ?? {}))
    if (claim.kind === 'mismatch') {
      return Response.json({ errors: [{ message: 'This Idempotency-Key was already used with a different request.', code: 'IDEMPOTENCY_KEY_REUSED' }] }, { status: 422 })
    }
    if (claim.kind === 'in_progress') throw conflict('A request with this Idempotency-Key is still being processed; retry shortly.')
    if (claim.kind === 'replay') {
      return Response.json(claim.response.body, { status: claim.response.status, headers: { 'idempotent-replayed': 'true' } })
    }

    let response: { status: number; body: unknown }
    try {
      response = await create(req)
    } catch (error) {
      const clientError = clientErrorResponse(error)
      if (!clientError) {
        await releaseKey(req.payload, userId, key)
        throw error
      }
      response = clientError
    }
    await recordResponse(req.payload, userId, key, response)
    return Response.json(response.body, { status: response.status })
  },
}
