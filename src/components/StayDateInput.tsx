'use client'

import { DatePicker, FieldDescription, FieldError, FieldLabel, fieldBaseClass, useField } from '@payloadcms/ui'
import type { TextFieldClientComponent } from 'payload'
import { useCallback, useMemo } from 'react'

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * The admin panel's picker for a stay date (a `YYYY-MM-DD` text field, src/lib/stayDateField.ts).
 * The picker works with the browser's local time, so it is shown noon of the day in local time, and
 * Payload's DatePicker hands back the picked day at 12:00 UTC (it sets the hours itself), whose UTC
 * date is the day: the value never passes through a time zone that could move it.
 */
export const StayDateInput: TextFieldClientComponent = ({ field, path: pathFromProps, readOnly }) => {
  const { label, required, admin } = field
  const { path, value, setValue, showError, disabled } = useField<string>({ potentiallyStalePath: pathFromProps })

  const shown = useMemo(() => {
    const match = typeof value === 'string' ? DAY.exec(value) : null
    return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12) : undefined
  }, [value])

  const onChange = useCallback(
    (picked: Date | null) => {
      if (readOnly || disabled) return
      setValue(picked instanceof Date && !Number.isNaN(picked.getTime()) ? picked.toISOString().slice(0, 10) : null)
    },
    [readOnly, disabled, setValue],
  )

  return (
    <div
      className={[fieldBaseClass, 'date-time-field', showError && 'date-time-field--has-error', (readOnly || disabled) && 'read-only']
        .filter(Boolean)
        .join(' ')}
    >
      <FieldLabel label={label} path={path} required={required} />
      <div className={`${fieldBaseClass}__wrap`} id={`field-${path.replace(/\./g, '__')}`}>
        <FieldError path={path} showError={showError} />
        <DatePicker
          pickerAppearance="dayOnly"
          displayFormat="yyyy-MM-dd"
          placeholder="YYYY-MM-DD"
          readOnly={readOnly || disabled}
          value={shown}
          onChange={onChange as (value: Date) => void}
        />
      </div>
      <FieldDescription description={admin?.description} path={path} />
    </div>
  )
}
