import type { SanitizedCollectionConfig, SanitizedConfig } from 'payload'
import { z } from 'zod'

import { ERROR_STATUS, type ErrorCode } from '@/lib/errors'
import { type JsonSchema, allows, collectionSchemas, schemaName } from './collectionSchemas'
import type { Operation } from './operations'

/**
 * The OpenAPI 3.1 document of the API, built from what the server runs: the sanitized Payload config
 * (the collections' generated REST routes, their fields and access rules) and the registry of custom
 * operations (src/contract/operations.ts, whose zod schemas also validate the input). Served at
 * `GET /api/openapi.json`, committed as openapi.json (`npm run generate:openapi`), checked in CI.
 * The document is a pure function of the config: no host names, environment values or timestamps.
 */

export type OpenApiDocument = {
  openapi: '3.1.0'
  info: { title: string; version: string; description: string }
  servers: { url: string }[]
  tags: { name: string; description?: string }[]
  paths: Record<string, Record<string, unknown>>
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> }
  security?: Record<string, string[]>[]
}

export const CONTRACT_VERSION = '0.1.0'

/** Codes any operation may answer: a body that cannot be read or is too large, and a server fault. */
export const GENERIC_ERRORS: ErrorCode[] = ['MALFORMED_REQUEST', 'PAYLOAD_TOO_LARGE', 'INTERNAL_ERROR']

/** Payload's internal collections are not part of the public API. */
const isPublicCollection = (c: SanitizedCollectionConfig) => !c.slug.startsWith('payload-')

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

const SIGNED_IN = [{ JWT: [] }, { Bearer: [] }, { Cookie: [] }, { ApiKey: [] }]
const OPTIONAL_SIGN_IN = [{}, ...SIGNED_IN]
const securityFor = (anonymous: boolean) => (anonymous ? OPTIONAL_SIGN_IN : SIGNED_IN)

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Signed out: sign in first',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Unprocessable',
  429: 'Too many requests (see Retry-After)',
  500: 'Server error',
  502: 'Payment provider unavailable',
  503: 'Service unavailable',
}

/** One error answer per status, each naming exactly the codes this operation can answer with. */
export function errorResponses(codes: ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set([...codes, ...GENERIC_ERRORS])) {
    const status = ERROR_STATUS[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const responses: Record<string, unknown> = {}
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `${STATUS_TEXT[status] ?? 'Error'}: ${list.join(', ')}`,
      ...(status === 429 ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } } : {}),
      content: {
        'application/json': {
          schema: {
            allOf: [ref('ErrorResponse')],
            properties: { errors: { items: { properties: { code: { enum: list } } } } },
          },
        },
      },
    }
  }
  return responses
}

const jsonBody = (schema: JsonSchema, description = 'Success') => ({
  description,
  content: { 'application/json': { schema } },
})

const requestBody = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } })

const MESSAGE = { type: 'object', required: ['message'], properties: { message: { type: 'string' } } }
const docAnswer = (name: string) => ({
  type: 'object',
  required: ['doc', 'message'],
  properties: { doc: ref(name), message: { type: 'string' } },
})

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const depthParam = {
  name: 'depth',
  in: 'query',
  description: 'How deep relationships are populated: 0 gives ids, 1 their documents, … (default 2).',
  schema: { type: 'integer', minimum: 0, maximum: 10 },
}
const selectParam = {
  name: 'select',
  in: 'query',
  style: 'deepObject',
  explode: true,
  description: 'Fields to return, e.g. `select[title]=true&select[pricing][nightlyRate]=true`; the others are left out.',
  schema: { type: 'object', additionalProperties: true },
}
const draftParam = {
  name: 'draft',
  in: 'query',
  description: 'Read or save the latest draft instead of the published version (callers who may edit it).',
  schema: { type: 'boolean' },
}
const findParams = (drafts: boolean) => [
  {
    name: 'where',
    in: 'query',
    style: 'deepObject',
    explode: true,
    description:
      'Filter, e.g. `where[status][equals]=confirmed`, `where[or][0][checkIn][greater_than_equal]=2027-04-01`. ' +
      'Operators: equals, not_equals, in, not_in, greater_than(_equal), less_than(_equal), like, contains, exists, near. ' +
      'Fields the caller may not read cannot be filtered on (400).',
    schema: { type: 'object', additionalProperties: true },
  },
  selectParam,
  {
    name: 'sort',
    in: 'query',
    description: 'Field names, comma separated; `-` before a name sorts descending.',
    schema: { type: 'string' },
  },
  {
    name: 'limit',
    in: 'query',
    description: 'Documents per page, at most 100 (default 10).',
    schema: { type: 'integer', minimum: 1, maximum: 100 },
  },
  { name: 'page', in: 'query', description: 'Page number, from 1.', schema: { type: 'integer', minimum: 1 } },
  depthParam,
  { name: 'pagination', in: 'query', description: 'Staff only: `false` returns every match on one page.', schema: { type: 'boolean' } },
  ...(drafts ? [draftParam] : []),
]

const paginated = (name: string) => ({
  type: 'object',
  required: ['docs', 'totalDocs', 'limit', 'totalPages', 'page', 'pagingCounter', 'hasPrevPage', 'hasNextPage', 'prevPage', 'nextPage'],
  properties: {
    docs: { type: 'array', items: ref(name) },
    totalDocs: { type: 'integer' },
    limit: { type: 'integer' },
    totalPages: { type: 'integer' },
    page: { type: 'integer' },
    pagingCounter: { type: 'integer' },
    hasPrevPage: { type: 'boolean' },
    hasNextPage: { type: 'boolean' },
    prevPage: { type: ['integer', 'null'] },
    nextPage: { type: ['integer', 'null'] },
  },
})

type Access = Record<'read' | 'create' | 'update' | 'delete', { allowed: boolean; anonymous: boolean; onlyStaff: boolean }>

async function collectionAccess(collection: SanitizedCollectionConfig): Promise<Access> {
  const judge = async (rule: unknown) => {
    const [anonymous, user, staff] = await Promise.all([allows(rule, 'anonymous'), allows(rule, 'user'), allows(rule, 'staff')])
    return { allowed: anonymous || user || staff, anonymous, onlyStaff: staff && !user && !anonymous }
  }
  const a = collection.access as unknown as Record<string, unknown>
  return { read: await judge(a.read), create: await judge(a.create), update: await judge(a.update), delete: await judge(a.delete) }
}

const whoMay = (access: { anonymous: boolean; onlyStaff: boolean }) =>
  access.anonymous
    ? 'Anyone (access rules filter what each caller sees).'
    : access.onlyStaff
      ? 'Staff only.'
      : 'Signed-in callers, as the access rules allow.'

/** The REST routes Payload generates for one collection, as far as its access rules open them. */
async function collectionPaths(collection: SanitizedCollectionConfig, doc: OpenApiDocument) {
  const { slug } = collection
  const name = schemaName(slug)
  const access = await collectionAccess(collection)
  if (!access.read.allowed) return
  const documents = new Set(doc.tags.map((t) => t.name))
  const { read, create, update } = await collectionSchemas(collection, documents)
  doc.components.schemas[name] = { ...read, title: name }
  const drafts = Boolean(collection.versions && typeof collection.versions === 'object' && collection.versions.drafts)
  const base = `/api/${slug}`
  const denied = (a: { anonymous: boolean }): ErrorCode[] => (a.anonymous ? ['FORBIDDEN'] : ['UNAUTHORIZED', 'FORBIDDEN'])
  const list: Record<string, unknown> = {
    get: {
      operationId: `find${name}s`,
      summary: `Find ${slug}`,
      description: whoMay(access.read),
      tags: [slug],
      security: securityFor(access.read.anonymous),
      parameters: findParams(drafts),
      responses: {
        '200': jsonBody(paginated(name), 'One page of documents'),
        ...errorResponses(['VALIDATION_FAILED', ...denied(access.read)]),
      },
    },
  }
  const one: Record<string, unknown> = {
    parameters: [idParam],
    get: {
      operationId: `find${name}ById`,
      summary: `Find one ${slug} document by id`,
      description: whoMay(access.read),
      tags: [slug],
      security: securityFor(access.read.anonymous),
      parameters: [depthParam, selectParam, ...(drafts ? [draftParam] : [])],
      responses: {
        '200': jsonBody(ref(name), 'The document'),
        ...errorResponses(['VALIDATION_FAILED', 'NOT_FOUND', ...denied(access.read)]),
      },
    },
  }
  const writeParams = [depthParam, ...(drafts ? [draftParam] : [])]
  if (access.create.allowed) {
    doc.components.schemas[`${name}Create`] = { ...create, title: `${name}Create` }
    const body = collection.upload ? uploadBody(`${name}Create`, true) : { required: true, ...requestBody(ref(`${name}Create`)) }
    list.post = {
      operationId: `create${name}`,
      summary: `Create a ${slug} document`,
      description: whoMay(access.create),
      tags: [slug],
      security: securityFor(access.create.anonymous),
      parameters: writeParams,
      requestBody: body,
      responses: {
        '201': jsonBody(docAnswer(name), 'Created'),
        ...errorResponses([
          'VALIDATION_FAILED',
          ...denied(access.create),
          ...(collection.upload ? (['UNSUPPORTED_MEDIA_TYPE'] as ErrorCode[]) : []),
        ]),
      },
    }
  }
  if (access.update.allowed) {
    doc.components.schemas[`${name}Update`] = { ...update, title: `${name}Update` }
    one.patch = {
      operationId: `update${name}`,
      summary: `Update a ${slug} document (only the fields sent change)`,
      description: whoMay(access.update),
      tags: [slug],
      security: securityFor(access.update.anonymous),
      parameters: writeParams,
      requestBody: collection.upload ? uploadBody(`${name}Update`, false) : { required: true, ...requestBody(ref(`${name}Update`)) },
      responses: {
        '200': jsonBody(docAnswer(name), 'Updated'),
        ...errorResponses(['VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', ...denied(access.update)]),
      },
    }
  }
  if (access.delete.allowed) {
    one.delete = {
      operationId: `delete${name}`,
      summary: `Delete a ${slug} document`,
      description: whoMay(access.delete),
      tags: [slug],
      security: securityFor(access.delete.anonymous),
      responses: { '200': jsonBody(docAnswer(name), 'Deleted'), ...errorResponses(['NOT_FOUND', 'CONFLICT', ...denied(access.delete)]) },
    }
  }
  doc.paths[base] = list
  doc.paths[`${base}/{id}`] = one
  if (collection.upload) {
    doc.paths[`${base}/file/{filename}`] = {
      get: {
        operationId: `get${name}File`,
        summary: 'The stored file (original or one of its sizes)',
        tags: [slug],
        security: [{}],
        parameters: [{ name: 'filename', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The file', content: { 'image/*': { schema: { type: 'string', contentEncoding: 'binary' } } } },
          ...errorResponses(['NOT_FOUND']),
        },
      },
    }
  }
  if (collection.auth) authPaths(collection, name, doc)
}

/** Uploads are multipart: the file, and the other fields as JSON in `_payload`. */
function uploadBody(schema: string, fileRequired: boolean) {
  const multipart = {
    type: 'object',
    required: fileRequired ? ['file', '_payload'] : [],
    properties: {
      file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'JPEG, PNG, WebP or AVIF.' },
      _payload: {
        type: 'string',
        contentMediaType: 'application/json',
        contentSchema: ref(schema),
        description: `The fields as JSON (${schema}).`,
      },
    },
  }
  return {
    required: true,
    content: {
      'multipart/form-data': { schema: multipart, encoding: { file: { contentType: 'image/jpeg, image/png, image/webp, image/avif' } } },
      ...(fileRequired ? {} : { 'application/json': { schema: ref(schema) } }),
    },
  }
}

/** Payload's auth routes of an auth collection (users), and registration as Staybase answers it. */
function authPaths(collection: SanitizedCollectionConfig, name: string, doc: OpenApiDocument) {
  const base = `/api/${collection.slug}`
  const tags = [collection.slug]
  const email = { type: 'string', format: 'email' }
  const password = { type: 'string', minLength: 1 }
  const session = (extra: Record<string, JsonSchema>, requiredKeys: string[]) => ({
    type: 'object',
    required: requiredKeys,
    properties: {
      message: { type: 'string' },
      user: ref(name),
      token: { type: 'string' },
      exp: { type: 'integer', description: 'Token expiry, seconds since the epoch' },
      ...extra,
    },
  })
  const op = (id: string, summary: string, security: unknown[], rest: Record<string, unknown>) => ({
    post: { operationId: id, summary, tags, security, ...rest },
  })
  doc.paths[`${base}/login`] = op('login', 'Sign in: sets the HttpOnly cookie and returns the token', [{}], {
    requestBody: { required: true, ...requestBody({ type: 'object', required: ['email', 'password'], properties: { email, password } }) },
    responses: {
      '200': jsonBody(session({}, ['message', 'user', 'token', 'exp']), 'Signed in'),
      ...errorResponses(['VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'EMAIL_NOT_VERIFIED', 'RATE_LIMITED']),
    },
  })
  doc.paths[`${base}/logout`] = op('logout', 'Sign out: ends the session and clears the cookie', SIGNED_IN, {
    responses: { '200': jsonBody(MESSAGE, 'Signed out'), ...errorResponses(['UNAUTHORIZED']) },
  })
  doc.paths[`${base}/me`] = {
    get: {
      operationId: 'me',
      summary: 'The signed-in user (user is null when signed out)',
      tags,
      security: OPTIONAL_SIGN_IN,
      responses: {
        '200': jsonBody({
          type: 'object',
          required: ['user'],
          properties: {
            user: { anyOf: [ref(name), { type: 'null' }] },
            token: { type: 'string' },
            exp: { type: 'integer' },
            collection: { type: 'string' },
            strategy: { type: 'string' },
            message: { type: 'string' },
          },
        }),
        ...errorResponses([]),
      },
    },
  }
  doc.paths[`${base}/refresh-token`] = op('refreshToken', 'A new token (and cookie) for the current session', SIGNED_IN, {
    responses: {
      '200': jsonBody(session({ refreshedToken: { type: 'string' } }, ['message', 'refreshedToken', 'exp', 'user']), 'Refreshed'),
      ...errorResponses(['UNAUTHORIZED', 'FORBIDDEN']),
    },
  })
  doc.paths[`${base}/forgot-password`] = op(
    'forgotPassword',
    'Mail a reset link if the address has an account; the answer is the same either way',
    [{}],
    {
      requestBody: { required: true, ...requestBody({ type: 'object', required: ['email'], properties: { email } }) },
      responses: { '200': jsonBody(MESSAGE), ...errorResponses(['VALIDATION_FAILED', 'RATE_LIMITED']) },
    },
  )
  doc.paths[`${base}/reset-password`] = op('resetPassword', 'Set a new password with the token from the reset mail', [{}], {
    requestBody: {
      required: true,
      ...requestBody({
        type: 'object',
        required: ['token', 'password'],
        properties: { token: { type: 'string' }, password: { type: 'string', minLength: 10, maxLength: 256 } },
      }),
    },
    responses: {
      '200': jsonBody({
        type: 'object',
        required: ['message'],
        properties: { message: { type: 'string' }, token: { type: 'string' }, user: ref(name) },
      }),
      ...errorResponses(['VALIDATION_FAILED', 'FORBIDDEN']),
    },
  })
  doc.paths[`${base}/verify/{token}`] = op('verifyEmail', 'Confirm an address with the token from the verification mail', [{}], {
    parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { '200': jsonBody(MESSAGE), ...errorResponses(['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND']) },
  })
  // Registration answers alike for new and known addresses (src/endpoints/accountRequests.ts).
  const create = doc.paths[base]?.post as Record<string, unknown> | undefined
  if (create) {
    create.summary = 'Register (anyone), or create an account (staff)'
    create.description =
      'Anyone may register with `roles` of `["guest"]` (default) or `["host"]`; the answer is the same `{message}` whether the ' +
      'address is new or known, and a verification mail follows. Staff get the created document.'
    create.responses = {
      '201': jsonBody({ anyOf: [MESSAGE, docAnswer(name)] }, 'Registered (message only), or created by staff (document)'),
      ...errorResponses(['VALIDATION_FAILED', 'FORBIDDEN', 'RATE_LIMITED']),
    }
  }
}

/** z.toJSONSchema output made to fit in the document: no `$schema`, and `$defs` moved to components. */
function zodSchema(schema: z.ZodType, io: 'input' | 'output', prefix: string, doc: OpenApiDocument): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as JsonSchema
  delete json.$schema
  const defs = json.$defs as Record<string, JsonSchema> | undefined
  delete json.$defs
  if (!defs) return json
  const rename = (key: string) => `${prefix}${key.replace(/[^A-Za-z0-9._-]/g, '_')}`
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (!node || typeof node !== 'object') return node
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? `#/components/schemas/${rename(v.slice(8))}` : rewrite(v),
      ]),
    )
  }
  for (const [key, def] of Object.entries(defs)) doc.components.schemas[rename(key)] = rewrite(def) as JsonSchema
  return rewrite(json) as JsonSchema
}

function parametersOf(schema: z.ZodObject | undefined, location: 'path' | 'query', prefix: string, doc: OpenApiDocument) {
  if (!schema) return []
  const json = zodSchema(schema, 'input', prefix, doc)
  const required = new Set((json.required as string[]) ?? [])
  return Object.entries((json.properties as Record<string, JsonSchema>) ?? {}).map(([name, s]) => {
    const { description, ...rest } = s
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    }
  })
}

/**
 * The listing's iCal feed (src/endpoints/calendarExport.ts): REST only, and its answer is text/calendar,
 * which the registry (JSON answers, mirrored in GraphQL) does not describe.
 */
function calendarFeedPath(doc: OpenApiDocument) {
  doc.paths['/api/properties/{id}/calendar.ics'] = {
    get: {
      operationId: 'listingCalendarFeed',
      summary: 'The listing’s booked and blocked nights as an iCal (RFC 5545) feed',
      description:
        'For other booking sites to import. One all-day event per active booking ("Booked") and block ("Blocked") from 90 days ago on, with stable UIDs `staybase-booking-<id>-<createdAt ms>@<host>` / `staybase-block-…`; no guest data. The token (`calendarToken`, read by the listing’s host and staff; renewed by POST /api/properties/{id}/calendar-token) is the only credential. An unknown listing and a wrong, old or missing token all answer the same 404.',
      tags: ['properties'],
      security: [{}],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'The listing id.' },
        { name: 'token', in: 'query', required: true, schema: { type: 'string' }, description: 'The listing’s calendarToken.' },
      ],
      responses: {
        '200': {
          description: 'The calendar',
          headers: { 'Cache-Control': { schema: { type: 'string' }, description: '`private, max-age=300`' } },
          content: { 'text/calendar': { schema: { type: 'string' } } },
        },
        ...errorResponses(['NOT_FOUND']),
      },
    },
  }
}

/** One custom operation from the registry, with its schemas as zod says them. */
export function operationPath(operation: Operation, doc: OpenApiDocument) {
  const prefix = `${operation.operationId.charAt(0).toUpperCase()}${operation.operationId.slice(1)}`
  const parameters = [
    ...parametersOf(operation.params, 'path', prefix, doc),
    ...parametersOf(operation.query, 'query', prefix, doc),
    ...(operation.headers ?? []).map((h) => ({
      name: h.name,
      in: 'header',
      required: h.required,
      description: h.description,
      schema: { type: 'string' },
    })),
  ]
  const security = operation.auth === 'none' ? [{}] : operation.auth === 'optional' ? OPTIONAL_SIGN_IN : SIGNED_IN
  const authErrors: ErrorCode[] = operation.auth === 'user' || operation.auth === 'staff' ? ['UNAUTHORIZED'] : []
  if (operation.auth === 'staff') authErrors.push('FORBIDDEN')
  const entry: Record<string, unknown> = {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: operation.tags,
    security,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? { requestBody: { required: true, ...requestBody(zodSchema(operation.body, 'input', `${prefix}Body`, doc)) } }
      : {}),
    responses: {
      [String(operation.status)]: jsonBody(zodSchema(operation.response, 'output', `${prefix}Response`, doc), 'Success'),
      ...errorResponses([...authErrors, ...operation.errors]),
    },
    'x-graphql': operation.operationId,
  }
  const item = doc.paths[operation.path] ?? {}
  item[operation.method] = entry
  doc.paths[operation.path] = item
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Every error answer of the API has this shape; `code` is stable and the one to switch on.',
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['message', 'code'],
        properties: {
          message: { type: 'string', description: 'For people; may change.' },
          code: ref('ErrorCode'),
          field: { type: 'string', description: 'The input field at fault, as a dotted path (e.g. `pricing.nightlyRate`).' },
          data: { description: 'More detail, by code (e.g. `retryAfterSeconds` for RATE_LIMITED).' },
        },
      },
    },
  },
}

export async function buildOpenApiDocument(config: SanitizedConfig, operations: readonly Operation[]): Promise<OpenApiDocument> {
  const collections = config.collections.filter(isPublicCollection)
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Staybase API',
      version: CONTRACT_VERSION,
      description:
        'REST API of Staybase: the collections Payload serves and the custom operations. Money is an integer in the ' +
        "currency's minor unit; stay dates are YYYY-MM-DD; timestamps are UTC. Every error answers " +
        '`{"errors":[{"message","code","field"?,"data"?}]}`. Sign in with `POST /api/users/login`; send the token as ' +
        '`Authorization: JWT <token>` (or `Bearer <token>`), or let the browser send the `payload-token` cookie.',
    },
    servers: [{ url: '/' }],
    tags: collections.map((c) => ({ name: c.slug })),
    paths: {},
    components: {
      schemas: {
        ErrorCode: {
          type: 'string',
          enum: Object.keys(ERROR_STATUS),
          description:
            'HTTP status by code: ' +
            Object.entries(ERROR_STATUS)
              .map(([c, s]) => `${c} ${s}`)
              .join(', '),
        },
        ErrorResponse: ERROR_SCHEMA,
      },
      securitySchemes: {
        JWT: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`JWT <token>` from login or refresh-token.' },
        Bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        Cookie: { type: 'apiKey', in: 'cookie', name: 'payload-token', description: 'Set by login (HttpOnly).' },
        ApiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`users API-Key <key>`: staff integrations only.' },
      },
    },
  }
  for (const collection of collections) await collectionPaths(collection, doc)
  // A custom operation on a generated route (e.g. POST /api/bookings with Idempotency-Key) replaces it.
  for (const operation of operations) operationPath(operation, doc)
  calendarFeedPath(doc)
  const tags = new Set(doc.tags.map((t) => t.name))
  for (const operation of operations) {
    for (const tag of operation.tags) {
      if (tags.has(tag)) continue
      tags.add(tag)
      doc.tags.push({ name: tag })
    }
  }
  return doc
}
