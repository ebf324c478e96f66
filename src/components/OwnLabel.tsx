'use client'

import { FieldLabel } from '@payloadcms/ui'
import type { FieldLabelClientProps } from 'payload'

/**
 * A field of a group under its own label. Payload heads a list column of a group's sub-field with the
 * group's label in front ("Address > City", "Pricing > Nightly rate"); a field's custom Label is the
 * one thing it shows there instead. In the edit form this renders what Payload's own fields render
 * (the same FieldLabel, with the required mark); in a column heading (no path) it is unstyled, as
 * Payload's headings are. The column picker keeps the prefixed name, where it helps to choose.
 */
export function OwnLabel({ field, path }: FieldLabelClientProps) {
  const label = field && 'label' in field ? field.label : undefined
  if (!path) return <FieldLabel hideLocale label={label} unstyled />
  const required = field && 'required' in field ? Boolean(field.required) : false
  const localized = field && 'localized' in field ? Boolean(field.localized) : false
  return <FieldLabel label={label} localized={localized} path={path} required={required} />
}
