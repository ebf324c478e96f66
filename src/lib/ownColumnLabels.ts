import type { Field } from 'payload'

const OWN_LABEL = '/components/OwnLabel#OwnLabel'
const LABELLED = new Set<Field['type']>(['text', 'number', 'select', 'date', 'email'])

/**
 * A group's sub-fields (through its rows) headed by their own labels in list columns: "City", not
 * Payload's "Address > City" (src/components/OwnLabel.tsx). For groups whose name only files the
 * fields away (address, pricing); where the group's name is what tells two columns apart (a payment's
 * `dispute.amount` beside its `amount`), keep Payload's prefix. A field's own Label component wins.
 */
export function ownColumnLabels(fields: Field[]): Field[] {
  return fields.map((field): Field => {
    if (field.type === 'row' || field.type === 'collapsible') return { ...field, fields: ownColumnLabels(field.fields) }
    if (!LABELLED.has(field.type)) return field
    const admin = (field.admin ?? {}) as { components?: Record<string, unknown> }
    return { ...field, admin: { ...admin, components: { Label: OWN_LABEL, ...admin.components } } } as Field
  })
}
