import type { CollectionBeforeOperationHook, Field } from 'payload'

/**
 * A client sending `null` (or a string) for a group field — `pricing: null`, `subRatings: null` — means
 * "not given"; Payload's field traversal would walk into it and fail with a 500 before any validation.
 * Before the operation starts, such values are dropped, in nested groups too; required fields inside
 * then fail validation with a 400 naming them.
 */
function dropNullGroups(fields: Field[], data: Record<string, unknown>): void {
  for (const field of fields) {
    if ((field.type === 'row' || field.type === 'collapsible') && 'fields' in field) {
      dropNullGroups(field.fields, data)
      continue
    }
    if (field.type !== 'group' || !('name' in field) || !field.name) continue
    const value = data[field.name]
    if (value === undefined) continue
    if (value === null || typeof value !== 'object' || Array.isArray(value)) delete data[field.name]
    else dropNullGroups(field.fields, value as Record<string, unknown>)
  }
}

export const nullGroupsAreAbsent: CollectionBeforeOperationHook = ({ args, collection, operation }) => {
  if (operation !== 'create' && operation !== 'update') return args
  const data = args.data as Record<string, unknown> | undefined
  if (data && typeof data === 'object' && !Array.isArray(data)) dropNullGroups(collection.fields, data)
  return args
}
