import { readFileSync } from 'node:fs'
import path from 'node:path'

import { type GraphQLObjectType, buildSchema, getNamedType, isNonNullType } from 'graphql'

import { OPERATIONS } from '@/contract/operations'

/**
 * The committed schema.graphql (CI regenerates it and fails when it differs): every custom operation is
 * a field of the same name, and money and counts in their answers are Int, not Payload's Float.
 */
const schema = buildSchema(readFileSync(path.resolve(process.cwd(), 'schema.graphql'), 'utf8'))
const typeOf = (name: string) => schema.getType(name) as GraphQLObjectType
const fieldType = (type: string, field: string) => String(typeOf(type).getFields()[field]?.type)

describe('schema.graphql', () => {
  it.each(OPERATIONS.filter((o) => o.graphql).map((o) => [o.operationId, o.graphql!.type] as const))('%s is a %s', (id, kind) => {
    const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!
    expect(root.getFields()[id]).toBeDefined()
  })

  it.each([
    ['StayQuote', 'total', 'Int!'],
    ['StayQuote', 'nights', 'Int!'],
    ['StayQuoteNight', 'rate', 'Int!'],
    ['AvailabilityNight', 'price', 'Int!'],
    ['ListingSearchHit', 'nightlyRate', 'Int!'],
    ['ListingSearchHit', 'total', 'Int'],
    ['ListingSearchHit', 'reviewCount', 'Int!'],
    ['SearchListingsResult', 'totalDocs', 'Int!'],
    ['CreatePaymentIntentResult', 'amount', 'Int!'],
    ['ListingAvailabilityResult', 'minNights', 'Int!'],
  ])('%s.%s is %s', (type, field, expected) => {
    expect(fieldType(type, field)).toBe(expected)
  })

  it('stay dates are strings; mutations answer with the collection types', () => {
    expect(fieldType('ListingQuoteResult', 'checkIn')).toBe('String!')
    const mutations = schema.getMutationType()!.getFields()
    expect(String(mutations.acceptBooking?.type)).toBe('Booking!')
    expect(String(mutations.createBooking?.type)).toBe('Booking')
    expect(String(mutations.hideReview?.type)).toBe('Review!')
    expect(String(mutations.unpublishListing?.type)).toBe('Property!')
    const money = schema
      .getQueryType()!
      .getFields()
      .searchListings!.args.find((a) => a.name === 'minPrice')!
    expect(getNamedType(money.type).name).toBe('Int')
    expect(
      isNonNullType(
        schema
          .getQueryType()!
          .getFields()
          .listingQuote!.args.find((a) => a.name === 'id')!.type,
      ),
    ).toBe(true)
  })
})
