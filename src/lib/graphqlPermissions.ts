import type * as GraphQL from 'graphql'
import { type GraphQLFieldConfig, type GraphQLObjectType, type GraphQLOutputType, getNamedType, isObjectType } from 'graphql'

type Field = GraphQLFieldConfig<unknown, unknown>

/**
 * Payload sanitizes permissions for the admin panel: a denied operation is dropped and an all-allowed
 * entity collapses to `true`. Its GraphQL `Access` and `docAccess…` types still expect every
 * `{ permission }` object, so any denial (anonymous `Access { canAccessAdmin }`, a guest's
 * `docAccessUser`) resolved a non-null Boolean to null: "Something went wrong." This puts the full
 * shape back, following the GraphQL type: missing means denied, `true` means everything allowed.
 */
export function expandPermissions(value: unknown, type: GraphQLObjectType): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(type.getFields())) {
    const raw = value === true ? true : value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined
    const named = getNamedType(field.type)
    if (isObjectType(named)) result[name] = expandPermissions(raw, named)
    else if (named.name === 'Boolean') result[name] = raw === true
    // `where` (JSON): the query an allowed-if permission carries.
    else result[name] = raw && typeof raw === 'object' ? raw : null
  }
  return result
}

const completing = (field: Field): Field => {
  const type = getNamedType(field.type as GraphQLOutputType)
  const resolve = field.resolve
  if (!resolve || !isObjectType(type)) return field
  return {
    ...field,
    resolve: async (...args) => {
      const permissions = await resolve(...args)
      return permissions == null ? permissions : expandPermissions(permissions, type)
    },
  }
}

/**
 * graphQL.queries: Payload's own `Access` and `docAccess…` queries, resolved by Payload and then
 * completed by expandPermissions. (Custom queries replace built-in ones of the same name.)
 */
export function completePermissionQueries(
  _graphQL: typeof GraphQL,
  { Query }: { Query: { fields: Record<string, Field> } },
): Record<string, Field> {
  const fields: Record<string, Field> = {}
  for (const [name, field] of Object.entries(Query.fields)) {
    if (name === 'Access' || name.startsWith('docAccess')) fields[name] = completing(field)
  }
  return fields
}
