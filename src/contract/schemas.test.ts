import { z } from 'zod'

import { HttpError } from '@/lib/errors'
import { OPERATIONS } from './operations'
import * as s from './schemas'
import { parseInput } from './validate'

/** What a client is told for an input: the parsed value, or the 400's code, field and message. */
function outcome(schema: Parameters<typeof parseInput>[0], value: unknown) {
  try {
    return { ok: parseInput(schema, value) }
  } catch (error) {
    if (!(error instanceof HttpError)) throw error
    return { status: error.status, code: error.code, field: error.field, message: error.message }
  }
}

describe('booking input', () => {
  const good = { property: 5, checkIn: '2027-03-01', checkOut: '2027-03-04', guests: 2 }

  it('accepts a booking and keeps fields it does not know (field access ignores them)', () => {
    expect(outcome(s.createBookingBody, { ...good, status: 'confirmed' })).toEqual({ ok: { ...good, status: 'confirmed' } })
  })

  it.each([
    ['no property', { ...good, property: undefined }, 'property', 'property must be a listing id.'],
    ['property a word', { ...good, property: 'abc' }, 'property', 'property must be a listing id.'],
    ['property as text (never coerced)', { ...good, property: '5' }, 'property', 'property must be a listing id.'],
    ['property 1e3', { ...good, property: '1e3' }, 'property', 'property must be a listing id.'],
    ['property true', { ...good, property: true }, 'property', 'property must be a listing id.'],
    ['property 1.5', { ...good, property: 1.5 }, 'property', 'property must be a listing id.'],
    ['property beyond int4', { ...good, property: 2_147_483_648 }, 'property', 'property must be a listing id.'],
    [
      'a timestamp for a stay date',
      { ...good, checkIn: '2027-03-01T12:00:00.000Z' },
      'checkIn',
      'checkIn and checkOut must be dates as YYYY-MM-DD.',
    ],
    ['a day that does not exist', { ...good, checkOut: '2027-02-30' }, 'checkOut', 'checkIn and checkOut must be dates as YYYY-MM-DD.'],
    [
      'year 0050 (no date the stay arithmetic accepts)',
      { ...good, checkIn: '0050-01-01' },
      'checkIn',
      'checkIn and checkOut must be dates as YYYY-MM-DD.',
    ],
    ['guests 1.5', { ...good, guests: 1.5 }, 'guests', 'guests must be a whole number, at least 1.'],
    ['guests as text', { ...good, guests: '2' }, 'guests', 'guests must be a whole number, at least 1.'],
    ['guests 0', { ...good, guests: 0 }, 'guests', 'guests must be a whole number, at least 1.'],
    [
      'a message to the host of 1001 characters',
      { ...good, messageToHost: 'x'.repeat(1001) },
      'messageToHost',
      'messageToHost can be at most 1000 characters.',
    ],
  ])('%s → 400 naming the field', (_, body, field, message) => {
    expect(outcome(s.createBookingBody, body)).toEqual({ status: 400, code: 'VALIDATION_FAILED', field, message })
  })

  it('a body that is not an object is a malformed request', () => {
    expect(outcome(s.createBookingBody, [good])).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' })
  })
})

describe('query strings are coerced; numbers are whole where they count', () => {
  it.each([
    [{ guests: '3', minPrice: '0', lat: '47.5', lng: '8.5' }, { ok: { guests: 3, minPrice: 0, lat: 47.5, lng: 8.5 } }],
    [{ guests: '2.5' }, { field: 'guests', message: 'guests must be a whole number.' }],
    [{ guests: 'many' }, { field: 'guests', message: 'guests must be a whole number.' }],
    [{ guests: '1e1' }, { field: 'guests', message: 'guests must be a whole number.' }],
    [{ page: '0x10' }, { field: 'page', message: 'page must be a whole number.' }],
    [{ guests: '51' }, { field: 'guests', message: 'guests must be between 1 and 50.' }],
    [{ limit: '51' }, { field: 'limit', message: 'limit must be between 1 and 50.' }],
    [{ lat: '91' }, { field: 'lat', message: 'lat must be a number between -90 and 90.' }],
    [{ sort: 'cheapest' }, { field: 'sort', message: 'sort must be one of price, -price, rating, distance.' }],
    [{ checkIn: '2027-13-01' }, { field: 'checkIn', message: 'checkIn and checkOut must both be dates as YYYY-MM-DD.' }],
  ])('search %j', (query, expected) => {
    expect(outcome(s.searchListingsQuery, query)).toMatchObject(expected)
  })

  it('availability and quote name the date that is wrong', () => {
    expect(outcome(s.listingAvailabilityQuery, { to: 'nope' })).toMatchObject({
      field: 'to',
      message: 'from and to must be dates as YYYY-MM-DD.',
    })
    expect(outcome(s.listingQuoteQuery, { checkIn: '2027-03-01' })).toMatchObject({
      field: 'checkOut',
      message: 'checkIn and checkOut must be dates as YYYY-MM-DD.',
    })
  })

  it('a path id is a Postgres int4', () => {
    expect(outcome(s.idParams, { id: '42' })).toEqual({ ok: { id: 42 } })
    expect(outcome(s.idParams, { id: 42 })).toEqual({ ok: { id: 42 } })
    for (const id of ['0', 'abc', '1.5', '1e3', '042', '2147483648', true])
      expect(outcome(s.idParams, { id })).toMatchObject({ status: 400 })
  })
})

describe('reasons and answers are trimmed, then measured', () => {
  it.each([
    [
      'unpublish: two letters after trimming',
      s.unpublishListingBody,
      { reason: '  ab  ' },
      'reason',
      'Give a reason (3 to 1000 characters).',
    ],
    ['unpublish: no reason', s.unpublishListingBody, {}, 'reason', 'Give a reason (3 to 1000 characters).'],
    ['hide: 1001 characters', s.hideReviewBody, { reason: 'x'.repeat(1001) }, 'reason', 'reason must be 3 to 1000 characters.'],
    ['respond: only spaces', s.respondToReviewBody, { text: '   ' }, 'text', 'text must be 1 to 1000 characters.'],
    ['respond: a number', s.respondToReviewBody, { text: 42 }, 'text', 'text must be 1 to 1000 characters.'],
    ['cancel: 1001 characters', s.cancelBookingBody, { reason: 'x'.repeat(1001) }, 'reason', 'The reason can be at most 1000 characters.'],
  ])('%s → 400', (_, schema, body, field, message) => {
    expect(outcome(schema, body)).toEqual({ status: 400, code: 'VALIDATION_FAILED', field, message })
  })

  it('keeps the trimmed text', () => {
    expect(outcome(s.hideReviewBody, { reason: '  spam  ' })).toEqual({ ok: { reason: 'spam' } })
    expect(outcome(s.cancelBookingBody, {})).toEqual({ ok: {} })
  })
})

describe('messages for schemas without their own', () => {
  it.each([
    [{ reason: 5 }, 'reason must be text.'],
    [{}, 'reason is required.'],
  ])('%j → %s', (value, message) => {
    expect(outcome(z.object({ reason: z.string() }), value)).toMatchObject({ field: 'reason', message })
  })
})

describe('answers', () => {
  it('money is whole minor units', () => {
    const quote = {
      currency: 'EUR',
      nights: 1,
      perNight: [{ date: '2027-03-01', rate: 10000, weekend: false }],
      nightlySubtotal: 10000,
      discount: 0,
      cleaningFee: 0,
      serviceFee: 0,
      taxes: 0,
      total: 10000,
    }
    expect(s.stayQuote.safeParse(quote).success).toBe(true)
    expect(s.stayQuote.safeParse({ ...quote, total: 100.5 }).success).toBe(false)
  })
})

describe('the registry', () => {
  it('names each operation once, and every response and input schema can be written as JSON Schema', () => {
    const ids = OPERATIONS.map((o) => o.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const o of OPERATIONS) {
      for (const schema of [o.params, o.query, o.body].filter(Boolean)) expect(() => z.toJSONSchema(schema!, { io: 'input' })).not.toThrow()
      expect(() => z.toJSONSchema(o.response, { io: 'output' })).not.toThrow()
    }
  })
})
