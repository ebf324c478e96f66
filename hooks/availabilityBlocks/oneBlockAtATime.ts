import type { CollectionBeforeOperationHook } from 'payload'

import { badRequest } from '@/lib/errors'

/**
 * Payload runs a bulk update's documents in parallel in one transaction, where our per-listing calendar
 * lock cannot order them; two moved blocks could then only be stopped by the database constraint, with
 * an unreadable error. Blocks are changed one by one.
 */
export const oneBlockAtATime: CollectionBeforeOperationHook = ({ args, operation }) => {
  if (operation === 'update' && (args as { id?: unknown }).id === undefined) {
    throw badRequest('Change blocked dates one at a time (PATCH /api/availability-blocks/:id).')
  }
  return args
}
