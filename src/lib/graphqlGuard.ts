import { type DocumentNode, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode, parse } from 'graphql'

import { ERROR_STATUS, type ErrorCode, NOT_JSON } from './errors'

/**
 * What one GraphQL request may cost before anything is parsed, validated or executed. Payload's own
 * complexity rule runs only after the whole document is parsed and walks fragments recursively (a
 * fragment that spreads itself overflows the stack there, before graphql's cycle rule reports it),
 * so these are checked first, cheaply, on the raw request.
 */
export const GRAPHQL_LIMITS = {
  /** The whole JSON body (query + variables), like the REST JSON limit. */
  maxBodyBytes: 1_000_000,
  /** The query text alone. Payload's admin panel does not use GraphQL; frontends send small queries. */
  maxQueryBytes: 20_000,
  /** graphql's parser stops at this many tokens, so a huge document costs no more than this. */
  maxTokens: 3_000,
  /** Aliased fields in the document (a 100,000-alias query stalled the event loop). */
  maxAliases: 50,
  /** Nested selections, fragments expanded (the standard introspection query needs 13). */
  maxDepth: 15,
  /** Fields once every fragment spread is expanded (fragments spreading fragments multiply). */
  maxExpandedFields: 2_000,
} as const

/**
 * `document`: the query itself was refused (cannot be parsed, or costs too much) — a GraphQL request
 * error, answered like graphql-http answers parse and validation errors (see graphqlStatus).
 */
export type GraphQLGuardFailure = { status: number; code: ErrorCode; message: string; document?: boolean }

export type GraphQLMediaType = 'application/graphql-response+json' | 'application/json'

/**
 * The answer's media type for an Accept header, chosen as graphql-http chooses it (first acceptable entry
 * wins; no Accept means JSON); null when neither is acceptable (406).
 */
export function acceptedMediaType(accept: string | null): GraphQLMediaType | null {
  for (const entry of (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',')) {
    const [mediaType, ...params] = entry.split(';')
    const charset = params.find((p) => p.includes('charset=')) ?? 'charset=utf-8'
    if (mediaType === 'application/graphql-response+json' && charset === 'charset=utf-8') return mediaType
    if (
      (mediaType === 'application/json' || mediaType === 'application/*' || mediaType === '*/*') &&
      (charset === 'charset=utf-8' || charset === 'charset=utf8')
    ) {
      return 'application/json'
    }
  }
  return null
}

/**
 * GraphQL over HTTP: a document that cannot be parsed or validated is answered 400 to a client that
 * accepts application/graphql-response+json, and 200 to one that accepts only application/json (the
 * errors say what went wrong; `extensions.statusCode` still says 400).
 */
export const graphqlStatus = (failure: GraphQLGuardFailure, mediaType: GraphQLMediaType): number =>
  failure.document ? (mediaType === 'application/json' ? 200 : 400) : failure.status

/** The GraphQL-shaped error body every refusal answers with (the shape Payload's own errors have). */
export function graphqlErrorResponse(
  failure: GraphQLGuardFailure,
  mediaType: GraphQLMediaType = 'application/json',
  headers: HeadersInit = {},
): Response {
  const body = { errors: [{ message: failure.message, extensions: { code: failure.code, statusCode: failure.status } }] }
  return new Response(JSON.stringify(body), {
    status: graphqlStatus(failure, mediaType),
    // The body was not (fully) read: the connection cannot carry another request.
    headers: { 'content-type': `${mediaType}; charset=utf-8`, ...(failure.status === 413 ? { connection: 'close' } : {}), ...headers },
  })
}

const fail = (code: ErrorCode, message: string): GraphQLGuardFailure => ({ status: ERROR_STATUS[code], code, message })
const refuseDocument = (code: ErrorCode, message: string): GraphQLGuardFailure => ({ ...fail(code, message), document: true })

/**
 * After a body is refused as too large, this much of it is still read and thrown away (for at most this
 * long) before the answer goes out: closing a socket with unread data resets it, and a client still
 * sending would then see ECONNRESET instead of the 413. Bodies declared larger are answered at once.
 */
export const DRAIN_LIMITS = { maxBytes: 8_000_000, maxMs: 5_000 }

/** Reads and discards the rest of a refused body, up to DRAIN_LIMITS; then stops reading. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), DRAIN_LIMITS.maxMs)
  })
  try {
    for (let read = alreadyRead; read <= DRAIN_LIMITS.maxBytes; ) {
      const next = await Promise.race([reader.read(), timeout])
      if (next === 'timeout' || next.done) break
      read += next.value.byteLength
    }
  } catch {
    // The client went away: nothing left to drain.
  } finally {
    clearTimeout(timer)
    await reader.cancel().catch(() => {})
  }
}

/** Reads at most `limit` bytes of the body; undefined when it is longer (the rest is drained, see drain). */
async function readCapped(request: Request, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length'))
  if (!request.body) return ''
  const reader = request.body.getReader()
  if (Number.isFinite(declared) && declared > limit) {
    if (declared <= DRAIN_LIMITS.maxBytes) await drain(reader, 0)
    else await reader.cancel().catch(() => {})
    return undefined
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await drain(reader, size)
      return undefined
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Checks one GraphQL request's shape and cost before Payload sees it. Answers either a refusal, or a
 * fresh Request carrying the (already read) body for Payload's handler.
 */
export async function guardGraphQLRequest(request: Request): Promise<{ refused: GraphQLGuardFailure } | { request: Request }> {
  const [mediaType, ...params] = (request.headers.get('content-type') ?? '').toLowerCase().replace(/\s/g, '').split(';')
  const charset = params.find((p) => p.startsWith('charset='))
  if (mediaType !== 'application/json' || (charset && charset !== 'charset=utf-8')) {
    return { refused: fail('UNSUPPORTED_MEDIA_TYPE', 'GraphQL requests are POSTed as application/json (UTF-8).') }
  }
  const text = await readCapped(request, GRAPHQL_LIMITS.maxBodyBytes)
  if (text === undefined) {
    return { refused: fail('PAYLOAD_TOO_LARGE', `A GraphQL request may be at most ${GRAPHQL_LIMITS.maxBodyBytes} bytes.`) }
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { refused: fail('MALFORMED_REQUEST', NOT_JSON) }
  }
  const refused = checkParams(body)
  if (refused) return { refused }
  const headers = new Headers(request.headers)
  headers.delete('content-length')
  return { request: new Request(request.url, { method: request.method, headers, body: text }) }
}

/** The JSON body's fields, then the document's cost. Exported for unit tests. */
export function checkParams(body: unknown): GraphQLGuardFailure | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('MALFORMED_REQUEST', 'The request body must be a JSON object with a "query".')
  }
  const { query, variables, operationName } = body as Record<string, unknown>
  if (typeof query !== 'string' || query.trim() === '') return fail('MALFORMED_REQUEST', '"query" must be a GraphQL document (a string).')
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return fail('MALFORMED_REQUEST', '"variables" must be an object.')
  }
  if (operationName != null && typeof operationName !== 'string') return fail('MALFORMED_REQUEST', '"operationName" must be a string.')
  return checkDocument(query)
}

/** Parses with a token limit and measures aliases, depth and expanded size; refuses fragment cycles. */
export function checkDocument(query: string): GraphQLGuardFailure | undefined {
  if (Buffer.byteLength(query, 'utf8') > GRAPHQL_LIMITS.maxQueryBytes) {
    return fail('PAYLOAD_TOO_LARGE', `A GraphQL query may be at most ${GRAPHQL_LIMITS.maxQueryBytes} bytes.`)
  }
  let document: DocumentNode
  try {
    document = parse(query, { maxTokens: GRAPHQL_LIMITS.maxTokens, noLocation: true })
  } catch (error) {
    const message = error instanceof GraphQLError ? error.message : 'The query could not be parsed.'
    if (/more th\w* \d+ tokens/i.test(message))
      return refuseDocument('VALIDATION_FAILED', `A GraphQL query may have at most ${GRAPHQL_LIMITS.maxTokens} tokens.`)
    return refuseDocument('MALFORMED_REQUEST', message)
  }
  return measure(document)
}

type Cost = { depth: number; fields: number }

function measure(document: DocumentNode): GraphQLGuardFailure | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>()
  let aliases = 0
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
  }
  const done = new Map<string, Cost>()
  const visiting = new Set<string>()

  class Refusal {
    constructor(readonly failure: GraphQLGuardFailure) {}
  }

  const costOf = (set: SelectionSetNode | undefined): Cost => {
    if (!set) return { depth: 0, fields: 0 }
    let depth = 0
    let fields = 0
    for (const selection of set.selections) {
      let cost: Cost
      if (selection.kind === Kind.FIELD) {
        const inner = costOf(selection.selectionSet)
        cost = { depth: inner.depth + 1, fields: inner.fields + 1 }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost = costOf(selection.selectionSet)
      } else {
        cost = costOfFragment(selection.name.value)
      }
      depth = Math.max(depth, cost.depth)
      fields += cost.fields
      if (depth > GRAPHQL_LIMITS.maxDepth)
        throw new Refusal(refuseDocument('VALIDATION_FAILED', `Selections may be nested at most ${GRAPHQL_LIMITS.maxDepth} levels deep.`))
      if (fields > GRAPHQL_LIMITS.maxExpandedFields) {
        throw new Refusal(
          refuseDocument(
            'VALIDATION_FAILED',
            `A query may select at most ${GRAPHQL_LIMITS.maxExpandedFields} fields once its fragments are expanded.`,
          ),
        )
      }
    }
    return { depth, fields }
  }

  const costOfFragment = (name: string): Cost => {
    const known = done.get(name)
    if (known) return known
    const fragment = fragments.get(name)
    // graphql's own validation names the unknown fragment.
    if (!fragment) return { depth: 0, fields: 0 }
    if (visiting.has(name))
      throw new Refusal(refuseDocument('VALIDATION_FAILED', `Fragment "${name}" spreads itself (directly or through other fragments).`))
    visiting.add(name)
    const cost = costOf(fragment.selectionSet)
    visiting.delete(name)
    done.set(name, cost)
    return cost
  }

  const countAliases = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.alias) aliases++
      if (selection.kind !== Kind.FRAGMENT_SPREAD) countAliases(selection.selectionSet)
    }
  }

  try {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) {
        countAliases(definition.selectionSet)
        if (aliases > GRAPHQL_LIMITS.maxAliases)
          return refuseDocument('VALIDATION_FAILED', `A query may use at most ${GRAPHQL_LIMITS.maxAliases} aliases.`)
        if (definition.kind === Kind.OPERATION_DEFINITION) costOf(definition.selectionSet)
        else costOfFragment(definition.name.value)
      }
    }
  } catch (error) {
    if (error instanceof Refusal) return error.failure
    throw error
  }
  return undefined
}
