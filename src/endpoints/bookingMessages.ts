import type { PayloadRequest } from 'payload'

import * as contract from '@/contract/operations'
import { MESSAGES_PER_PAGE, sideOf } from '@/domain/messages'
import { env } from '@/lib/env'
import { notFound, refused, tooManyRequests } from '@/lib/errors'
import { consumeRateLimit } from '@/services/authRateLimit'
import {
  type ConversationBooking,
  conversationBooking,
  conversationParty,
  readConversation,
  sendRefusal,
  storeMessage,
} from '@/services/messages'
import { implement, restEndpoint } from './operation'

/**
 * GET /api/bookings/:booking/messages (GraphQL `bookingMessages`) and POST …/messages {text}
 * (`sendBookingMessage`): a booking's conversation between its guest and the listing's host, read by
 * staff too. Rules: src/domain/messages.ts; storage, masking and the burst mail: src/services/messages.ts.
 * A booking the caller may not see, one that does not exist and a path that names none are one 404.
 */
const NOT_FOUND = 'Booking not found.'

/** Signed out, the booking is as absent as for a stranger: the same 404, not a 401 that says it may exist. */
const signedIn = (req: PayloadRequest) => {
  if (!req.user) throw notFound(NOT_FOUND)
}

/** The booking and who the caller is to it; 404 for anyone who may not see it. */
async function bookingFor(req: PayloadRequest, id: number) {
  const booking = await conversationBooking(req.payload, id, req)
  const party = booking ? conversationParty(req, booking) : null
  if (!booking || !party) throw notFound(NOT_FOUND)
  return { booking, party }
}

/** At most MESSAGE_RATE_LIMIT_PER_MINUTE messages a minute per sender, on REST and GraphQL alike. */
async function limitSender(req: PayloadRequest): Promise<void> {
  const retryAfter = await consumeRateLimit('messages', env.MESSAGE_RATE_LIMIT_PER_MINUTE, `user-${req.user!.id}`)
  if (retryAfter === null) return
  req.responseHeaders ??= new Headers()
  req.responseHeaders.set('Retry-After', String(retryAfter))
  throw tooManyRequests(`You are sending messages too fast. Try again in ${retryAfter} seconds.`, retryAfter)
}

export const bookingMessagesOperation = implement({
  contract: contract.bookingMessages,
  guard: signedIn,
  notFoundMessage: NOT_FOUND,
  run: async (req, { booking: id, page, limit }) => {
    const { booking, party } = await bookingFor(req, id)
    return readConversation(req, booking, party, { page, limit: limit ?? MESSAGES_PER_PAGE })
  },
})

export const sendBookingMessageOperation = implement({
  contract: contract.sendBookingMessage,
  guard: signedIn,
  notFoundMessage: NOT_FOUND,
  run: async (req, { booking: id, text }) => {
    const { booking, party } = await bookingFor(req, id)
    const refusal = sendRefusal(booking, party)
    if (refusal) throw refused(refusal)
    await limitSender(req)
    const doc = await storeMessage(req, booking as ConversationBooking, sideOf(party)!, text)
    return { message: 'Message sent.', doc }
  },
})

export const bookingMessages = restEndpoint(bookingMessagesOperation, '/:booking/messages')
export const sendBookingMessage = restEndpoint(sendBookingMessageOperation, '/:booking/messages')
