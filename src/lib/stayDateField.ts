import type { DateField } from 'payload'

import { isCalendarDate } from '../domain/stayDates'

/**
 * Stay dates are calendar dates. Payload stores dates as timestamps, so each is kept at 12:00 UTC of
 * its day — Payload's own convention for day-only dates, which every time zone from UTC−12 to UTC+11
 * shows as the same day in the admin panel — and the database reads the day back with
 * `(… AT TIME ZONE 'UTC')::date`. The API accepts `YYYY-MM-DD`.
 */
export const STAY_DATE_TIME = 'T12:00:00.000Z'

export function toStayDate(value: unknown): string | null {
  if (typeof value === 'string') {
    const text: string = value
    if (isCalendarDate(text)) return text
    const day = text.slice(0, 10)
    if (/^\d{4}-\d{2}-\d{2}T/.test(text) && isCalendarDate(day) && !Number.isNaN(Date.parse(text))) return day
    return null
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10)
  return null
}

export function stayDateField(name: string, label: string, extra: Partial<DateField> = {}): DateField {
  return {
    name,
    label,
    type: 'date',
    required: true,
    admin: { date: { pickerAppearance: 'dayOnly', displayFormat: 'yyyy-MM-dd' } },
    hooks: {
      beforeValidate: [({ value }) => {
        const day = toStayDate(value)
        return day ? `${day}${STAY_DATE_TIME}` : value
      }],
    },
    validate: (value: unknown) => (toStayDate(value) ? true : `${label} must be a date as YYYY-MM-DD.`),
    ...extra,
  } as DateField
}
