import type * as GraphQL from 'graphql'
import type { FlattenedField } from 'payload'

import { isStayDateField } from './stayDateField'

const COMPARISONS = ['greater_than', 'greater_than_equal', 'less_than', 'less_than_equal'] as const

type SchemaSoFar = {
  collections: Record<
    string,
    { config: { flattenedFields: FlattenedField[] }; graphQL?: { whereInputType?: GraphQL.GraphQLInputObjectType } }
  >
}

/**
 * Payload gives a `text` field's where input equals, in, like and contains, but no comparisons (REST
 * takes any operator). A stay date is text only to Payload and a `date` in PostgreSQL, so comparing is
 * exact; this adds `greater_than`, `greater_than_equal`, `less_than` and `less_than_equal` (String,
 * `YYYY-MM-DD`) to each stay date's operators, e.g. `Bookings(where: { checkIn: { greater_than_equal:
 * "2027-04-01" } })`. The values are checked like REST's (src/lib/queryShape.ts, via guardInput).
 *
 * Runs inside graphQL.queries, the one hook Payload calls with the built where types before it makes
 * the schema; it adds operators to those types and no query.
 */
export function addStayDateComparisons(graphQL: typeof GraphQL, { collections }: SchemaSoFar): void {
  for (const { config, graphQL: types } of Object.values(collections)) {
    const where = types?.whereInputType
    if (!where) continue
    for (const field of config.flattenedFields) {
      if (!isStayDateField(field)) continue
      const operators = graphQL.getNamedType(where.getFields()[field.name]?.type)
      if (!operators || !graphQL.isInputObjectType(operators)) throw new Error(`No where operators for the stay date ${field.name}.`)
      const fields = operators.getFields()
      for (const name of COMPARISONS) {
        fields[name] ??= {
          name,
          description: 'A calendar date, YYYY-MM-DD',
          type: graphQL.GraphQLString,
          defaultValue: undefined,
          deprecationReason: undefined,
          extensions: {},
          astNode: undefined,
        }
      }
    }
  }
}

/** Wraps a graphQL.queries function so the stay dates get their comparison operators first. */
export function withStayDateComparisons<Schema, Result>(
  queries: (graphQL: typeof GraphQL, schema: Schema) => Result,
): (graphQL: typeof GraphQL, schema: Schema & SchemaSoFar) => Result {
  return (graphQL, schema) => {
    addStayDateComparisons(graphQL, schema)
    return queries(graphQL, schema)
  }
}
