import type { CollectionBeforeOperationHook, FieldHook } from 'payload'

import { maskContacts } from '@/domain/messageMasking'
import { badRequest } from '@/lib/errors'
import { conversationBooking, textAsRead } from '@/services/messages'

type Facts = { status?: unknown; confirmedAt?: unknown; id?: unknown }

/**
 * The booking's `messageToHost` is the conversation's first message: whoever reads it (guest, host,
 * staff; REST, GraphQL, the panel, `select`) gets it masked as the conversation shows it while the
 * booking is not confirmed (src/domain/messageMasking.ts). The stored text never changes. When the read
 * did not carry the booking's status (a `select` of this field alone), the booking is looked up.
 */
export const maskMessageToHost: FieldHook = async ({ value, data, originalDoc, req }) => {
  if (typeof value !== 'string' || value === '') return value
  const doc = ((data ?? originalDoc) as Facts | undefined) ?? {}
  let facts: { status?: string | null; confirmedAt?: string | null } | null = null
  if (typeof doc.status === 'string' && (doc.confirmedAt !== undefined || doc.status === 'confirmed' || doc.status === 'completed')) {
    facts = { status: doc.status, confirmedAt: typeof doc.confirmedAt === 'string' ? doc.confirmedAt : null }
  } else if (typeof doc.id === 'number' || typeof doc.id === 'string') {
    facts = await conversationBooking(req.payload, Number(doc.id), req)
  }
  return facts ? textAsRead(facts, value) : maskContacts(value)
}

const FIELD = 'messageToHost'
const namesField = (path: string) => path.replace(/^-/, '').split('.')[0] === FIELD

function whereNames(where: unknown): boolean {
  if (Array.isArray(where)) return where.some(whereNames)
  if (!where || typeof where !== 'object') return false
  return Object.entries(where).some(([key, value]) => namesField(key) || ((key === 'and' || key === 'or') && whereNames(value)))
}

/**
 * Filtering or sorting on `messageToHost` would recover what the masking hides (`where[messageToHost][like]=
 * jane.doe@`), so nobody may — staff included, who read it masked as well: a 400 before the query runs.
 */
export const messageToHostIsNotQueryable: CollectionBeforeOperationHook = ({ args }) => {
  const { where, sort, field } = args as { where?: unknown; sort?: unknown; field?: unknown }
  const sorts = typeof sort === 'string' ? sort.split(',') : Array.isArray(sort) ? sort : []
  if (whereNames(where) || sorts.some((s) => typeof s === 'string' && namesField(s.trim())) || field === FIELD) {
    throw badRequest('messageToHost cannot be used to filter or sort bookings.', { code: 'VALIDATION_FAILED', field: FIELD })
  }
  return args
}
