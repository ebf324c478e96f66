import type { z } from 'zod'

import { HttpError, badRequest } from '@/lib/errors'

/**
 * Input checked against an operation's schema. A failure is a 400 VALIDATION_FAILED about the first
 * problem, naming its field path (`field: "checkIn"`, `"pricing.nightlyRate"`); the message is the
 * schema's own where it has one, else a sentence built here (zod's defaults say "Invalid input:
 * expected int, received number", which a person should not have to decode).
 */
const KINDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
}

const fieldName = (path: readonly PropertyKey[]) => path.map(String).join('.')

function sentence(issue: z.core.$ZodRawIssue): string | undefined {
  const name = fieldName(issue.path ?? []) || 'The value'
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `${name} is required.`
      return `${name} must be ${KINDS[issue.expected] ?? issue.expected}.`
    case 'too_small':
      if (issue.origin === 'string') return `${name} must be at least ${issue.minimum} characters.`
      if (issue.origin === 'array') return `${name} must have at least ${issue.minimum} items.`
      return `${name} must be at least ${issue.minimum}.`
    case 'too_big':
      if (issue.origin === 'string') return `${name} can be at most ${issue.maximum} characters.`
      if (issue.origin === 'array') return `${name} can have at most ${issue.maximum} items.`
      return `${name} must be at most ${issue.maximum}.`
    case 'invalid_value':
      return `${name} must be one of ${issue.values.map(String).join(', ')}.`
    case 'invalid_format':
      if (issue.format === 'date') return `${name} must be a date as YYYY-MM-DD.`
      return `${name} is not in the expected format.`
    case 'custom':
      if ((issue.params as { calendarDate?: boolean } | undefined)?.calendarDate) return `${name} must be a date as YYYY-MM-DD.`
      return `${name} is invalid.`
    default:
      return `${name} is invalid.`
  }
}

/** The parsed value, or a 400 naming the field (`prefix` puts the field under e.g. `data` for GraphQL's `createBooking(data:)`). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, options: { prefix?: string } = {}): z.output<S> {
  const result = schema.safeParse(value, { error: sentence })
  if (result.success) return result.data
  // A failed parse has at least one issue.
  const issue = result.error.issues[0]!
  const path = fieldName([...(options.prefix ? [options.prefix] : []), ...issue.path])
  // A body that is not an object at all is a malformed request, not a field's mistake.
  if (issue.path.length === 0 && issue.code === 'invalid_type' && issue.expected === 'object') {
    throw new HttpError(400, 'Send the body as a JSON object.', { code: 'MALFORMED_REQUEST' })
  }
  return badRequestFor(issue.message, path)
}

function badRequestFor(message: string, field: string): never {
  throw badRequest(message, field ? { field } : {})
}
