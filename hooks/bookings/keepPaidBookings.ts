import type { CollectionBeforeDeleteHook } from 'payload'

import { conflict } from '../../src/lib/errors'

/** A booking with payments is a record of money taken and given back; it is kept (the database refuses too). */
export const keepPaidBookings: CollectionBeforeDeleteHook = async ({ id, req }) => {
  const payments = await req.payload.count({ collection: 'payments', where: { booking: { equals: id } }, overrideAccess: true, req })
  if (payments.totalDocs > 0) throw conflict('This booking has payments, which are kept as the record of money taken and refunded; cancel it instead.')
}
