import fc from 'fast-check'
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  astFromValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  print,
} from 'graphql'
import pg from 'pg'

import { type ApiResponse, type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'
import { VERSIONED_COLLECTIONS } from '@/lib/requestGuard'

/**
 * "No 500 from any input", GraphQL half: a table of operations that used to answer "Something went
 * wrong." (or HTTP 500), each refused with a code and a 4xx statusCode, as anonymous, guest and host,
 * with nothing written; then a seeded property-based fuzz over Payload's own schema.
 */
let stack: Stack
let schema: GraphQLSchema
let db: pg.Client
let host: TestUser
let guest: TestUser
let staff: TestUser
let listingId: number
/** The slugs of the config's collections with versions. */
let versioned: string[] = []

beforeAll(async () => {
  // The schema comes from the config (production builds turn introspection off); the config module
  // validates the environment, which only needs to look right here.
  const loadSchema = async () => {
    Object.assign(process.env, {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
      PAYLOAD_SECRET: 'schema-only-secret-that-is-long-enough-to-pass',
      SERVER_URL: 'http://127.0.0.1:1',
    })
    const { configToSchema } = await import('@payloadcms/graphql')
    const config = await (await import('@/payload.config')).default
    versioned = config.collections.filter((c) => Boolean(c.versions)).map((c) => c.slug)
    return configToSchema(config).schema
  }
  // Not in parallel with the stack: compiling and loading the config blocks this process's event loop
  // for many seconds, which would time out the stack's own connections and requests.
  schema = await loadSchema()
  stack = await startStack()
  const cast = await signUpCast(stack)
  ;({ host, guest, staff } = cast)
  listingId = (await createListing(stack, host, {}, { publish: true })).id
  db = new pg.Client({ connectionString: stack.databaseUrl })
  await db.connect()
}, 240_000)

afterAll(async () => {
  await db?.end()
  await stack?.stop()
})

type Role = 'anonymous' | 'guest' | 'host'
const ROLES: Role[] = ['anonymous', 'guest', 'host']
const tokenOf = (role: Role | 'staff') => (role === 'anonymous' ? undefined : { guest, host, staff }[role].token)

let fingerprintSql: string | undefined
/**
 * Row counts and latest updated_at of every table (and the mail sent, when no earlier request may still
 * be mailing): what a refused request must not change.
 */
async function fingerprint(options: { mail?: boolean } = { mail: true }): Promise<string> {
  if (!fingerprintSql) {
    const { rows } = await db.query<{ table_name: string; stamped: boolean }>(
      `select t.table_name, exists (select 1 from information_schema.columns c where c.table_schema = 'public'
         and c.table_name = t.table_name and c.column_name = 'updated_at') as stamped
       from information_schema.tables t where t.table_schema = 'public' and t.table_type = 'BASE TABLE' order by 1`,
    )
    fingerprintSql = rows
      .map(
        (r) =>
          `select '${r.table_name}' as t, count(*)::text as n, ${r.stamped ? 'max(updated_at)::text' : "''"} as u from "${r.table_name}"`,
      )
      .join(' union all ')
  }
  const { rows } = await db.query(fingerprintSql)
  return `${JSON.stringify(rows)}${options.mail ? ` mail:${stack.mail.messages.length}` : ''}`
}

type GqlBody = {
  data?: Record<string, unknown> | null
  errors?: { message: string; extensions?: { code?: string; statusCode?: number } }[]
}

function expectRefused(res: ApiResponse<GqlBody>, code: string, statusCode: number, httpStatus?: number, message?: RegExp) {
  expect(res.status).toBeLessThan(500)
  if (message) expect(res.body?.errors?.[0]?.message).toMatch(message)
  if (httpStatus) expect(res.status).toBe(httpStatus)
  const error = res.body?.errors?.[0]
  expect(error?.extensions).toMatchObject({ code, statusCode })
  expect(error?.message).not.toMatch(/something went wrong/i)
  for (const e of res.body.errors ?? []) expect(e.extensions?.statusCode ?? 400).toBeLessThan(500)
}

type Refusal = {
  name: string
  query: string
  variables?: Record<string, unknown>
  code: string
  statusCode: number
  http?: number
  message?: RegExp
}

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`

const queries: Refusal[] = [
  {
    name: 'countUsers(where: {bio: null})',
    query: '{ countUsers(where: { bio: null }) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'countProperties with a null condition in a variable',
    query: 'query($w: Property_where) { countProperties(where: $w) { totalDocs } }',
    variables: { w: { title: null } },
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'a null condition inside OR',
    query: '{ Bookings(where: { OR: [{ status: null }] }) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  { name: 'like null', query: '{ Users(where: { bio: { like: null } }) { totalDocs } }', code: 'VALIDATION_FAILED', statusCode: 400 },
  {
    name: 'the all operator',
    query: '{ Users(where: { name: { all: ["x"] } }) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  { name: 'page -1', query: '{ Users(page: -1) { totalDocs } }', code: 'VALIDATION_FAILED', statusCode: 400 },
  {
    name: 'a relationship id beyond 32 bits',
    query: '{ Properties(where: { host: { equals: 99999999999 } }) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'a relationship id beyond 32 bits as a string in a list',
    query: '{ Bookings(where: { property: { in: ["99999999999"] } }) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'a relationship id that is not a number',
    query: '{ Properties(where: { host: { equals: "abc" } }) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'limit 100000, page 30000',
    query: '{ Properties(limit: 100000, page: 30000) { totalDocs } }',
    code: 'FORBIDDEN',
    statusCode: 403,
  },
  { name: 'limit 101', query: '{ Properties(limit: 101) { totalDocs } }', code: 'FORBIDDEN', statusCode: 403 },
  { name: 'limit 0 (all documents)', query: '{ Users(limit: 0) { totalDocs } }', code: 'FORBIDDEN', statusCode: 403 },
  { name: 'pagination: false', query: '{ Users(pagination: false) { totalDocs } }', code: 'FORBIDDEN', statusCode: 403 },
  {
    name: 'a NUL in a where value',
    query: 'query($v: String) { Properties(where: { title: { equals: $v } }) { totalDocs } }',
    variables: { v: 'a\u0000b' },
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  // Refused before Payload parses, with the same error shape: a document over our limits like any
  // validation error (HTTP 200 to a client that accepts application/json, which is what these send; 400
  // for application/graphql-response+json, see error-codes), a body over the size limit 413.
  {
    name: 'a fragment spreading itself',
    query: 'fragment A on Query { ...A } { ...A }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
    http: 200,
  },
  {
    name: 'two fragments spreading each other',
    query: 'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
    http: 200,
  },
  { name: '51 aliases', query: aliases(51), code: 'VALIDATION_FAILED', statusCode: 400, http: 200 },
  // 1.03 MB: over the GraphQL body limit, under the server's 1 MiB for every body (src/middleware/limitBodySize.ts).
  { name: '55,000 aliases (1.03 MB)', query: aliases(55_000), code: 'PAYLOAD_TOO_LARGE', statusCode: 413, http: 413 },
  // Under every size limit, so the alias and token caps themselves answer.
  {
    name: '990 aliases (under 20 kB and 3,000 tokens)',
    query: aliases(990),
    code: 'VALIDATION_FAILED',
    statusCode: 400,
    http: 200,
    message: /at most 50 aliases/,
  },
  {
    name: '9,000 tokens in 18 kB',
    query: `{ ${'a '.repeat(9_000)} }`,
    code: 'VALIDATION_FAILED',
    statusCode: 400,
    http: 200,
    message: /at most 3000 tokens/,
  },
  // Variables with default values are checked as execution sees them (defaults filled in).
  {
    name: 'pagination from a defaulted variable',
    query: 'query($p: Boolean = false) { Users(pagination: $p) { docs { id name } } }',
    code: 'FORBIDDEN',
    statusCode: 403,
  },
  {
    name: 'limit 0 from a defaulted variable',
    query: 'query($l: Int = 0) { Users(limit: $l) { totalDocs } }',
    code: 'FORBIDDEN',
    statusCode: 403,
  },
  {
    name: 'page -1 from a defaulted variable',
    query: 'query($n: Int = -1) { Users(page: $n) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'a null condition from a defaulted variable',
    query: 'query($w: Property_where = { title: null }) { countProperties(where: $w) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'a NUL from a defaulted variable in a where',
    query: 'query($v: String = "a\\u0000b") { Properties(where: { title: { equals: $v } }) { totalDocs } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'a defaulted variable used in a fragment',
    query: 'query($p: Boolean = false) { ...F } fragment F on Query { Users(pagination: $p) { totalDocs } }',
    code: 'FORBIDDEN',
    statusCode: 403,
  },
  {
    name: 'a defaulted variable in the second of two operations',
    query:
      'query A($p: Boolean = true) { Users(pagination: $p) { totalDocs } } query B($p: Boolean = false) { Users(pagination: $p) { totalDocs } }',
    variables: {},
    code: 'FORBIDDEN',
    statusCode: 403,
  },
  { name: '3,001 tokens', query: `{ ${'a '.repeat(3_001)} }`, code: 'VALIDATION_FAILED', statusCode: 400, http: 200 },
  {
    name: 'selections 16 deep',
    query: `{ Users { docs { ${'avatar { owner { '.repeat(7)} id ${'} } '.repeat(7)} } } }`,
    code: 'VALIDATION_FAILED',
    statusCode: 400,
    http: 200,
  },
]

const mutations: Refusal[] = [
  {
    name: 'forgotPasswordUser with a NUL',
    query: 'mutation($e: String!) { forgotPasswordUser(email: $e) }',
    variables: { e: 'a\u0000@example.test' },
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'verifyEmailUser with a NUL',
    query: 'mutation($t: String) { verifyEmailUser(token: $t) }',
    variables: { t: 'abc\u0000' },
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'resetPasswordUser with a NUL',
    query: 'mutation($t: String) { resetPasswordUser(token: $t, password: "correct horse battery staple") { token } }',
    variables: { t: '\u0000' },
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'createPayloadPreference with updatedAt "x"',
    query: 'mutation { createPayloadPreference(data: { key: "k", value: 1, updatedAt: "x" }) { id } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'createPayloadPreference for user 99999999999',
    query: 'mutation { createPayloadPreference(data: { key: "k", user: { relationTo: users, value: 99999999999 } }) { id } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'a NUL in a preference value',
    query: 'mutation($v: JSON) { createPayloadPreference(data: { key: "k", value: $v }) { id } }',
    variables: { v: { a: ['\u0000'] } },
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'createBooking with a NUL in the message',
    query: 'mutation($d: mutationBookingInput!) { createBooking(data: $d) { id } }',
    variables: { d: { property: 1, checkIn: '2027-03-01', checkOut: '2027-03-03', guests: 1, messageToHost: 'hi\u0000' } },
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'updateUser with updatedAt "x"',
    query: 'mutation { updateUser(id: 1, data: { updatedAt: "x" }) { id } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'verifyEmailUser with a NUL in a defaulted variable',
    query: 'mutation($t: String = "a\\u0000") { verifyEmailUser(token: $t) }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'createPayloadPreference with updatedAt "x" in a defaulted variable',
    query: 'mutation($d: mutationPayloadPreferenceInput = { key: "k", updatedAt: "x" }) { createPayloadPreference(data: $d) { id } }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
  },
  {
    name: 'a mutation inside a fragment cycle',
    query: 'fragment A on Mutation { ...A } mutation { ...A }',
    code: 'VALIDATION_FAILED',
    statusCode: 400,
    http: 200,
  },
]

describe.each(ROLES)('as %s', (role) => {
  it.each(queries.map((c) => [c.name, c] as const))('%s → refused with a 4xx code', async (_, c) => {
    const res = await gql(stack, c.query, c.variables ?? {}, { token: tokenOf(role) })
    expectRefused(res, c.code, c.statusCode, c.http, c.message)
  })

  it.each(mutations.map((c) => [c.name, c] as const))('%s → refused, nothing stored, no mail', async (_, c) => {
    const before = await fingerprint()
    const res = await gql(stack, c.query, c.variables ?? {}, { token: tokenOf(role) })
    expectRefused(res, c.code, c.statusCode, c.http, c.message)
    expect(await fingerprint()).toBe(before)
  })

  it('Access { canAccessAdmin } answers, true only for people who use the admin panel', async () => {
    const res = await gql(
      stack,
      '{ Access { canAccessAdmin users { read { permission } create { permission } } } }',
      {},
      { token: tokenOf(role) },
    )
    expect(res.status).toBe(200)
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data.Access.canAccessAdmin).toBe(role === 'host')
    expect(typeof res.body.data.Access.users.read.permission).toBe('boolean')
  })

  it.each([0, 1, 2_147_483_647])('docAccessUser(id: %d) answers permissions (or not found), never a 500', async (id) => {
    const res = await gql(
      stack,
      `{ docAccessUser(id: ${id}) { read { permission } update { permission } delete { permission } } }`,
      {},
      { token: tokenOf(role) },
    )
    expect(res.status).toBe(200)
    for (const e of res.body.errors ?? []) expect(e.extensions?.statusCode).toBeLessThan(500)
    if (!res.body.errors) expect(typeof res.body.data.docAccessUser.update.permission).toBe('boolean')
  })

  it('docAccessProperty answers every permission as a boolean (update only for its host)', async () => {
    const res = await gql(
      stack,
      `{ docAccessProperty(id: ${listingId}) { read { permission } update { permission } } }`,
      {},
      { token: tokenOf(role) },
    )
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data.docAccessProperty.update.permission).toBe(role === 'host')
  })

  it("references are still populated (Payload reads them unpaginated on the caller's behalf)", async () => {
    const res = await gql(
      stack,
      `{ Properties(where: { id: { equals: ${listingId} } }) { docs { id host { id name } } } }`,
      {},
      { token: tokenOf(role) },
    )
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data.Properties.docs).toEqual([{ id: listingId, host: { id: host.id, name: expect.any(String) } }])
  })

  it('pages of up to 100 still work', async () => {
    const res = await gql(stack, '{ Properties(limit: 100, page: 1) { totalDocs docs { id } } }', {}, { token: tokenOf(role) })
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data.Properties.totalDocs).toBeGreaterThanOrEqual(1)
  })
})

describe('REST versions routes', () => {
  it("the request guard's list of collections with versions is the config's (the others' /versions would be a 500)", () => {
    expect(versioned.length).toBeGreaterThan(0)
    expect([...VERSIONED_COLLECTIONS].sort()).toEqual([...versioned].sort())
  })
})

describe('outside the JSON GraphQL shape', () => {
  it.each([
    ['text/plain', '{ __typename }', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/json', '{"query":', 400, 'MALFORMED_REQUEST'],
    ['application/json', 'null', 400, 'MALFORMED_REQUEST'],
    ['application/json', '{"query":1}', 400, 'MALFORMED_REQUEST'],
  ])('%s %j → %d %s', async (type, raw, status, code) => {
    const res = await rest<GqlBody>(stack, 'POST', '/api/graphql', { raw, headers: { 'content-type': type } })
    expectRefused(res, code, status, status)
  })
})

describe('staff', () => {
  it('may read without pagination and with limit 0, but not an offset beyond Postgres integers', async () => {
    const all = await gql(
      stack,
      '{ Users(pagination: false) { totalDocs } zero: Users(limit: 0) { totalDocs } }',
      {},
      { token: tokenOf('staff') },
    )
    expect(all.body.errors).toBeUndefined()
    const defaulted = await gql(
      stack,
      'query($p: Boolean = false) { Users(pagination: $p) { totalDocs } }',
      {},
      { token: tokenOf('staff') },
    )
    expect(defaulted.body.errors).toBeUndefined()
    const far = await gql(stack, '{ Properties(limit: 100000, page: 30000) { totalDocs } }', {}, { token: tokenOf('staff') })
    expectRefused(far, 'VALIDATION_FAILED', 400)
  })
})

/*
 * 55,000 aliases in 1.03 MB: refused by the GraphQL route's own body limit (bodies over 1 MiB are refused
 * earlier, by the server for every route). The route reads the refused body to its end before answering,
 * so a client still sending gets the 413 rather than a reset connection, streamed or not.
 */
describe('a 55,000-alias query', () => {
  /** /healthz latencies (ms) while `load` runs; at least `minimum` probes. */
  async function healthzDuring(load: () => Promise<unknown>, minimum = 10): Promise<number[]> {
    const latencies: number[] = []
    let loading = true
    const probe = (async () => {
      while (loading || latencies.length < minimum) {
        const started = performance.now()
        await fetch(`${stack.url}/healthz`, { signal: AbortSignal.timeout(10_000) })
        latencies.push(performance.now() - started)
      }
    })()
    await load()
    loading = false
    await probe
    return latencies
  }
  const summary = (l: number[]) => {
    const sorted = [...l].sort((a, b) => a - b)
    return `${l.length} probes, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, worst ${sorted[sorted.length - 1]!.toFixed(0)} ms`
  }

  it('is refused quickly (with or without a content-length) and /healthz keeps answering meanwhile', async () => {
    const body = JSON.stringify({ query: aliases(55_000) })
    expect(body.length).toBeGreaterThan(1_000_000)
    expect(body.length).toBeLessThan(1024 * 1024)
    const baseline = await healthzDuring(async () => {})
    const statuses: number[] = []
    let elapsed = 0
    const during = await healthzDuring(async () => {
      const started = performance.now()
      for (let round = 0; round < 4; round++) {
        const answers = await Promise.all([
          fetch(`${stack.url}/api/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(20_000),
          }),
          // Streamed without a content-length: reading stops at the limit.
          fetch(`${stack.url}/api/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: new Blob([body]).stream(),
            duplex: 'half',
            signal: AbortSignal.timeout(20_000),
          } as RequestInit),
        ])
        for (const answer of answers) {
          statuses.push(answer.status)
          expect(((await answer.json()) as GqlBody).errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', statusCode: 413 })
        }
      }
      elapsed = performance.now() - started
    })
    expect(statuses).toEqual(Array(8).fill(413))
    console.log(
      `55,000 aliases (${(body.length / 1e6).toFixed(2)} MB), 8 requests (4 rounds of 2 in parallel) refused in ${elapsed.toFixed(0)} ms; ` +
        `/healthz before: ${summary(baseline)}; during: ${summary(during)}`,
    )
  })
})

/* ---------------- property-based fuzz over Payload's own schema ---------------- */

/** Mutations that would end the fuzzing users' own sessions or accounts (the rest may run). */
const SKIPPED = new Set(['logoutUser', 'refreshTokenUser', 'deleteUser', 'updateUser'])
const RUNS_PER_ROLE = Number(process.env.GRAPHQL_FUZZ_RUNS ?? 300)
const SEED = Number(process.env.GRAPHQL_FUZZ_SEED ?? 20270301)

const nasty = fc.constantFrom<unknown>(
  '\u0000',
  'a\u0000b',
  '',
  "' OR 1=1 --",
  'x'.repeat(300),
  99999999999,
  -1,
  0,
  1e308,
  true,
  [],
  {},
  [null],
  { a: null },
)

function valueArb(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type))
    return fc.oneof({ weight: 19, arbitrary: valueArb(type.ofType, depth) }, { weight: 1, arbitrary: fc.constant(null) })
  const plain = ((): fc.Arbitrary<unknown> => {
    if (isListType(type)) return depth > 3 ? fc.constant([]) : fc.array(valueArb(type.ofType, depth + 1), { maxLength: 3 })
    if (isEnumType(type)) return fc.constantFrom<unknown>(...type.getValues().map((v) => v.name), 'not_a_value')
    if (isInputObjectType(type)) {
      if (depth > 3) return fc.constant({})
      const fields = Object.values(type.getFields())
      return fc
        .subarray(fields, { maxLength: Math.min(4, fields.length) })
        .chain((chosen) =>
          fc
            .tuple(...chosen.map((f) => valueArb(f.type, depth + 1)))
            .map((values) => Object.fromEntries(chosen.map((f, i) => [f.name, values[i]]))),
        )
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case 'Int':
          return fc.oneof(fc.integer({ min: -2, max: 30 }), fc.constantFrom(2_147_483_647, -2_147_483_648, 100_000))
        case 'Float':
          return fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
        case 'Boolean':
          return fc.boolean()
        case 'JSON':
          return fc.oneof(
            fc.integer({ min: -2, max: 30 }),
            fc.string({ maxLength: 10 }),
            fc.constant(99999999999),
            fc.jsonValue({ maxDepth: 2 }),
          )
        default:
          return fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.constantFrom('2027-03-01', '2027-03-01T10:00:00.000Z', 'someone@example.test', 'not a date'),
          )
      }
    }
    return fc.constant(null)
  })()
  return fc.oneof({ weight: 30, arbitrary: plain }, { weight: 2, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: nasty })
}

function selection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type)
  if (!isObjectType(named)) return ''
  const fields = Object.values(named.getFields()).filter((f) => !f.args.some((a) => isNonNullType(a.type)))
  const scalars = fields.filter((f) => !isObjectType(getNamedType(f.type))).slice(0, 3)
  const objects = depth < 2 ? fields.filter((f) => isObjectType(getNamedType(f.type))).slice(0, 2) : []
  const inner = [...scalars.map((f) => f.name), ...objects.map((f) => `${f.name} ${selection(f.type, depth + 1)}`)]
  return `{ __typename ${inner.join(' ')} }`
}

type FuzzCase = { operation: 'query' | 'mutation'; field: string; text: string; variables: Record<string, unknown> }

function caseArb(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): fc.Arbitrary<FuzzCase> {
  const args: readonly GraphQLArgument[] = field.args
  const argArbs = args.map((a) => fc.option(valueArb(a.type, 0), { nil: undefined, freq: 3 }))
  return fc.tuple(fc.tuple(...argArbs), fc.boolean()).map(([values, literal]) => {
    const variables: Record<string, unknown> = {}
    const declarations: string[] = []
    const passed: string[] = []
    args.forEach((a, i) => {
      const value = values[i]
      if (value === undefined) return
      // Literals where graphql can print them (the validation rule reads both), variables otherwise.
      let printed: string | undefined
      if (literal) {
        try {
          const ast = astFromValue(value, a.type)
          printed = ast ? print(ast) : undefined
        } catch {
          printed = undefined
        }
      }
      if (printed !== undefined) passed.push(`${a.name}: ${printed}`)
      else {
        declarations.push(`$v${i}: ${String(a.type)}`)
        passed.push(`${a.name}: $v${i}`)
        variables[`v${i}`] = value
      }
    })
    const head = declarations.length ? `${operation} F(${declarations.join(', ')})` : operation
    const call = passed.length ? `${field.name}(${passed.join(', ')})` : field.name
    return { operation, field: field.name, text: `${head} { ${call} ${selection(field.type, 0)} }`, variables }
  })
}

describe('property-based fuzz over the GraphQL schema', () => {
  const counts: Record<string, Record<string, number>> = {}
  const codes: Record<string, number> = {}

  afterAll(() => {
    console.log(
      `GraphQL fuzz (seed ${SEED}, ${RUNS_PER_ROLE} per role): ${JSON.stringify(counts)}; first error code: ${JSON.stringify(codes)}`,
    )
  })

  it.each(ROLES)(
    'as %s: no 5xx, no statusCode >= 500, no write on an error',
    async (role) => {
      const roots = [
        ...Object.values(schema.getQueryType()!.getFields()).map((f) => caseArb('query', f)),
        ...Object.values(schema.getMutationType()!.getFields())
          .filter((f) => !SKIPPED.has(f.name))
          .map((f) => caseArb('mutation', f)),
      ]
      const tally = { cases: 0, data: 0, refused: 0, mutations: 0 }
      counts[role] = tally
      await fc.assert(
        fc.asyncProperty(fc.oneof(...roots), async (c) => {
          tally.cases++
          // Without mail: a fuzzed registration that succeeded may still be mailing when the next case runs.
          const before = c.operation === 'mutation' ? await fingerprint({ mail: false }) : undefined
          if (before) tally.mutations++
          const res = (await gql(stack, c.text, c.variables, { token: tokenOf(role) })) as ApiResponse<GqlBody>
          const detail = `${c.text} ${JSON.stringify(c.variables)} → ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`
          if (res.status >= 500) throw new Error(`HTTP ${res.status}: ${detail}`)
          for (const e of res.body?.errors ?? []) {
            if ((e.extensions?.statusCode ?? 0) >= 500) throw new Error(`statusCode ${e.extensions?.statusCode}: ${detail}`)
          }
          const failed = Boolean(res.body?.errors?.length) && (res.body?.data?.[c.field] ?? null) === null
          if (failed) tally.refused++
          else tally.data++
          const code = res.body?.errors?.[0] ? (res.body.errors[0].extensions?.code ?? 'graphql-validation') : 'ok'
          codes[code] = (codes[code] ?? 0) + 1
          if (before && failed) {
            const after = await fingerprint({ mail: false })
            if (after !== before) throw new Error(`a refused mutation wrote: ${detail}`)
          }
        }),
        { seed: SEED + ROLES.indexOf(role), numRuns: RUNS_PER_ROLE, endOnFailure: true },
      )
    },
    600_000,
  )
})
