import type { SanitizedCollectionConfig, TextField } from 'payload'

import { isCalendarDate } from '@/domain/stayDates'
import { badRequest } from './errors'

/**
 * Stay dates are calendar dates, written `YYYY-MM-DD` everywhere: in REST and GraphQL, in and out.
 *
 * Payload's `date` fields are instants (timestamptz, GraphQL `DateTime`): a day kept as 12:00 UTC came
 * back as `2027-04-24T12:00:00.000Z`, which a client east of UTC+12 shows as the 25th. So to Payload a
 * stay date is a `text` field (a GraphQL `String`, a `string` in payload-types.ts) that accepts a valid
 * calendar date only; to PostgreSQL it is a real `date` column (src/lib/stayDateColumns.ts retypes it in
 * Drizzle's schema, the stay_dates_as_calendar_dates migration in the database), so the calendar
 * triggers, comparisons and sorting work on days, not on text.
 *
 * Marked by `custom.stayDate`: the where checks (src/lib/queryShape.ts) and the GraphQL comparison
 * operators (src/lib/stayDateGraphQL.ts) find the fields by it.
 */
export const STAY_DATE = 'stayDate'

/** The calendar date a stored or sent stay date stands for, or null when it is not `YYYY-MM-DD`. */
export function toStayDate(value: unknown): string | null {
  return typeof value === 'string' && isCalendarDate(value) ? value : null
}

const notAStayDate = (label: string) => `${label} must be a date as YYYY-MM-DD.`

/**
 * The day a hook needs, or the field's own 400 (`Check-in must be a date as YYYY-MM-DD.`, field
 * `checkIn`): collection hooks run before Payload validates fields, so they answer with its message.
 */
export function requireStayDate(collection: SanitizedCollectionConfig, name: string, value: unknown): string {
  const day = toStayDate(value)
  if (day) return day
  const field = collection.flattenedFields.find((f) => f.name === name)
  const label = field && 'label' in field && typeof field.label === 'string' ? field.label : name
  throw badRequest(notAStayDate(label), { field: name })
}

export const isStayDateField = (field: unknown): boolean =>
  typeof field === 'object' && field !== null && (field as { custom?: Record<string, unknown> }).custom?.[STAY_DATE] === true

export function stayDateField(name: string, label: string, extra: Partial<TextField> = {}): TextField {
  return {
    name,
    label,
    type: 'text',
    required: true,
    custom: { [STAY_DATE]: true },
    admin: {
      placeholder: 'YYYY-MM-DD',
      // A day picker that reads and writes the day itself, so no time zone can move it.
      components: { Field: '/components/StayDateInput#StayDateInput' },
    },
    validate: (value: unknown) => (toStayDate(value) ? true : notAStayDate(label)),
    ...extra,
  } as TextField
}
