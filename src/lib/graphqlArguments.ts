import {
  type ASTNode,
  type ArgumentNode,
  type FieldNode,
  type ExecutionArgs,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type GraphQLInputType,
  type GraphQLInputObjectType,
  type ValidationRule,
  getNamedType,
  getVariableValues,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  valueFromAST,
} from 'graphql'
import type { PayloadRequest } from 'payload'

import { isStaffUser } from '@/domain/roles'
import type { ErrorCode } from './errors'
import { ERROR_STATUS } from './errors'
import { INT4_MAX } from '@/domain/ids'

/** Like REST: a page of at most this many documents for everyone but staff. */
export const MAX_PAGE_SIZE = 100
/** Postgres `integer`: document ids and relationship columns. */
const INT4_MIN = -2_147_483_648
/** Operators the Postgres adapter has no implementation for (Payload's schema offers them anyway). */
const UNSUPPORTED_OPERATORS = new Set(['all'])
/** Operators whose value may be null ("equals null" means "is empty"); every other operator needs a value. */
const NULLABLE_OPERATORS = new Set(['equals', 'not_equals'])

type Problem = { message: string; field: string; code?: ErrorCode }

/** A where input type: Payload gives every one of them AND and OR. */
const isWhereType = (type: GraphQLInputObjectType) => {
  const fields = type.getFields()
  return 'AND' in fields && 'OR' in fields
}

const isJSONScalar = (type: GraphQLInputType) => isScalarType(type) && type.name === 'JSON'

/**
 * A relationship's or upload's operators in a where: JSON-typed values and an `in` list. (A json field
 * has no `in`; rich text neither.)
 */
const isRelationOperators = (type: GraphQLInputObjectType) => {
  const fields = type.getFields()
  return 'in' in fields && 'equals' in fields && isJSONScalar(getNamedType(fields.equals.type) as GraphQLInputType)
}

/** A polymorphic relationship's `{ relationTo, value }`, in data or in a where. */
const isPolymorphicRelation = (type: GraphQLInputObjectType) => {
  const fields = type.getFields()
  return 'relationTo' in fields && 'value' in fields
}

function checkId(value: unknown, field: string): Problem | undefined {
  if (value === null) return undefined
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = checkId(item, field)
      if (problem) return problem
    }
    return undefined
  }
  const number = typeof value === 'string' && /^-?\d{1,20}$/.test(value.trim()) ? Number(value) : value
  if (typeof number === 'number' && Number.isInteger(number) && number >= INT4_MIN && number <= INT4_MAX) return undefined
  return { field, message: `${field}: a related document is named by its id, a whole number up to ${INT4_MAX}.` }
}

function checkDate(value: unknown, field: string): Problem | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return undefined
  return { field, message: `${field}: not a valid date (use an ISO 8601 timestamp such as 2027-03-01T00:00:00.000Z).` }
}

/**
 * Walks one argument's value beside its GraphQL type and reports what Payload would turn into a 500:
 * NUL characters (Postgres text cannot hold them), null where a where condition belongs, operators the
 * Postgres adapter lacks, relationship ids beyond Postgres `integer`, and timestamps that are not dates.
 */
function walk(value: unknown, type: GraphQLInputType, field: string): Problem | undefined {
  if (isNonNullType(type)) return walk(value, type.ofType, field)
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') {
    return value.includes('\u0000') ? { field, message: `${field}: text may not contain NUL characters.` } : undefined
  }
  if (isListType(type)) {
    if (!Array.isArray(value)) return walk(value, type.ofType, field)
    for (const [index, item] of value.entries()) {
      const problem = walk(item, type.ofType, `${field}.${index}`)
      if (problem) return problem
    }
    return undefined
  }
  if (isScalarType(type)) return isJSONScalar(type) ? walkJSON(value, field) : undefined
  if (!isInputObjectType(type) || typeof value !== 'object' || Array.isArray(value)) return undefined

  const fields = type.getFields()
  const where = isWhereType(type)
  const relationOperators = isRelationOperators(type)
  const polymorphic = isPolymorphicRelation(type)
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const path = `${field}.${key}`
    if (key.includes('\u0000')) return { field, message: `${field}: names may not contain NUL characters.` }
    const definition = fields[key]
    if (!definition) continue
    if (where) {
      if (item === null) {
        return {
          field: path,
          message:
            key === 'AND' || key === 'OR'
              ? `${path}: give a list of conditions, not null.`
              : `${path}: a condition is an object of operators, e.g. { equals: … } or { exists: false }, not null.`,
        }
      }
      if ((key === 'AND' || key === 'OR') && Array.isArray(item) && item.some((c) => c === null)) {
        return { field: path, message: `${path}: every condition in the list must be an object, not null.` }
      }
    }
    if (isWhereOperators(type)) {
      if (UNSUPPORTED_OPERATORS.has(key)) return { field: path, message: `${path}: the "${key}" operator is not supported.` }
      if (item === null && !NULLABLE_OPERATORS.has(key)) return { field: path, message: `${path}: "${key}" needs a value.` }
    }
    if ((relationOperators && key !== 'exists') || (polymorphic && key === 'value')) {
      const problem = checkId(item, path)
      if (problem) return problem
    }
    if ((key === 'createdAt' || key === 'updatedAt') && !where) {
      const problem = checkDate(item, path)
      if (problem) return problem
    }
    const problem = walk(item, definition.type, path)
    if (problem) return problem
  }
  return undefined
}

/** A field's operators in a where (`title_operator`, `host_operator`, …). */
const isWhereOperators = (type: GraphQLInputObjectType) => type.name.endsWith('_operator') || isRelationOperators(type)

/** JSON values (rich text, preference values, a stored event's payload): no NULs anywhere. */
function walkJSON(value: unknown, field: string, depth = 0): Problem | undefined {
  if (typeof value === 'string')
    return value.includes('\u0000') ? { field, message: `${field}: text may not contain NUL characters.` } : undefined
  if (typeof value !== 'object' || value === null) return undefined
  if (depth > 100) return { field, message: `${field}: nested more than 100 levels deep.` }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return { field, message: `${field}: names may not contain NUL characters.` }
    const problem = walkJSON(item, `${field}.${key}`, depth + 1)
    if (problem) return problem
  }
  return undefined
}

/** Paging arguments: pages start at 1; non-staff read at most MAX_PAGE_SIZE documents at a time, like REST. */
function checkPaging(name: string, value: unknown, staff: boolean, field: string, limit: unknown): Problem | undefined {
  if (name === 'page' && typeof value === 'number') {
    if (value < 1) return { field, message: `${field}: pages start at 1.` }
    // The offset Postgres skips to; far beyond any real list, and past int4 where drivers overflow.
    if ((value - 1) * (typeof limit === 'number' && limit > 0 ? limit : 10) > INT4_MAX)
      return { field, message: `${field}: beyond the last page.` }
  }
  if (name === 'limit' && typeof value === 'number') {
    if (value < 0) return { field, message: `${field}: must be 0 or more.` }
    if (!staff && (value === 0 || value > MAX_PAGE_SIZE)) {
      return { field, code: 'FORBIDDEN', message: `${field}: at most ${MAX_PAGE_SIZE} documents per page (and not 0, which means all).` }
    }
  }
  if (name === 'pagination' && value === false && !staff) {
    return {
      field,
      code: 'FORBIDDEN',
      message: `${field}: only staff may read without pagination; ask for pages of up to ${MAX_PAGE_SIZE}.`,
    }
  }
  return undefined
}

function problemError(problem: Problem, node: ASTNode): GraphQLError {
  const code = problem.code ?? 'VALIDATION_FAILED'
  return new GraphQLError(problem.message, { nodes: node, extensions: { code, statusCode: ERROR_STATUS[code], field: problem.field } })
}

/**
 * graphQL.validationRules: argument values (literals and variables) that Payload would answer with
 * "Something went wrong." are refused before anything runs, each with a code and a 4xx statusCode.
 * This lives in the GraphQL layer because Payload adds some collections (payload-preferences,
 * payload-migrations) after plugins run, where no collection hook can reach.
 */
export function argumentRules(args: ExecutionArgs): ValidationRule[] {
  const req = (args.contextValue as { req?: PayloadRequest } | undefined)?.req
  const staff = isStaffUser(req?.user as never)
  const sent = (args.variableValues ?? {}) as Record<string, unknown>
  // Each operation's variables as execution will see them: coerced to their declared types, defaults
  // filled in. Variables that do not coerce fail execution before anything runs (graphql answers that).
  const coerced = new Map<OperationDefinitionNode, Record<string, unknown>>()
  for (const definition of args.document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue
    let values: Record<string, unknown> = {}
    try {
      const result = getVariableValues(args.schema, definition.variableDefinitions ?? [], sent, { maxErrors: 1 })
      if (result.coerced) values = result.coerced
    } catch {
      // An unknown variable type: graphql's own validation reports it.
    }
    coerced.set(definition, values)
  }
  const argumentValue = (node: ArgumentNode, type: GraphQLInputType, variables: Record<string, unknown>): unknown => {
    try {
      return valueFromAST(node.value, type, variables)
    } catch {
      return undefined
    }
  }
  const rule: ValidationRule = (context) => {
    // Arguments are visited right after their field is entered, before its selections.
    let fieldNode: FieldNode | undefined
    // Arguments in an operation read its variables; arguments in a fragment, those of every operation.
    let scopes: Record<string, unknown>[] = [...coerced.values()]
    return {
      OperationDefinition: {
        enter(node) {
          scopes = [coerced.get(node) ?? {}]
        },
        leave() {
          scopes = [...coerced.values()]
        },
      },
      Field(node) {
        fieldNode = node
      },
      Argument(node) {
        const definition = context.getArgument()
        const parent = context.getFieldDef()
        if (!definition || !parent) return
        const limitDefinition = parent.args.find((a) => a.name === 'limit')
        const limitNode = fieldNode?.arguments?.find((a) => a.name.value === 'limit')
        const field = `${parent.name}.${definition.name}`
        for (const variables of scopes.length ? scopes : [{}]) {
          const value = argumentValue(node, definition.type, variables)
          if (value === undefined) continue
          const limit = limitDefinition && limitNode ? argumentValue(limitNode, limitDefinition.type, variables) : undefined
          const problem = checkPaging(definition.name, value, staff, field, limit) ?? walk(value, definition.type, field)
          if (problem) {
            context.reportError(problemError(problem, node))
            return
          }
        }
      },
    }
  }
  return [rule]
}
