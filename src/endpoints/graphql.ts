import type * as GraphQLModule from 'graphql'
import type { GraphQLFieldConfig, GraphQLFieldConfigArgumentMap, GraphQLInputType, GraphQLOutputType } from 'graphql'
import type { PayloadRequest } from 'payload'
import type { z } from 'zod'

import * as contract from '@/contract/operations'
import type { Operation } from '@/contract/operations'
import { graphqlNames } from '@/contract/schemas'
import { parseInput } from '@/contract/validate'
import { unauthorized } from '@/lib/errors'
import { accountMutations } from './accountRequests'
import { acceptBookingOperation, cancelBookingOperation, cancellationPreviewOperation, declineBookingOperation } from './bookingTransitions'
import { bookingMessagesOperation, sendBookingMessageOperation } from './bookingMessages'
import { runCreateBooking } from './createBooking'
import { regenerateCalendarTokenOperation } from './calendarExport'
import { syncCalendarFeedOperation } from './syncCalendarFeed'
import { listingAvailabilityOperation, listingQuoteOperation } from './listingCalendar'
import { reinstateListingOperation, unpublishListingOperation } from './moderateListing'
import { type Implementation, graphqlInput } from './operation'
import { createPaymentIntentOperation } from './paymentIntent'
import { hideReviewOperation, respondToReviewOperation, unhideReviewOperation } from './reviewActions'
import { runReconciliationOperation } from './runReconciliation'
import { searchListingsOperation } from './searchListings'

/**
 * The custom operations as GraphQL fields of the same names (graphQL.queries / graphQL.mutations in
 * src/payload.config.ts). Each field runs the same implementation as its REST endpoint (guard, the
 * contract's schemas, run), so rules, messages, codes (`extensions.code`) and access are the same.
 * Arguments and result types are built from the contract's zod schemas: integers (money, counts, ids)
 * are `Int`, stay dates `String` (YYYY-MM-DD). Mutations that change a document answer with Payload's
 * own type for it (`Booking`, `Property`, `Review`), at depth 0 so its relations resolve as usual.
 */
type Field = GraphQLFieldConfig<unknown, { req: PayloadRequest }>
type Fields = Record<string, Field>
type GraphQLNullableOutput = Exclude<GraphQLOutputType, GraphQLModule.GraphQLNonNull<GraphQLOutputType>>
type GraphQL = typeof GraphQLModule
type CollectionTypes = Record<string, { graphQL?: { type: GraphQLOutputType; mutationInputType?: GraphQLInputType } }>
type SchemaContext = { collections: CollectionTypes; Mutation: { fields: Fields }; Query: { fields: Fields } }

/**
 * One implementation with its operation's input and output types closed over, so that operations of
 * different shapes share one list (an `Implementation<O>` only accepts O's own input).
 */
type GraphQLOperation = { contract: Operation; field: (builder: Builder) => Field }
const graphqlOperation = <O extends Operation>(implementation: Implementation<O>): GraphQLOperation => ({
  contract: implementation.contract,
  field: (builder) => builder.field(implementation),
})

// Implementations are listed here (not with the contract) so the contract stays free of Payload code.
const IMPLEMENTATIONS: GraphQLOperation[] = [
  graphqlOperation(searchListingsOperation),
  graphqlOperation(listingQuoteOperation),
  graphqlOperation(listingAvailabilityOperation),
  graphqlOperation(acceptBookingOperation),
  graphqlOperation(declineBookingOperation),
  graphqlOperation(cancelBookingOperation),
  graphqlOperation(cancellationPreviewOperation),
  graphqlOperation(bookingMessagesOperation),
  graphqlOperation(sendBookingMessageOperation),
  graphqlOperation(createPaymentIntentOperation),
  graphqlOperation(respondToReviewOperation),
  graphqlOperation(hideReviewOperation),
  graphqlOperation(unhideReviewOperation),
  graphqlOperation(unpublishListingOperation),
  graphqlOperation(reinstateListingOperation),
  graphqlOperation(regenerateCalendarTokenOperation),
  graphqlOperation(syncCalendarFeedOperation),
  graphqlOperation(runReconciliationOperation),
]

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1)

/** zod → GraphQL, one builder per schema build (Payload calls queries() and mutations() separately; types must be built once). */
function typeBuilder(G: GraphQL, collections: CollectionTypes) {
  const objects = new Map<string, GraphQLModule.GraphQLObjectType>()

  /** Payload's own output type for a collection's documents. */
  const collectionType = (slug: string): GraphQLOutputType => {
    const type = collections[slug]?.graphQL?.type
    if (!type) throw new Error(`Payload built no GraphQL type for the collection ${slug}.`)
    return type
  }

  const unwrap = (schema: z.ZodType): { inner: z.ZodType; nullable: boolean } => {
    let inner = schema
    let nullable = false
    for (;;) {
      const def = inner.def as { type: string; innerType?: z.ZodType; out?: z.ZodType }
      if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
        nullable = true
        inner = def.innerType!
      } else if (def.type === 'pipe') inner = def.out!
      else return { inner, nullable }
    }
  }

  const scalar = (schema: z.ZodType) => {
    const def = schema.def as { type: string }
    if (def.type === 'number')
      return (schema as z.ZodNumber).format === 'safeint' || (schema as z.ZodNumber).isInt ? G.GraphQLInt : G.GraphQLFloat
    if (def.type === 'boolean') return G.GraphQLBoolean
    if (def.type === 'string' || def.type === 'enum' || def.type === 'literal') return G.GraphQLString
    return null
  }

  const output = (schema: z.ZodType, name: string): GraphQLOutputType => {
    const { inner, nullable } = unwrap(schema)
    const type = outputNullable(inner, name)
    return nullable ? type : new G.GraphQLNonNull(type as GraphQLNullableOutput)
  }

  const outputNullable = (schema: z.ZodType, name: string): GraphQLOutputType => {
    const known = scalar(schema)
    if (known) return known
    const def = schema.def as { type: string; element?: z.ZodType; options?: z.ZodType[] }
    if (def.type === 'array') return new G.GraphQLList(output(def.element!, name))
    if (def.type === 'union') {
      // A relation: an id or the populated document; GraphQL clients get the id at depth 0.
      const id = def.options!.find((o) => scalar(o) === G.GraphQLInt)
      if (id) return G.GraphQLInt
    }
    if (def.type === 'object') {
      const meta = graphqlNames.get(schema)
      if (meta?.collection) return collectionType(meta.collection)
      const typeName = meta?.name ?? name
      const existing = objects.get(typeName)
      if (existing) return existing
      const shape = (schema as z.ZodObject).shape
      const type: GraphQLModule.GraphQLObjectType = new G.GraphQLObjectType({
        name: typeName,
        description: schema.description,
        fields: () =>
          Object.fromEntries(
            Object.entries(shape).map(([key, field]) => [
              key,
              { type: output(field as z.ZodType, `${typeName}${pascal(key)}`), description: (field as z.ZodType).description },
            ]),
          ),
      })
      objects.set(typeName, type)
      return type
    }
    throw new Error(`No GraphQL type for a zod ${def.type} (${name})`)
  }

  /** Flat arguments from the contract's params, query and body (objects of scalars). */
  const args = (operation: Operation): GraphQLFieldConfigArgumentMap => {
    const result: GraphQLFieldConfigArgumentMap = {}
    for (const part of [operation.params, operation.query, operation.body]) {
      if (!part) continue
      for (const [key, field] of Object.entries((part as z.ZodObject).shape)) {
        const { inner, nullable } = unwrap(field as z.ZodType)
        const type = scalar(inner)
        if (!type) throw new Error(`No GraphQL argument type for ${operation.operationId}.${key}`)
        result[key] = { type: nullable ? type : new G.GraphQLNonNull(type), description: (field as z.ZodType).description }
      }
    }
    return result
  }

  const field = <O extends Operation>(implementation: Implementation<O>): Field => {
    const { contract: operation, graphqlReturnsDoc } = implementation
    return {
      type: graphqlReturnsDoc
        ? new G.GraphQLNonNull(collectionType(graphqlReturnsDoc))
        : output(operation.response, `${pascal(operation.operationId)}Result`),
      description: operation.graphql?.description ?? [operation.summary, operation.description].filter(Boolean).join('. '),
      args: args(operation),
      resolve: async (_source, values, { req }) => {
        implementation.guard?.(req)
        const result = await implementation.run(req, graphqlInput(implementation, values as Record<string, unknown>))
        return graphqlReturnsDoc ? (result as { doc: unknown }).doc : result
      },
    }
  }

  return { field }
}

type Builder = ReturnType<typeof typeBuilder>
const builders = new WeakMap<object, Builder>()
const builderFor = (G: GraphQL, context: SchemaContext) => {
  let builder = builders.get(context.collections)
  if (!builder) {
    builder = typeBuilder(G, context.collections)
    builders.set(context.collections, builder)
  }
  return builder
}

const fieldsOf = (G: GraphQL, context: SchemaContext, type: 'query' | 'mutation'): Fields => {
  const builder = builderFor(G, context)
  return Object.fromEntries(
    IMPLEMENTATIONS.filter((i) => i.contract.graphql?.type === type).map((i) => [i.contract.operationId, i.field(builder)]),
  )
}

/**
 * `createBooking` replaces Payload's own (same arguments, same `Booking` answer) to add what POST
 * /api/bookings does: the contract's checks and the `Idempotency-Key` HTTP header, keys shared with REST.
 */
function createBookingField(context: SchemaContext): Field {
  const payloadCreateBooking = context.Mutation.fields.createBooking
  if (!payloadCreateBooking) throw new Error('Payload built no createBooking mutation to replace.')
  return {
    ...payloadCreateBooking,
    description: contract.createBooking.graphql.description,
    resolve: async (_source, values, { req }) => {
      if (!req.user) throw unauthorized('Sign in to book.')
      const body = parseInput(contract.createBooking.body, (values as { data?: unknown }).data ?? {}, { prefix: 'data' })
      const { body: answer, replayed } = await runCreateBooking(req, { body, depth: 0 }, req.headers.get('idempotency-key'))
      if (!replayed) return answer.doc
      // A replay stored by REST may be populated deeper; GraphQL resolves relations from ids.
      return req.payload.findByID({ collection: 'bookings', id: answer.doc.id, depth: 0, overrideAccess: false, user: req.user, req })
    },
  }
}

/** graphQL.queries: searchListings, listingQuote, listingAvailability. */
export const operationQueries = (G: GraphQL, context: SchemaContext): Fields => fieldsOf(G, context, 'query')

/** graphQL.mutations: the custom mutations, createBooking with idempotency, and the account mutations (src/endpoints/accountRequests.ts). */
export const operationMutations = (G: GraphQL, context: SchemaContext): Fields => ({
  ...(accountMutations(G, context) as Fields),
  ...fieldsOf(G, context, 'mutation'),
  createBooking: createBookingField(context),
})
