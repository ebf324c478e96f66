import type { Endpoint, PayloadRequest } from 'payload'

import type { Booking } from '@/payload-types'
import * as contract from '@/contract/operations'
import { IDEMPOTENCY_KEY } from '@/contract/schemas'
import type { BookingAnswer, CreateBookingBody } from '@/contract/types'
import { HttpError, badRequest, conflict, unauthorized } from '@/lib/errors'
import { clientErrorResponse } from '@/lib/errorCodes'
import { isOverlapViolation } from '@/lib/constraints'
import { metrics } from '@/lib/metrics'
import { type KeyClaim, claimKey, recordResponse, releaseKey, requestHash } from '@/services/idempotency'
import { builtBookingDoc } from '@/services/bookingAnswer'
import { type WrittenBooking, datesUnavailable, decideNewBooking, insertBooking } from '@/services/newBooking'
import { parseInput } from '@/contract/validate'
import { restParts } from './operation'

/**
 * POST /api/bookings and GraphQL `createBooking` (src/endpoints/graphql.ts; its argument is Payload's
 * `data: mutationBookingInput!`, so it is served by hand rather than by restEndpoint/graphqlField).
 *
 * POST /api/bookings and GraphQL `createBooking` — Payload's create, plus the `Idempotency-Key` header:
 * the same key from the same user with the same booking within 24 h gets the first answer again (the
 * booking, or the refusal), the same key with another booking gets 422 IDEMPOTENCY_KEY_REUSED. REST and
 * GraphQL share the keys: a retry may come by either. What the server decides about a booking lives in
 * src/services/newBooking.ts, shared with the collection's beforeChange hook (admin, Local API).
 */
export type CreateBookingResult = { status: number; body: BookingAnswer; replayed: boolean }
type StoredError = { errors: { message: string; code?: string; field?: string; data?: unknown }[] }

/**
 * The booking, in as few statements as the rules allow (a statement budget test holds it,
 * tests/int/statement-budgets.test.ts): the listing and the people read together (decideNewBooking),
 * then one atomic INSERT of the booking with its nightly rows (no transaction needed, no pre-check: the
 * exclusion constraint decides). The answer is built from those (src/services/bookingAnswer.ts) — what
 * Payload's create would answer, since create answers with Payload's read of the new booking at
 * `depth` — or, where it cannot be, is that read. The collection's afterChange hooks (the hold's expiry
 * job, cache invalidation) run as after Payload's create.
 *
 * Only the client fields a guest may set on create are taken (field access: property, dates, guests,
 * messageToHost), already checked by the contract's schema; everything else is the server's.
 */
async function create(req: PayloadRequest, data: CreateBookingBody, depth: number, claim: KeyClaim | null): Promise<BookingAnswer> {
  const collection = req.payload.collections.bookings.config
  const { booking, context } = await decideNewBooking(req, collection, data)
  const client = { guests: data.guests, messageToHost: data.messageToHost ?? null }
  let written: WrittenBooking
  try {
    written = await insertBooking(req, booking, client, claim)
  } catch (error) {
    if (isOverlapViolation(error)) {
      metrics().bookingConflicts.inc()
      throw datesUnavailable()
    }
    throw error
  }
  // The INSERT committed on its own (one statement, no transaction): the booking exists from here on.
  metrics().bookingsCreated.inc()
  req.payload.logger.info({ bookingId: written.id, property: booking.property, status: booking.status }, 'booking created')
  const doc = builtBookingDoc(req, depth, booking, client, written, context)
  return answerWritten(req, written.id, depth, { ...data, ...booking }, doc)
}

/**
 * The answer for a written booking — `built` (src/services/bookingAnswer.ts) or Payload's read of it
 * as this user at `depth` (what Payload's create answers) — after the collection's afterChange hooks
 * (the hold's expiry job, cache invalidation), which a retry of a booking whose first answer failed
 * runs again: both are idempotent.
 */
async function answerWritten(
  req: PayloadRequest,
  id: number,
  depth: number,
  data: Partial<Booking>,
  built: Booking | null = null,
): Promise<BookingAnswer> {
  const collection = req.payload.collections.bookings.config
  let result: Booking =
    built ?? (await req.payload.findByID({ collection: 'bookings', id, depth, overrideAccess: false, user: req.user, req }))
  for (const hook of collection.hooks.afterChange ?? []) {
    result =
      (await hook({ collection, context: req.context, data, doc: result, operation: 'create', previousDoc: {} as Booking, req })) ?? result
  }
  return { doc: result as BookingAnswer['doc'], message: 'Booking created.' }
}

/** A stored refusal, thrown again as it was first answered. */
function storedError(status: number, body: StoredError): HttpError {
  const first = body.errors?.[0]
  return new HttpError(status, first?.message ?? 'The first request with this Idempotency-Key was refused.', {
    code: first?.code as never,
    field: first?.field,
    data: (first?.data as Record<string, unknown> | undefined) ?? null,
  })
}

/**
 * The operation. `key` is the Idempotency-Key header (null: none). A replayed refusal is thrown again;
 * a replayed booking comes back with `replayed: true` (REST says so in Idempotent-Replayed).
 */
export async function runCreateBooking(
  req: PayloadRequest,
  input: { body: CreateBookingBody; depth: number },
  key: string | null,
): Promise<CreateBookingResult> {
  if (key === null) return { status: 201, body: await create(req, input.body, input.depth, null), replayed: false }
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.')
  if (!req.user) throw unauthorized('Sign in to book.')

  const userId = Number(req.user.id)
  const claim = await claimKey(req.payload, userId, key, requestHash(input.body))
  if (claim.kind === 'mismatch') {
    throw new HttpError(422, 'This Idempotency-Key was already used with a different request.', { code: 'IDEMPOTENCY_KEY_REUSED' })
  }
  if (claim.kind === 'in_progress') throw conflict('A request with this Idempotency-Key is still being processed; retry shortly.')
  if (claim.kind === 'replay') {
    const { status, body } = claim.response
    if (status >= 400) throw Object.assign(storedError(status, body as StoredError), { replayed: true })
    return { status, body: body as BookingAnswer, replayed: true }
  }
  if (claim.kind === 'created') {
    // The first request wrote the booking and did not get to answer (or is answering right now).
    const written = await answerWritten(req, claim.bookingId, input.depth, input.body)
    await recordResponse(req.payload, userId, key, { status: 201, body: written })
    return { status: 201, body: written, replayed: true }
  }

  let answer: BookingAnswer
  try {
    answer = await create(req, input.body, input.depth, { userId, key })
  } catch (error) {
    const clientError = clientErrorResponse(error)
    if (!clientError) {
      await releaseKey(req.payload, userId, key)
      throw error
    }
    await recordResponse(req.payload, userId, key, clientError)
    throw error
  }
  await recordResponse(req.payload, userId, key, { status: 201, body: answer })
  return { status: 201, body: answer, replayed: false }
}

export const createBooking: Endpoint = {
  path: '/',
  method: 'post',
  handler: async (req) => {
    // Who may call comes first, as in every operation: a signed-out caller is told to sign in, whatever it sent.
    if (!req.user) throw unauthorized('Sign in to book.')
    const raw = await restParts(req, contract.createBooking)
    const { depth } = parseInput(contract.createBooking.query, raw.query)
    const body = parseInput(contract.createBooking.body, raw.body)
    try {
      const result = await runCreateBooking(req, { body, depth: depth ?? 1 }, req.headers.get('idempotency-key'))
      return Response.json(result.body, { status: result.status, headers: result.replayed ? { 'idempotent-replayed': 'true' } : {} })
    } catch (error) {
      // A replayed refusal is answered as it was the first time, and says it is a replay.
      if (error instanceof HttpError && (error as HttpError & { replayed?: boolean }).replayed) {
        const { status, body } = clientErrorResponse(error)!
        return Response.json(body, { status, headers: { 'idempotent-replayed': 'true' } })
      }
      throw error
    }
  },
}
