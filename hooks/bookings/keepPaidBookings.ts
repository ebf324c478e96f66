import type { CollectionBeforeDeleteHook } from 'payload'

import { conflict } from '@/lib/errors'

/** A booking with payments (money taken and given back) or reviews is a record; it is kept (the database refuses too). */
export const keepPaidBookings: CollectionBeforeDeleteHook = async ({ id, req }) => {
  const payments = await req.payload.count({ collection: 'payments', where: { booking: { equals: id } }, overrideAccess: true, req })
  if (payments.totalDocs > 0)
    throw conflict('This booking has payments, which are kept as the record of money taken and refunded; cancel it instead.')
  const reviews = await req.payload.count({ collection: 'reviews', where: { booking: { equals: id } }, overrideAccess: true, req })
  if (reviews.totalDocs > 0) throw conflict('This stay has been reviewed; reviewed stays are kept. Staff can hide a review instead.')
}
