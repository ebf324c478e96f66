import type { CollectionBeforeOperationHook, CollectionConfig, FlattenedField } from 'payload'

import { type WithRoles, isStaffUser } from '@/domain/roles'
import { MAX_DATA_DEPTH, checkDataShape, deeperThan, findNul, isPlainObject } from '@/lib/dataShape'
import { INT4_MAX, isIdValue } from '@/domain/ids'
import { ValidationError } from 'payload'

import { badRequest, notFound } from '@/lib/errors'
import { ANONYMOUS_MAX_DEPTH, MAX_PAGE_SIZE, checkJoins, checkPaging, checkSort, checkWhere, pinnedIdCount } from '@/lib/queryShape'

type OperationArgs = {
  data?: unknown
  where?: unknown
  id?: unknown
  limit?: unknown
  page?: unknown
  depth?: unknown
  joins?: unknown
  sort?: unknown
  pagination?: unknown
  overrideAccess?: boolean
}

/** Operations whose `data` is a document body (auth operations carry credentials in `data` too). */
const DATA_OPERATIONS = new Set(['create', 'update', 'login', 'forgotPassword', 'resetPassword', 'unlock', 'refresh'])
/** Auth credentials that are not fields of the collection but must be text all the same. */
const CREDENTIALS = ['password', 'currentPassword', 'token', 'email', 'username']

/**
 * The first beforeOperation hook of every collection (see withInputGuard): refuses, before Payload
 * coerces or queries anything, input that would otherwise be coerced into something else or reach
 * Postgres as a 500 — for REST, GraphQL and Local API calls made for a user alike.
 *
 * Always (trusted server code included, since Postgres would refuse it anyway): a NUL byte anywhere in
 * `data` or `where`, and `data` nested deeper than MAX_DATA_DEPTH.
 * For calls made on a caller's behalf (every REST and GraphQL request, and Local API calls with
 * `overrideAccess: false`): `data` that is not an object or whose fields have the wrong JSON type, a malformed or ill-typed
 * `where`, ids that are not whole numbers, and paging outside the bounds below. Anonymous callers read
 * at depth 1 at most; non-staff callers page, at most 100 documents at a time.
 */
export const guardInput: CollectionBeforeOperationHook = ({ args, collection, operation, req }) => {
  const a = args as OperationArgs
  // REST and GraphQL leave overrideAccess undefined; the Local API defaults it to true.
  const onBehalf = a.overrideAccess !== true
  const slug = collection.slug

  if (a.data !== undefined && DATA_OPERATIONS.has(operation)) {
    if (!isPlainObject(a.data)) {
      if (onBehalf || a.data !== null) throw badRequest('The request body must be a JSON object of fields.', { code: 'MALFORMED_REQUEST' })
    } else {
      if (deeperThan(a.data, MAX_DATA_DEPTH))
        throw badRequest(`The data nests deeper than ${MAX_DATA_DEPTH} levels.`, { code: 'MALFORMED_REQUEST' })
      const nulAt = findNul(a.data)
      if (nulAt) throw fieldError(slug, nulAt, `${nulAt} contains a NUL character, which text may not hold.`)
      if (onBehalf) {
        const problem = checkDataShape(collection.flattenedFields, a.data) ?? credentialProblem(a.data)
        if (problem) throw fieldError(slug, problem.field, problem.message)
      }
    }
  } else if ((operation === 'create' || operation === 'update') && onBehalf && a.data === undefined && !req.file) {
    throw badRequest('The request body must be a JSON object of fields (Content-Type: application/json).', { code: 'MALFORMED_REQUEST' })
  }

  if (req.file?.name?.includes('\0')) throw fieldError(slug, 'filename', 'The file name contains a NUL character.')

  const fieldsOf = (related: string) =>
    (req.payload.collections as Partial<Record<string, { config: { flattenedFields: FlattenedField[] } }>>)[related]?.config.flattenedFields
  if (a.where !== undefined && a.where !== null) {
    const nulAt = findNul(a.where)
    if (nulAt) throw badRequest(`where ${nulAt} contains a NUL character.`, { field: `where.${nulAt}` })
    if (onBehalf) {
      const problem = checkWhere(a.where, { fields: collection.flattenedFields, fieldsOf, versions: Boolean(collection.versions) })
      if (problem) throw badRequest(`${problem.field} ${problem.message}.`, { field: problem.field })
    }
  }
  if (onBehalf && a.sort !== undefined && a.sort !== null) {
    const problem = checkSort(a.sort, { fields: collection.flattenedFields, fieldsOf, versions: Boolean(collection.versions) })
    if (problem) throw badRequest(`${problem.field} ${problem.message}.`, { field: problem.field })
  }
  if (onBehalf && a.joins !== undefined && a.joins !== null) {
    const problem = checkJoins(a.joins, { fields: collection.flattenedFields, fieldsOf })
    if (problem) throw badRequest(`${problem.field} ${problem.message}.`, { field: problem.field })
  }

  if (!onBehalf) return args

  if (a.id !== undefined && !isIdValue(a.id)) {
    throw notFound(`No ${slug} document has the id ${JSON.stringify(String(a.id))}: ids are whole numbers from 1 to ${INT4_MAX}.`, {
      field: 'id',
    })
  }

  if (['read', 'count', 'countVersions', 'readDistinct', 'findVersions', 'findVersionByID'].includes(operation)) {
    // Payload itself reads unpaginated on the caller's behalf (populating references through its
    // dataloader, checking filterOptions, resolving GraphQL joins) through the Local API, which always
    // passes `overrideAccess` (false here) with `pagination: false`. REST's ?pagination=false and
    // GraphQL's `pagination` argument reach the operation with overrideAccess left undefined, so a
    // client never gets this exemption, whatever the API.
    const internal = a.pagination === false && a.overrideAccess === false
    // A read pinned to at most MAX_PAGE_SIZE ids returns at most that many, whatever its limit (the
    // admin panel's relationship titles ask with limit=250).
    const pinned = pinnedIdCount(a.where)
    const fewIds = pinned !== null && pinned <= MAX_PAGE_SIZE
    const bounded =
      (operation === 'read' || operation === 'findVersions') &&
      a.id === undefined &&
      !internal &&
      !fewIds &&
      !isStaffUser(req.user as WithRoles | null)
    const problem = checkPaging(a, { bounded })
    if (problem) throw badRequest(`${problem.message}.`, { field: problem.field })
  }
  // Populating references costs a query per level; anonymous readers get the documents and their direct references.
  if (!req.user && (operation === 'read' || operation === 'readDistinct')) {
    const depth = typeof a.depth === 'number' ? a.depth : undefined
    if (depth === undefined || depth > ANONYMOUS_MAX_DEPTH) return { ...args, depth: ANONYMOUS_MAX_DEPTH }
  }
  return args
}

/** The same error Payload gives for a field that fails its rules, so clients read both alike. */
const fieldError = (collection: string, path: string, message: string) => new ValidationError({ collection, errors: [{ path, message }] })

function credentialProblem(data: Record<string, unknown>): { field: string; message: string } | null {
  for (const key of CREDENTIALS) {
    const value = data[key]
    if (value !== undefined && value !== null && typeof value !== 'string') return { field: key, message: `${key} must be text.` }
  }
  return null
}

/**
 * Puts guardInput first in a collection's beforeOperation hooks, so no other hook (rate limits,
 * registration roles, …) sees input it would stumble over. Applied to every collection in payload.config.ts.
 */
export function withInputGuard(collection: CollectionConfig): CollectionConfig {
  return { ...collection, hooks: { ...collection.hooks, beforeOperation: [guardInput, ...(collection.hooks?.beforeOperation ?? [])] } }
}
