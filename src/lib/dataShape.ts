import type { FlattenedField } from 'payload'

import { isIdValue } from '@/domain/ids'

/**
 * What a document body sent by a client must look like before Payload touches it: a JSON object, not
 * too deep, no NUL byte anywhere (Postgres cannot store one), and every known field carrying the JSON
 * type its field type means. Payload coerces on its own — `"1' OR '1'='1"` becomes the number 1 and
 * `["+41…"]` passes a text check — so the type is checked here, before any of that, and nothing is
 * coerced: a wrong type is a 400 naming the field.
 */
export type ShapeProblem = { field: string; message: string }

/** Deeper than any document of ours (arrays of groups in groups); 10,000 levels would overflow Payload's walkers. */
export const MAX_DATA_DEPTH = 32

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)

/** The first string (key or value) holding a NUL byte, as a path, or null. Stops at MAX_DATA_DEPTH. */
export function findNul(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path || '(value)' : null
  if (depth > MAX_DATA_DEPTH || typeof value !== 'object' || value === null) return null
  for (const [key, inner] of Object.entries(value)) {
    const innerPath = path ? `${path}.${key}` : key
    if (key.includes('\0')) return innerPath
    const found = findNul(inner, innerPath, depth + 1)
    if (found) return found
  }
  return null
}

/** Whether `value` nests objects/arrays more than `max` levels deep (walks no further than that). */
export function deeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (max <= 0) return true
  for (const inner of Object.values(value)) if (deeperThan(inner, max - 1)) return true
  return false
}

export function isDateValue(value: unknown): boolean {
  if (value instanceof Date) return !Number.isNaN(value.getTime())
  if (typeof value !== 'string' || value.length > 40 || !/^\d{4}-\d{2}-\d{2}/.test(value)) return false
  return !Number.isNaN(Date.parse(value))
}

/** The field's label as people see it in the admin panel ("Nightly rate" for nightlyRate). */
function labelOf(field: FlattenedField): string {
  if ('label' in field && typeof field.label === 'string' && field.label) return field.label
  const words = field.name
    .replace(/^_/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`

const relationValue = (field: { relationTo: string | string[] }, value: unknown): boolean => {
  if (isIdValue(value)) return true
  if (!isPlainObject(value)) return false
  // Polymorphic {relationTo, value}, or a populated document sent back as it was read.
  if (Array.isArray(field.relationTo))
    return typeof value.relationTo === 'string' && (isIdValue(value.value) || (isPlainObject(value.value) && isIdValue(value.value.id)))
  return isIdValue(value.id)
}

/** The expected JSON type of one value of a (non-hasMany) leaf field, or a message when it is wrong. */
function leafProblem(field: FlattenedField, value: unknown): string | null {
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'email':
    case 'code':
      return typeof value === 'string' ? null : `must be text, not ${describe(value)}`
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `must be a number, not ${describe(value)}`
    case 'checkbox':
      return typeof value === 'boolean' ? null : `must be true or false, not ${describe(value)}`
    case 'select':
    case 'radio':
      return typeof value === 'string' ? null : `must be one of its options as text, not ${describe(value)}`
    case 'date':
      return isDateValue(value) ? null : 'must be a date-time in ISO 8601 form (e.g. 2027-03-20T12:00:00.000Z)'
    case 'relationship':
    case 'upload':
      return relationValue(field, value)
        ? null
        : `must be the id of a document (a whole number), not ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : describe(value)}`
    case 'point':
      return Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number' && Number.isFinite(n))
        ? null
        : 'must be [longitude, latitude]'
    default:
      return null
  }
}

/** Checks `data` against `fields` (a collection's flattenedFields); returns the first problem found. */
export function checkDataShape(fields: FlattenedField[], data: Record<string, unknown>, prefix = ''): ShapeProblem | null {
  for (const field of fields) {
    if (!('name' in field) || !field.name) continue
    const value = data[field.name]
    if (value === undefined || value === null) continue
    const path = prefix ? `${prefix}.${field.name}` : field.name
    const problem = fieldProblem(field, value, path)
    if (problem) return problem
  }
  return null
}

function fieldProblem(field: FlattenedField, value: unknown, path: string): ShapeProblem | null {
  const label = labelOf(field)
  switch (field.type) {
    case 'group':
    case 'tab':
      // nullGroupsAreAbsent drops null groups; anything else but an object is a mistake.
      if (!isPlainObject(value)) return { field: path, message: `${label} must be an object of its fields, not ${describe(value)}.` }
      return checkDataShape(field.flattenedFields, value, path)
    case 'array': {
      if (!Array.isArray(value)) return { field: path, message: `${label} must be a list, not ${describe(value)}.` }
      for (const [index, row] of value.entries()) {
        if (!isPlainObject(row))
          return { field: `${path}.${index}`, message: `Each row of ${label} must be an object, not ${describe(row)}.` }
        const problem = checkDataShape(field.flattenedFields, row, `${path}.${index}`)
        if (problem) return problem
      }
      return null
    }
    case 'blocks': {
      if (!Array.isArray(value)) return { field: path, message: `${label} must be a list, not ${describe(value)}.` }
      for (const [index, row] of value.entries()) {
        if (!isPlainObject(row) || typeof row.blockType !== 'string')
          return { field: `${path}.${index}`, message: `Each block of ${label} must be an object with a blockType.` }
        const block = field.blocks.find((b) => typeof b !== 'string' && b.slug === row.blockType)
        const problem = block && typeof block !== 'string' ? checkDataShape(block.flattenedFields, row, `${path}.${index}`) : null
        if (problem) return problem
      }
      return null
    }
    case 'json':
    case 'richText':
    case 'join':
      return null
    default: {
      const many = 'hasMany' in field && field.hasMany === true
      if (many) {
        if (!Array.isArray(value)) return { field: path, message: `${label} must be a list, not ${describe(value)}.` }
        for (const item of value) {
          const message = leafProblem(field, item)
          if (message) return { field: path, message: `Each item of ${label} ${message}.` }
        }
        return null
      }
      const message = leafProblem(field, value)
      return message ? { field: path, message: `${label} ${message}.` } : null
    }
  }
}
