import { DRAIN_LIMITS, GRAPHQL_LIMITS, checkDocument, checkParams, guardGraphQLRequest } from './graphqlGuard'

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`
const nested = (n: number) => `${'{ Users { docs '.repeat(n)}{ id }${' }'.repeat(2 * n)}`

describe('checkDocument', () => {
  it.each([
    ['a plain query', '{ Users { docs { id email } } }'],
    ['a few aliases', aliases(GRAPHQL_LIMITS.maxAliases)],
    ['a fragment used twice', 'fragment F on User { id } { Users { docs { ...F } } me { user { ...F } } }'],
    ['an unknown fragment (graphql names it later)', '{ ...Missing }'],
  ])('%s passes', (_, query) => {
    expect(checkDocument(query)).toBeUndefined()
  })

  it.each([
    ['a fragment spreading itself', 'fragment A on Query { ...A } { ...A }', /Fragment "A" spreads itself/],
    ['a cycle through two fragments', 'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }', /spreads itself/],
    ['an unused self-spreading fragment', 'fragment A on Query { ...A } { __typename }', /spreads itself/],
    ['too many aliases', aliases(GRAPHQL_LIMITS.maxAliases + 1), /at most 50 aliases/],
    ['100,000 aliases', aliases(100_000), /at most 20000 bytes/],
    ['too many tokens', `{ ${'a '.repeat(GRAPHQL_LIMITS.maxTokens)} }`, /at most 3000 tokens/],
    ['too deep', nested(GRAPHQL_LIMITS.maxDepth), /nested at most 15/],
    [
      'fragments multiplying fields',
      `fragment F0 on Query { __typename } ${Array.from({ length: 12 }, (_, i) => `fragment F${i + 1} on Query { ...F${i} a: __typename ...F${i} }`).join(' ')} { ...F12 }`,
      /at most 2000 fields/,
    ],
    ['a syntax error', '{ Users { ', /Syntax Error/],
  ])('%s is refused', (_, query, message) => {
    const refused = checkDocument(query)
    expect(refused?.message).toMatch(message)
    expect(refused?.status).toBeGreaterThanOrEqual(400)
    expect(refused?.status).toBeLessThan(500)
  })
})

describe('checkParams', () => {
  it.each([[null], [[]], ['x'], [{}], [{ query: 1 }], [{ query: '{ a }', variables: [] }], [{ query: '{ a }', operationName: 2 }]])(
    '%j is a malformed request',
    (body) => {
      expect(checkParams(body)?.code).toBe('MALFORMED_REQUEST')
    },
  )
})

describe('guardGraphQLRequest', () => {
  const post = (body: string, type = 'application/json') =>
    new Request('http://localhost/api/graphql', { method: 'POST', headers: { 'content-type': type }, body })

  it('hands on a fresh request with the same body', async () => {
    const body = JSON.stringify({ query: '{ __typename }' })
    const guarded = await guardGraphQLRequest(post(body))
    expect('request' in guarded && (await guarded.request.text())).toBe(body)
  })

  it.each([
    ['invalid JSON', post('{"query":'), 'MALFORMED_REQUEST', 400],
    ['another media type', post('{ __typename }', 'text/plain'), 'UNSUPPORTED_MEDIA_TYPE', 415],
    [
      'a body above the limit',
      post(JSON.stringify({ query: '{ __typename }', variables: { x: 'y'.repeat(GRAPHQL_LIMITS.maxBodyBytes) } })),
      'PAYLOAD_TOO_LARGE',
      413,
    ],
  ])('%s is refused', async (_, request, code, status) => {
    const guarded = await guardGraphQLRequest(request)
    expect('refused' in guarded && guarded.refused).toMatchObject({ code, status })
  })

  /** A streamed body of `chunks` chunks of `size` bytes; `pulled()` tells how many the guard read. */
  function streamed(chunks: number, size: number, headers: Record<string, string> = {}) {
    let pulled = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === chunks) return controller.close()
        pulled++
        controller.enqueue(new Uint8Array(size).fill(0x20))
      },
    })
    const request = new Request('http://localhost/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      duplex: 'half',
    } as RequestInit)
    return { request, pulled: () => pulled }
  }

  it('reads an oversized body to its end before refusing it, so the client is not reset mid-upload', async () => {
    const body = streamed(30, 100_000)
    const guarded = await guardGraphQLRequest(body.request)
    expect('refused' in guarded && guarded.refused).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 })
    expect(body.pulled()).toBe(30)
  })

  it('drains a body declared too large as well', async () => {
    const body = streamed(20, 100_000, { 'content-length': String(2_000_000) })
    const guarded = await guardGraphQLRequest(body.request)
    expect('refused' in guarded && guarded.refused).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 })
    expect(body.pulled()).toBe(20)
  })

  it('stops draining at its byte cap', async () => {
    const chunk = 1_000_000
    const body = streamed(1_000, chunk)
    const guarded = await guardGraphQLRequest(body.request)
    expect('refused' in guarded).toBe(true)
    expect(body.pulled()).toBeLessThanOrEqual(Math.ceil(DRAIN_LIMITS.maxBytes / chunk) + 3)
  })
})
