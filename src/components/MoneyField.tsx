'use client'

import { FieldLabel, fieldBaseClass, useField, useFormFields } from '@payloadcms/ui'
import type { NumberFieldClientProps } from 'payload'

import { describeMoney } from '@/domain/money'

/**
 * A server-owned amount in an edit view, as people write money ("€120.00"), read-only: a refund, a
 * payment, a dispute. The value stays the stored integer in minor units; `currencyPath` names the form
 * field that holds its currency (`currency` on payments, `quote.currency` on bookings). The field's
 * admin description speaks of those integers to API readers (openapi.json), so it is not repeated here.
 */
export function MoneyField({ field, path: pathFromProps, currencyPath = 'currency' }: NumberFieldClientProps & { currencyPath?: string }) {
  const { path, value } = useField<number | null>({ potentiallyStalePath: pathFromProps })
  const currency = useFormFields(([fields]) => fields[currencyPath]?.value)
  const text =
    typeof value !== 'number' ? '' : typeof currency === 'string' && currency ? describeMoney(value, currency) : `${value} (minor units)`
  // An <output> is labelable: the label names the amount for screen readers (and getByLabel).
  const id = `field-${path.replace(/\./g, '__')}`
  return (
    // In a row it takes its share of the width, as Payload's own fields without `admin.width` do.
    <div className={`${fieldBaseClass} money-field read-only`} style={{ flex: '1 1 auto' }}>
      <FieldLabel htmlFor={id} label={field.label} path={path} />
      <output className="money-field__value" id={id}>
        {text}
      </output>
    </div>
  )
}
