import type { CollectionConfig } from 'payload'

import { never } from '@/access/never'
import { MESSAGE_SIDES } from '@/domain/messages'
import { humanize } from '@/domain/listing'

/**
 * A booking's conversation between its guest and its host (issue 17), one row per message. Everything
 * goes through the booking's endpoints (src/endpoints/bookingMessages.ts): GET/POST
 * /api/bookings/:id/messages and GraphQL `bookingMessages` / `sendBookingMessage`, which decide who may
 * read and write and mask contact details until the booking is confirmed (src/domain/messageMasking.ts).
 *
 * Payload's generic routes for this collection do nothing for anyone: reading them could bypass the
 * masking (through `depth`, `select`, `where`, versions or a join), so they are closed rather than
 * re-implemented; writes are never a client's. No GraphQL types or operations of its own; hidden from
 * the panel, where hosts read the conversation on the booking. The booking's `messageToHost` is the first
 * message, written with the booking by a trigger (migrations/…_messages.ts), whichever path made it.
 */
const serverOwned = { create: never, update: never }

export const Messages: CollectionConfig = {
  slug: 'messages',
  admin: { hidden: true, useAsTitle: 'text' },
  access: { read: never, create: never, update: never, delete: never },
  graphQL: false,
  lockDocuments: false,
  disableDuplicate: true,
  fields: [
    { name: 'booking', type: 'relationship', relationTo: 'bookings', required: true, access: serverOwned },
    { name: 'sender', type: 'relationship', relationTo: 'users', access: serverOwned },
    // The side, not the account: a listing that changes hands keeps who said what meaningful.
    {
      name: 'fromRole',
      type: 'select',
      required: true,
      options: MESSAGE_SIDES.map((s) => ({ label: humanize(s), value: s })),
      access: serverOwned,
    },
    { name: 'text', type: 'textarea', required: true, access: serverOwned },
    // When the other side first read it (GET …/messages by them); staff reading marks nothing.
    { name: 'readAt', type: 'date', access: serverOwned },
    // When it went out in the other side's burst mail (jobs/processors/messageMail.ts).
    { name: 'mailedAt', type: 'date', access: serverOwned },
  ],
}
