// swagger-parser's own OpenAPI 3.1 schema check (its entry point loads an ESM-only dependency jest cannot
// require; CI runs the whole of it on the generated document, scripts/generateOpenapi.ts).
import { createRequire } from 'node:module'
import type { SanitizedConfig } from 'payload'
import { z } from 'zod'

import { buildOpenApiDocument, errorResponses } from './openapi'
import type { Operation } from './operations'

const validateSchema = createRequire(import.meta.url)('@apidevtools/swagger-parser/lib/validators/schema.js') as (api: unknown) => void

/** The generator against registry entries made up here (the real ones come from src/contract/operations.ts). */
const Money = z.object({ amount: z.int().min(0), currency: z.string().length(3) }).meta({ id: 'Money' })
const SAMPLE: Operation[] = [
  {
    operationId: 'listingQuote',
    method: 'get',
    path: '/api/properties/{id}/quote',
    summary: 'Price a stay',
    tags: ['properties'],
    auth: 'none',
    params: z.object({ id: z.coerce.number().int().min(1) }),
    query: z.object({
      checkIn: z.iso.date(),
      checkOut: z.iso.date(),
      guests: z.coerce.number().int().min(1).optional().describe('People staying'),
    }),
    status: 200,
    response: z.object({ nights: z.int(), total: Money }),
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  },
  {
    operationId: 'createBooking',
    method: 'post',
    path: '/api/bookings',
    summary: 'Book a stay',
    tags: ['bookings'],
    auth: 'user',
    body: z.object({ property: z.int().min(1), checkIn: z.iso.date(), checkOut: z.iso.date(), guests: z.int().min(1) }),
    status: 201,
    response: z.object({ doc: z.object({ id: z.int() }), message: z.string() }),
    errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'DATES_UNAVAILABLE', 'IDEMPOTENCY_KEY_REUSED'],
    headers: [{ name: 'Idempotency-Key', required: false, description: 'Replays the first answer' }],
  },
]
const EMPTY_CONFIG = { collections: [], routes: { api: '/api' } } as unknown as SanitizedConfig

describe('buildOpenApiDocument with custom operations', () => {
  it('is valid OpenAPI 3.1', async () => {
    const doc = await buildOpenApiDocument(EMPTY_CONFIG, SAMPLE)
    expect(() => validateSchema(structuredClone(doc))).not.toThrow()
  })

  it('turns params, query, headers, body and response into the operation', async () => {
    const doc = await buildOpenApiDocument(EMPTY_CONFIG, SAMPLE)
    const quote = doc.paths['/api/properties/{id}/quote']?.get as any
    expect(quote.operationId).toBe('listingQuote')
    expect(quote.security).toEqual([{}])
    expect(quote.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: expect.objectContaining({ type: 'integer', minimum: 1 }) },
      { name: 'checkIn', in: 'query', required: true, schema: expect.objectContaining({ type: 'string', format: 'date' }) },
      { name: 'checkOut', in: 'query', required: true, schema: expect.objectContaining({ format: 'date' }) },
      { name: 'guests', in: 'query', required: false, description: 'People staying', schema: expect.objectContaining({ type: 'integer' }) },
    ])
    // A schema with an id becomes a component, referenced from the operation.
    expect(quote.responses['200'].content['application/json'].schema.properties.total).toEqual({
      $ref: '#/components/schemas/ListingQuoteResponseMoney',
    })
    expect(doc.components.schemas.ListingQuoteResponseMoney).toMatchObject({ type: 'object', properties: { amount: { type: 'integer' } } })

    const book = doc.paths['/api/bookings']?.post as any
    expect(book.parameters).toEqual([
      { name: 'Idempotency-Key', in: 'header', required: false, description: 'Replays the first answer', schema: { type: 'string' } },
    ])
    expect(book.requestBody.content['application/json'].schema.required).toEqual(['property', 'checkIn', 'checkOut', 'guests'])
    expect(Object.keys(book.responses)).toEqual(['201', '400', '401', '403', '409', '413', '422', '500'])
  })

  it('lists the codes of each status, on the one error schema', () => {
    const responses = errorResponses(['VALIDATION_FAILED', 'DATES_UNAVAILABLE', 'INVALID_TRANSITION']) as any
    const codes = (status: string) => responses[status].content['application/json'].schema.properties.errors.items.properties.code.enum
    expect(codes('400')).toEqual(['VALIDATION_FAILED', 'MALFORMED_REQUEST'])
    expect(codes('409')).toEqual(['DATES_UNAVAILABLE', 'INVALID_TRANSITION'])
    expect(codes('413')).toEqual(['PAYLOAD_TOO_LARGE'])
    expect(codes('500')).toEqual(['INTERNAL_ERROR'])
    expect(responses['400'].content['application/json'].schema.allOf).toEqual([{ $ref: '#/components/schemas/ErrorResponse' }])
  })
})
