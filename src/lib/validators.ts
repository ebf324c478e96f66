/**
 * Field validators for Payload (`validate: …`): each returns true or a message a person understands.
 * A custom validate replaces Payload's own, so each also checks `required`.
 */
type Validate = ((value: unknown, options: { siblingData?: Record<string, unknown> }) => true | string) & {
  /** What the rule accepts, as JSON Schema, for the OpenAPI document (src/contract/collectionSchemas.ts). */
  jsonSchema?: Record<string, unknown>
}

type NumberRule = { label: string; required?: boolean; min?: number; max?: number; step?: number; integer?: boolean }

export function numberRule({ label, required = false, min, max, step, integer = false }: NumberRule): Validate {
  const jsonSchema = {
    type: integer ? 'integer' : 'number',
    ...(min !== undefined && { minimum: min }),
    ...(max !== undefined && { maximum: max }),
  }
  const rule: Validate = (value) => {
    if (value === null || value === undefined || value === '') return required ? `${label} is required.` : true
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${label} must be a number.`
    if (integer && !Number.isInteger(value)) return `${label} must be a whole number.`
    if (min !== undefined && value < min) return `${label} must be at least ${min}.`
    if (max !== undefined && value > max) return `${label} must be at most ${max}.`
    if (step !== undefined && Math.abs(value / step - Math.round(value / step)) > 1e-9) {
      return `${label} must be a multiple of ${step}.`
    }
    return true
  }
  return Object.assign(rule, { jsonSchema })
}

/** Money in minor units: integers only, so 19.99 cannot sneak in where 1999 is meant. */
export const moneyRule = (label: string, options: { required?: boolean; min?: number } = {}) =>
  numberRule({ label, integer: true, max: 100_000_000, min: options.min ?? 0, required: options.required })

export function textRule(label: string, test: (v: string) => boolean, message: string, required = false): Validate {
  return (value) => {
    if (value === null || value === undefined || value === '') return required ? `${label} is required.` : true
    if (typeof value !== 'string' || !test(value)) return `${label} ${message}`
    return true
  }
}
