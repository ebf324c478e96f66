import type { z } from 'zod'

import type { ErrorCode } from '../lib/errors'

/**
 * The custom operations of the API (everything beyond Payload's generated collection routes), each
 * described once: the REST endpoint validates its input with these schemas, the GraphQL field of the
 * same name uses the same operation, and the OpenAPI document (src/contract/openapi.ts) is generated
 * from this list, so the published contract cannot drift from the code.
 */
export type Operation = {
  /** Also the GraphQL field name, e.g. `acceptBooking`. */
  operationId: string
  method: 'get' | 'post' | 'patch' | 'delete'
  /** OpenAPI path template under the server root, e.g. `/api/bookings/{id}/accept`. */
  path: string
  summary: string
  description?: string
  tags: string[]
  /** Who may call it: anyone, any signed-in user, or only some roles (the operation still checks). */
  auth: 'none' | 'optional' | 'user' | 'staff'
  params?: z.ZodObject
  query?: z.ZodObject
  body?: z.ZodType
  /** Success status and body. */
  status: number
  response: z.ZodType
  /** Every code this operation can answer with besides the generic ones (MALFORMED_REQUEST, INTERNAL_ERROR). */
  errors: ErrorCode[]
  /** Request headers it reads, e.g. Idempotency-Key. */
  headers?: { name: string; required: boolean; description: string }[]
}

export const OPERATIONS: Operation[] = []
