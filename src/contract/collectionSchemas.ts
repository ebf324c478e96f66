import type { Field, PayloadRequest, SanitizedCollectionConfig } from 'payload'

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses it) of a collection's documents, read from the sanitized
 * collection config: what a client reads, and what it may send on create and on update. Field access
 * decides what a client may send: fields no API caller may write (server-owned: `never`) are left out
 * of the request schemas, fields only staff may write say so, and fields nobody may read are left out
 * of the document. Validators from src/lib/validators.ts carry their own schema (`jsonSchema`), so a
 * money field is an integer with its bounds, as the rule that checks it says; a field may also give
 * its schema outright in `custom.jsonSchema`.
 */

export type JsonSchema = Record<string, unknown>
export type Mode = 'read' | 'create' | 'update'

/** Stand-ins for the callers a rule is asked about; rules depend on roles, not on who exactly. */
const CALLERS = {
  anonymous: null,
  user: { id: -1, collection: 'users', roles: ['guest', 'host'] },
  staff: { id: -2, collection: 'users', roles: ['staff', 'admin'] },
} as const
export type Caller = keyof typeof CALLERS

type AccessFn = (args: Record<string, unknown>) => unknown

/**
 * Whether an access rule lets this caller through at all (true, or a `Where` that may match some
 * documents). A rule that needs more than roles to decide (it throws on the stand-in request) counts
 * as allowing: the document then describes the operation and the server still decides per request.
 */
export async function allows(rule: unknown, caller: Caller): Promise<boolean> {
  if (typeof rule !== 'function') return true
  const user = CALLERS[caller]
  const req = { user, headers: new Headers(), context: {}, query: {}, payload: undefined } as unknown as PayloadRequest
  try {
    const result = await (rule as AccessFn)({ req, data: {}, siblingData: {}, doc: undefined, id: undefined })
    return result !== false
  } catch {
    return true
  }
}

export const anyAllows = async (rule: unknown, callers: Caller[]) => (await Promise.all(callers.map((c) => allows(rule, c)))).some(Boolean)

/** The component name of a collection's document schema: `bookings` → `Booking`. */
export function schemaName(slug: string): string {
  const singular = slug.endsWith('ies') ? `${slug.slice(0, -3)}y` : slug.endsWith('s') ? slug.slice(0, -1) : slug
  return singular.replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase())
}

/**
 * Stay dates are calendar dates (`YYYY-MM-DD`; src/lib/stayDateField.ts marks them `custom.stayDate`);
 * every other date is a UTC timestamp.
 */
const STAY_DATE = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A calendar date, YYYY-MM-DD.' }
const TIMESTAMP = { type: 'string', format: 'date-time' }

/** Fields of an upload collection that Payload fills from the file; clients never send them. */
const UPLOAD_FIELDS = new Set(['url', 'thumbnailURL', 'filename', 'mimeType', 'filesize', 'width', 'height', 'sizes'])

export function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema.type === 'string' && !('$ref' in schema)) {
    const withNull: JsonSchema = { ...schema, type: [schema.type, 'null'] }
    if (Array.isArray(schema.enum)) withNull.enum = [...schema.enum, null]
    return withNull
  }
  return { anyOf: [schema, { type: 'null' }] }
}

type Context = {
  mode: Mode
  /** Collections that have a document schema, for `$ref`s of relationships at depth > 0. */
  documents: Set<string>
  upload: boolean
}

type DataField = Field & { name: string }

function validatorSchema(field: Field): JsonSchema | undefined {
  const validate = (field as { validate?: { jsonSchema?: JsonSchema } }).validate
  return validate?.jsonSchema
}

function relationshipSchema(field: Field & { relationTo: string | string[]; hasMany?: boolean }, ctx: Context): JsonSchema {
  const id = { type: 'integer', minimum: 1 }
  const one = (relationTo: string): JsonSchema =>
    ctx.mode === 'read' && ctx.documents.has(relationTo)
      ? {
          anyOf: [id, { $ref: `#/components/schemas/${schemaName(relationTo)}` }],
          description: `The ${relationTo} id, or the document when depth > 0.`,
        }
      : { ...id, description: `The ${relationTo} id.` }
  const item = Array.isArray(field.relationTo)
    ? {
        type: 'object',
        required: ['relationTo', 'value'],
        properties: { relationTo: { type: 'string', enum: field.relationTo }, value: { anyOf: field.relationTo.map(one) } },
      }
    : one(field.relationTo)
  return field.hasMany ? { type: 'array', items: item } : item
}

async function fieldSchema(field: DataField, ctx: Context): Promise<JsonSchema | null> {
  const custom = field.custom as { jsonSchema?: JsonSchema; stayDate?: boolean } | undefined
  if (custom?.jsonSchema) return custom.jsonSchema
  if (custom?.stayDate === true) return STAY_DATE
  const rule = validatorSchema(field)
  const f = field as Field & Record<string, unknown>
  const write = ctx.mode !== 'read'
  const many = (schema: JsonSchema) => (f.hasMany ? { type: 'array', items: schema } : schema)
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'code': {
      const schema: JsonSchema = { type: 'string' }
      if (write && typeof f.minLength === 'number') schema.minLength = f.minLength
      if (write && typeof f.maxLength === 'number') schema.maxLength = f.maxLength
      return many({ ...schema, ...(write ? rule : rule && { type: rule.type }) })
    }
    case 'email':
      return { type: 'string', format: 'email' }
    case 'number': {
      const schema: JsonSchema = { type: 'number' }
      if (write && typeof f.min === 'number') schema.minimum = f.min
      if (write && typeof f.max === 'number') schema.maximum = f.max
      // Reads keep the type only: bounds are the rule for new values, not a promise about stored ones.
      return many(rule ? (write ? { ...schema, ...rule } : { type: rule.type ?? 'number' }) : schema)
    }
    case 'checkbox':
      return { type: 'boolean' }
    case 'select':
    case 'radio': {
      const values = ((f.options as (string | { value: string })[]) ?? []).map((o) => (typeof o === 'string' ? o : o.value))
      return many({ type: 'string', enum: values })
    }
    case 'date': {
      // A day-only Payload date takes YYYY-MM-DD but answers with the instant it stores (12:00 UTC).
      const appearance = (f.admin as { date?: { pickerAppearance?: string } } | undefined)?.date?.pickerAppearance
      return appearance === 'dayOnly' && write ? STAY_DATE : TIMESTAMP
    }
    case 'relationship':
    case 'upload':
      return relationshipSchema(f as never, ctx)
    case 'richText':
      return {
        type: 'object',
        description: 'Lexical rich text (its editor state as JSON).',
        properties: { root: { type: 'object' } },
      }
    case 'json':
      return {}
    case 'point':
      return {
        type: 'array',
        prefixItems: [{ type: 'number' }, { type: 'number' }],
        minItems: 2,
        maxItems: 2,
        description: '[longitude, latitude]',
      }
    case 'group':
      return objectSchema(f.fields as Field[], ctx, false)
    case 'array': {
      const item = await objectSchema(f.fields as Field[], ctx, false)
      const props = item.properties as Record<string, JsonSchema>
      props.id = ctx.mode === 'read' ? { type: 'string' } : nullable({ type: 'string' })
      if (ctx.mode === 'read') item.required = [...((item.required as string[]) ?? []), 'id']
      const schema: JsonSchema = { type: 'array', items: item }
      if (write && typeof f.minRows === 'number') schema.minItems = f.minRows
      if (write && typeof f.maxRows === 'number') schema.maxItems = f.maxRows
      return schema
    }
    case 'blocks':
      return { type: 'array', items: { type: 'object', required: ['blockType'], properties: { blockType: { type: 'string' } } } }
    default:
      return null
  }
}

/**
 * The properties of a list of fields. Presentational fields (rows, collapsibles, unnamed tabs) add
 * their fields to the same object. In reads only `id` is promised: `select`, field read access and
 * depth decide which fields an answer carries.
 */
export async function objectSchema(fields: Field[], ctx: Context, topLevel: boolean): Promise<JsonSchema> {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  const visit = async (list: Field[]) => {
    for (const field of list) {
      if (field.type === 'row' || field.type === 'collapsible') {
        await visit(field.fields)
        continue
      }
      if (field.type === 'tabs') {
        for (const tab of field.tabs) {
          if ('name' in tab && tab.name) properties[tab.name] = await objectSchema(tab.fields, ctx, false)
          else await visit(tab.fields)
        }
        continue
      }
      if (!('name' in field) || field.type === 'ui' || field.type === 'join') continue
      if ((field as { hidden?: boolean }).hidden) continue
      const access = (field as { access?: Record<string, unknown> }).access ?? {}
      let staffOnly = false
      if (ctx.mode === 'read') {
        if (!(await anyAllows(access.read, ['anonymous', 'user', 'staff']))) continue
      } else {
        if (topLevel && ctx.upload && UPLOAD_FIELDS.has(field.name)) continue
        if (field.name === 'id') continue
        // A virtual field that can be read is computed by the server (e.g. hasAPIKey); one that cannot be
        // read is input only (currentPassword, asked for when changing one's address).
        if ((field as { virtual?: unknown }).virtual && (ctx.mode === 'create' || (await anyAllows(access.read, ['user', 'staff']))))
          continue
        const rule = access[ctx.mode]
        if (!(await anyAllows(rule, ['user', 'staff']))) continue
        staffOnly = !(await allows(rule, 'user'))
      }
      const schema = await fieldSchema(field as DataField, ctx)
      if (!schema) continue
      const isRequired = (field as { required?: boolean }).required === true
      const described = describe(schema, field, staffOnly)
      const structural = field.type === 'group' || field.type === 'array'
      properties[field.name] = isRequired || structural ? described : nullable(described)
      if (ctx.mode === 'create' && isRequired && !staffOnly && (field as { defaultValue?: unknown }).defaultValue === undefined) {
        required.push(field.name)
      }
    }
  }
  await visit(fields)
  const schema: JsonSchema = { type: 'object', properties }
  if (required.length > 0) schema.required = required
  return schema
}

function describe(schema: JsonSchema, field: Field, staffOnly: boolean): JsonSchema {
  const admin = (field as { admin?: { description?: unknown } }).admin
  const parts = [
    staffOnly ? 'Staff only: ignored when anyone else sends it.' : null,
    typeof admin?.description === 'string' ? admin.description : null,
    typeof schema.description === 'string' ? schema.description : null,
  ].filter(Boolean)
  return parts.length > 0 ? { ...schema, description: parts.join(' ') } : schema
}

/** The document, create and update schemas of one collection. */
export async function collectionSchemas(collection: SanitizedCollectionConfig, documents: Set<string>) {
  const upload = Boolean(collection.upload)
  const read = await objectSchema(collection.fields, { mode: 'read', documents, upload }, true)
  const props = read.properties as Record<string, JsonSchema>
  props.id = { type: 'integer', minimum: 1 }
  read.required = ['id']
  const create = await objectSchema(collection.fields, { mode: 'create', documents, upload }, true)
  const update = await objectSchema(collection.fields, { mode: 'update', documents, upload }, true)
  if (collection.auth) {
    // Not a field: Payload takes it on create (and on update, to change it) and stores only a hash.
    const password = { type: 'string', minLength: 10, maxLength: 256, writeOnly: true }
    ;(create.properties as Record<string, JsonSchema>).password = password
    create.required = [...((create.required as string[]) ?? []), 'password']
    ;(update.properties as Record<string, JsonSchema>).password = password
  }
  return { read, create, update }
}
