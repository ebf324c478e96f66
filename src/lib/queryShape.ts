import type { FlattenedField } from 'payload'

import { type ShapeProblem, isPlainObject } from './dataShape'
import { INT4_MAX } from '@/domain/ids'
import { isStayDateField, toStayDate } from './stayDateField'

/**
 * What a read query (`where`, `limit`, `page`, `depth`, `pagination`) may be, checked against the
 * collection's fields before Payload builds SQL from it. Payload passes a `where` value of the wrong type
 * to Postgres as it came (`_status = 'x'` on an enum, `host = 'x'` on an integer, `createdAt LIKE …`),
 * which fails as a 500; here it is a 400 that names the field and says what would be accepted.
 */

/** Payload's operators (payload/dist/types/constants.js), and which of them each kind of field takes. */
export const WHERE_OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'all',
  'exists',
  'contains',
  'like',
  'not_like',
  'greater_than',
  'greater_than_equal',
  'less_than',
  'less_than_equal',
  'within',
  'intersects',
  'near',
] as const
type Operator = (typeof WHERE_OPERATORS)[number]
const COMPARE: Operator[] = ['greater_than', 'greater_than_equal', 'less_than', 'less_than_equal']
const EQUALITY: Operator[] = ['equals', 'not_equals', 'in', 'not_in', 'exists']

type Kind = 'id' | 'text' | 'number' | 'date' | 'day' | 'checkbox' | 'select' | 'relation' | 'point' | 'free'
const OPERATORS: Record<Kind, Operator[]> = {
  // The admin panel searches collections titled by id with `id like …`.
  id: [...EQUALITY, ...COMPARE, 'like', 'not_like', 'contains'],
  text: [...EQUALITY, ...COMPARE, 'like', 'not_like', 'contains'],
  number: [...EQUALITY, ...COMPARE],
  date: [...EQUALITY, ...COMPARE],
  // Stay dates (`YYYY-MM-DD`, a Postgres `date`): like/contains match the written form, e.g. like 2027-04.
  day: [...EQUALITY, ...COMPARE, 'like', 'not_like', 'contains'],
  checkbox: EQUALITY,
  select: EQUALITY,
  relation: EQUALITY,
  point: ['equals', 'exists', 'near', 'within', 'intersects'],
  free: [...EQUALITY, 'like', 'not_like', 'contains'],
}
const KIND_NAME: Record<Kind, string> = {
  id: 'an id',
  text: 'a text field',
  number: 'a number',
  date: 'a date',
  day: 'a stay date',
  checkbox: 'a yes/no field',
  select: 'a choice field',
  relation: 'a reference to another document',
  point: 'a location',
  free: 'a JSON field',
}

export const MAX_WHERE_DEPTH = 6
export const MAX_WHERE_CONDITIONS = 100
export const MAX_LIST_VALUES = 500

type Target = { kind: Kind; many: boolean; options?: string[]; hidden?: boolean }

/**
 * A field no query may name, directly or through a reference (`where[booking.messageToHost][like]=…` on
 * payments, `sort=echoOf.messageToHost` on calendar events): its value is masked when read, so a filter
 * or a sort on the stored value would give it away a character at a time. Set on the field as
 * `custom: NOT_QUERYABLE`.
 */
export const NOT_QUERYABLE = { notQueryable: true } as const
const isNotQueryable = (field: FlattenedField) => (field.custom as { notQueryable?: unknown } | undefined)?.notQueryable === true
/** Where Payload looks up related collections' fields (nested queries such as `property.title`). */
export type FieldsOf = (collectionSlug: string) => FlattenedField[] | undefined

const SAFE_PATH = /^\w+(?:\.\w+)*$/

/** The field a where path ends at, or null when the path is unknown (Payload answers those with its own 400). */
function resolve(fields: FlattenedField[], path: string, fieldsOf: FieldsOf, versions: boolean): Target | null {
  let segments = path.replace(/__/g, '.').split('.')
  if (versions && segments[0] === 'version') segments = segments.slice(1)
  if (versions && segments.length === 1 && segments[0] === 'parent') return { kind: 'id', many: false }
  if (versions && segments.length === 1 && (segments[0] === 'latest' || segments[0] === 'autosave'))
    return { kind: 'checkbox', many: false }
  let current: FlattenedField[] | undefined = fields
  // A document's id (the collection's, or a referenced one's) is an integer; an array row's id is text.
  let atDocument = true
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i]
    const last = i === segments.length - 1
    if (name === 'id' && last && atDocument) return { kind: 'id', many: false }
    const field: FlattenedField | undefined = current?.find((f) => 'name' in f && f.name === name)
    if (!field) return null
    switch (field.type) {
      case 'group':
      case 'tab':
      case 'array':
        if (last) return null
        current = field.flattenedFields
        atDocument = false
        continue
      case 'relationship':
      case 'upload':
        if (last) return { kind: Array.isArray(field.relationTo) ? 'free' : 'relation', many: field.hasMany === true }
        if (Array.isArray(field.relationTo)) return null
        current = fieldsOf(field.relationTo)
        atDocument = true
        continue
      default: {
        if (!last) return null
        if (isNotQueryable(field)) return { kind: 'free', many: false, hidden: true }
        return targetOf(field)
      }
    }
  }
  return null
}

function targetOf(field: FlattenedField): Target | null {
  const many = 'hasMany' in field && field.hasMany === true
  if (isStayDateField(field)) return { kind: 'day', many: false }
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'email':
    case 'code':
      return { kind: 'text', many }
    case 'number':
      return { kind: 'number', many }
    case 'date':
      return { kind: 'date', many: false }
    case 'checkbox':
      return { kind: 'checkbox', many: false }
    case 'select':
    case 'radio':
      return { kind: 'select', many, options: field.options.map((o) => (typeof o === 'string' ? o : o.value)) }
    case 'point':
      return { kind: 'point', many: false }
    case 'json':
    case 'richText':
      return { kind: 'free', many: false }
    default:
      return null
  }
}

const isNullish = (v: unknown) => v === null || v === 'null' || v === ''

/** One value against one kind; a message when it cannot be what the field holds. */
function scalarProblem(target: Target, value: unknown): string | null {
  switch (target.kind) {
    case 'id':
    case 'relation': {
      if (isNullish(value)) return null
      const text = typeof value === 'number' ? String(value) : value
      if (typeof text === 'string' && /^-?\d{1,10}$/.test(text) && Math.abs(Number(text)) <= INT4_MAX) return null
      return `must be a document id (a whole number up to ${INT4_MAX})`
    }
    case 'number': {
      if (isNullish(value)) return null
      if (typeof value === 'number' && Number.isFinite(value)) return null
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return null
      return 'must be a number'
    }
    case 'date': {
      if (isNullish(value)) return null
      if (value instanceof Date && !Number.isNaN(value.getTime())) return null
      if (typeof value === 'number' && Math.abs(value) <= 8.64e15) return null
      if (typeof value === 'string' && value.length <= 40 && !Number.isNaN(new Date(value).getTime())) return null
      return 'must be a date (ISO 8601, e.g. 2027-03-20T12:00:00.000Z)'
    }
    case 'day':
      return isNullish(value) || toStayDate(value) ? null : 'must be a date as YYYY-MM-DD'
    case 'checkbox':
      return value === null || value === true || value === false || value === 'true' || value === 'false' ? null : 'must be true or false'
    case 'select':
      if (value === null) return null
      return typeof value === 'string' && target.options?.includes(value) ? null : `must be one of: ${target.options?.join(', ')}`
    case 'text':
      return value === null || ['string', 'number', 'boolean'].includes(typeof value) ? null : 'must be text'
    default:
      return null
  }
}

function valueProblem(target: Target, operator: Operator, value: unknown): string | null {
  if (operator === 'exists')
    return value === true || value === false || value === 'true' || value === 'false' ? null : 'takes true or false'
  if (target.kind === 'point' || target.kind === 'free') return null
  if (
    operator === 'like' ||
    operator === 'not_like' ||
    (operator === 'contains' && (target.kind === 'text' || target.kind === 'id' || target.kind === 'day'))
  ) {
    return scalarProblem({ kind: 'text', many: false }, value)
  }
  if (operator === 'in' || operator === 'not_in' || operator === 'all') {
    const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value]
    if (list.length > MAX_LIST_VALUES) return `takes at most ${MAX_LIST_VALUES} values`
    for (const item of list) {
      const problem = scalarProblem(target, item)
      if (problem) return `takes a list whose values each ${problem.replace(/^must be/, 'are')}`
    }
    return null
  }
  if (isPlainObject(value) || Array.isArray(value))
    return target.kind === 'relation' && target.many && operator === 'contains' ? null : 'takes a single value'
  return scalarProblem(target, value)
}

/** The first sort key (`sort=a,-b.c` or a list) that names a field no query may name, as a problem; or null. */
export function checkSort(sort: unknown, context: WhereContext): ShapeProblem | null {
  const keys = Array.isArray(sort) ? sort : typeof sort === 'string' ? sort.split(',') : []
  for (const key of keys) {
    if (typeof key !== 'string') continue
    const path = key.trim().replace(/^-/, '')
    if (SAFE_PATH.test(path) && resolve(context.fields, path, context.fieldsOf, context.versions)?.hidden)
      return { field: 'sort', message: `cannot sort by ${path}: it is masked when read` }
  }
  return null
}

export type WhereContext = { fields: FlattenedField[]; fieldsOf: FieldsOf; versions: boolean }

/** The first problem of a where query, or null. Unknown paths are left to Payload's own check. */
export function checkWhere(where: unknown, context: WhereContext, root = 'where'): ShapeProblem | null {
  let conditions = 0
  const walk = (node: unknown, prefix: string, depth: number): ShapeProblem | null => {
    if (node === undefined || node === null) return null
    if (!isPlainObject(node)) return { field: prefix, message: 'must be an object of conditions ({ field: { operator: value } })' }
    if (depth > MAX_WHERE_DEPTH) return { field: prefix, message: `nests and/or more than ${MAX_WHERE_DEPTH} levels deep` }
    for (const [key, condition] of Object.entries(node)) {
      const path = `${prefix}[${key}]`
      if (key.toLowerCase() === 'and' || key.toLowerCase() === 'or') {
        if (!Array.isArray(condition)) return { field: path, message: 'must be a list of conditions' }
        for (const [index, inner] of condition.entries()) {
          const problem = walk(inner, `${path}[${index}]`, depth + 1)
          if (problem) return problem
        }
        continue
      }
      if (!SAFE_PATH.test(key)) return { field: path, message: 'is not a field path (letters, digits, _ and .)' }
      if (!isPlainObject(condition) || Object.keys(condition).length === 0) {
        return { field: path, message: `must name an operator, e.g. ${path}[equals]=…` }
      }
      const target = resolve(context.fields, key, context.fieldsOf, context.versions)
      if (target?.hidden) return { field: path, message: `cannot be used in a query: ${key} is masked when read` }
      for (const [operator, value] of Object.entries(condition)) {
        if (++conditions > MAX_WHERE_CONDITIONS)
          return { field: prefix || 'where', message: `has more than ${MAX_WHERE_CONDITIONS} conditions` }
        const at = `${path}[${operator}]`
        if (!(WHERE_OPERATORS as readonly string[]).includes(operator)) {
          return { field: at, message: `"${operator}" is not an operator; use one of ${WHERE_OPERATORS.join(', ')}` }
        }
        if (!target) continue
        // `all` and `contains` compare against the values of a hasMany field; on a single value Postgres fails.
        const allowed = OPERATORS[target.kind].concat(target.many ? ['all', 'contains'] : [])
        if (!allowed.includes(operator as Operator)) {
          return { field: at, message: `"${operator}" cannot be used on ${KIND_NAME[target.kind]}; use ${allowed.join(', ')}` }
        }
        const problem = valueProblem(target, operator as Operator, value)
        if (problem) return { field: at, message: `${key} ${problem}` }
      }
    }
    return null
  }
  return walk(where, root, 0)
}

/**
 * The first problem of the `joins` argument of a read (REST `?joins[events][sort]=…`, Local API `joins`), or
 * null. Payload's SQL for a join fails (500) on a sort or a condition through a relationship
 * (`feed.url`): a join is sorted and filtered by the joined collection's own fields only. Its `where`
 * is checked like a top-level one. Unknown joins are left to Payload.
 */
export function checkJoins(joins: unknown, context: Omit<WhereContext, 'versions'>): ShapeProblem | null {
  if (!isPlainObject(joins)) return null
  for (const [name, spec] of Object.entries(joins)) {
    const join = context.fields.find((field) => field.name === name && field.type === 'join')
    if (join?.type !== 'join' || !isPlainObject(spec) || Array.isArray(join.collection)) continue
    const at = `joins[${name}]`
    const sorts = Array.isArray(spec.sort) ? spec.sort : typeof spec.sort === 'string' ? spec.sort.split(',') : []
    for (const sort of sorts) {
      if (typeof sort === 'string' && sort.includes('.'))
        return {
          field: `${at}[sort]`,
          message: `cannot sort by ${sort.replace(/^-/, '')}: sort a join by a field of ${join.collection} itself`,
        }
    }
    if (spec.where === undefined || spec.where === null) continue
    const paths = (node: unknown): string[] =>
      isPlainObject(node)
        ? Object.entries(node).flatMap(([key, value]) => (/^(and|or)$/i.test(key) && Array.isArray(value) ? value.flatMap(paths) : [key]))
        : []
    const dotted = paths(spec.where).find((path) => path.includes('.'))
    if (dotted)
      return {
        field: `${at}[where][${dotted}]`,
        message: `cannot filter a join through a relationship: use a field of ${join.collection} itself`,
      }
    const fields = context.fieldsOf(join.collection)
    if (!fields) continue
    const problem = checkWhere(spec.where, { fields, fieldsOf: context.fieldsOf, versions: false }, `${at}[where]`)
    if (problem) return problem
  }
  return null
}

export type Paging = { limit?: unknown; page?: unknown; depth?: unknown; pagination?: unknown }
/** Non-staff read at most this many documents per request. */
export const MAX_PAGE_SIZE = 100
export const MAX_PAGE = 100_000
export const MAX_DEPTH = 10
/**
 * Anonymous reads populate at most this deep, whatever `depth` they ask for (hooks/shared/guardInput.ts):
 * the documents and their direct references. The public read fast path builds that answer itself
 * (src/listingDocument.ts), so a deeper allowance must be built there too.
 */
export const ANONYMOUS_MAX_DEPTH = 1

/**
 * How many ids a `where` pins the result to — `{id: {in: […]}}` or `{id: {equals: …}}`, alone or as one
 * of the conditions of a top-level `and` — or null when it does not. The admin panel reads the titles
 * of related documents that way (`where[id][in]=…&limit=250`): at most that many documents come back,
 * whatever the limit says.
 */
export function pinnedIdCount(where: unknown): number | null {
  if (!where || typeof where !== 'object' || Array.isArray(where)) return null
  const w = where as Record<string, unknown>
  const counts: number[] = []
  const id = w.id as Record<string, unknown> | undefined
  if (id && typeof id === 'object') {
    if (Array.isArray(id.in)) counts.push(id.in.length)
    else if (typeof id.in === 'string') counts.push(id.in.split(',').length)
    else if (id.equals !== undefined && id.equals !== null) counts.push(1)
  }
  if (Array.isArray(w.and))
    for (const part of w.and) {
      const n = pinnedIdCount(part)
      if (n !== null) counts.push(n)
    }
  return counts.length ? Math.min(...counts) : null
}

/** Problems with paging arguments of a find; `bounded` callers (non-staff) must page, ≤ MAX_PAGE_SIZE at a time. */
export function checkPaging(args: Paging, { bounded }: { bounded: boolean }): ShapeProblem | null {
  const whole = (value: unknown, min: number, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
  if (args.page !== undefined && args.page !== null && !whole(args.page, 1, MAX_PAGE)) {
    return { field: 'page', message: `page must be a whole number from 1 to ${MAX_PAGE}` }
  }
  if (args.depth !== undefined && args.depth !== null && !whole(args.depth, 0, MAX_DEPTH)) {
    return { field: 'depth', message: `depth must be a whole number from 0 to ${MAX_DEPTH}` }
  }
  if (args.limit !== undefined && args.limit !== null && !whole(args.limit, 0, 1_000_000)) {
    return { field: 'limit', message: `limit must be a whole number from ${bounded ? 1 : 0} to ${bounded ? MAX_PAGE_SIZE : 1_000_000}` }
  }
  // Postgres takes OFFSET as a bigint, but Payload's page arithmetic and the GraphQL Int do not: keep
  // (page − 1) × limit within int4, as the GraphQL rules do.
  if (typeof args.page === 'number' && typeof args.limit === 'number' && (args.page - 1) * args.limit > INT4_MAX) {
    return { field: 'page', message: `page × limit reaches past the ${INT4_MAX}th document; use a smaller page or limit` }
  }
  if (!bounded) return null
  if (typeof args.limit === 'number' && (args.limit === 0 || args.limit > MAX_PAGE_SIZE)) {
    return { field: 'limit', message: `limit must be from 1 to ${MAX_PAGE_SIZE}; read further pages with page=2, 3, …` }
  }
  if (args.pagination === false && !(typeof args.limit === 'number' && args.limit > 0)) {
    return {
      field: 'pagination',
      message: `pagination=false needs a limit from 1 to ${MAX_PAGE_SIZE}; read further pages with page=2, 3, …`,
    }
  }
  return null
}
