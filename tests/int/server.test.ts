import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { GOOD_PASSWORD } from '../helpers/constants'
import { gql, rest, uniqueEmail, verifyByMail } from '../helpers/api'
import { type Stack, freePort, startStack } from '../helpers/stack'
import { eventually } from '../helpers/wait'

describe('health, readiness and request ids', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.stop()
  })

  it('GET /healthz → 200 {status: ok}', async () => {
    const res = await rest(stack, 'GET', '/healthz')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok' })
  })

  it('GET /readyz → 200 when Postgres and Redis answer', async () => {
    const res = await rest(stack, 'GET', '/readyz')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' }, down: [] })
  })

  it('every response carries a request id, and a sane incoming one is kept', async () => {
    const fresh = await rest(stack, 'GET', '/api/users/me')
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const kept = await rest(stack, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-abc.123' } })
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123')
    const replaced = await rest(stack, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } })
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id with spaces')
  })

  it('serves the admin panel, REST and GraphQL through the same server', async () => {
    const adminPage = await fetch(`${stack.url}/admin`, { redirect: 'manual', signal: AbortSignal.timeout(30_000) })
    expect([200, 307, 308]).toContain(adminPage.status)
    expect((await rest(stack, 'GET', '/api/users?limit=1')).status).toBe(200)
    expect((await gql(stack, '{ __typename }')).body.data).toEqual({ __typename: 'Query' })
  })
})

describe('readiness with Redis down', () => {
  it('GET /readyz → 503 naming redis', async () => {
    const closedPort = await freePort()
    const stack = await startStack({ env: { REDIS_URL: `redis://127.0.0.1:${closedPort}` }, mailWorker: false })
    try {
      const res = await rest(stack, 'GET', '/readyz')
      expect(res.status).toBe(503)
      expect(res.body).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'down' }, down: ['redis'] })
      // Liveness is unaffected: the process itself is fine.
      expect((await rest(stack, 'GET', '/healthz')).status).toBe(200)
    } finally {
      await stack.stop()
    }
  })
})

describe('rate limits on auth, per client IP', () => {
  let stack: Stack
  const LIMIT = 3
  // TRUST_PROXY: the test plays the load balancer and says which client each request is from.
  // A different /64 each time: addresses inside one /64 count as one client.
  const ip = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`
  beforeAll(async () => {
    stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'loopback' } })
  })
  afterAll(async () => {
    await stack?.stop()
  })

  it('login: over the limit → 429 with Retry-After; other clients unaffected', async () => {
    const client = ip()
    const attempt = (from: string) =>
      rest(stack, 'POST', '/api/users/login', {
        body: { email: 'nobody@example.test', password: 'wrong password' },
        headers: { 'x-forwarded-for': from },
      })
    for (let i = 0; i < LIMIT; i++) expect((await attempt(client)).status).toBe(401)
    const limited = await attempt(client)
    expect(limited.status).toBe(429)
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(limited.body.errors[0].message).toMatch(/Too many login attempts/)
    expect((await attempt(ip())).status).toBe(401)
  })

  it('addresses from the same IPv6 /64 share one limit', async () => {
    const prefix = `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`
    const statuses: number[] = []
    for (let i = 1; i <= LIMIT + 1; i++) {
      const res = await rest(stack, 'POST', '/api/users/login', {
        body: { email: 'nobody@example.test', password: 'wrong password' },
        headers: { 'x-forwarded-for': `${prefix}::${i}` },
      })
      statuses.push(res.status)
    }
    expect(statuses.at(-1)).toBe(429)
  })

  it('forgot-password is limited', async () => {
    const client = ip()
    const statuses: number[] = []
    for (let i = 0; i <= LIMIT; i++) {
      const res = await rest(stack, 'POST', '/api/users/forgot-password', {
        body: { email: 'nobody@example.test' },
        headers: { 'x-forwarded-for': client },
      })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([200, 200, 200, 429])
  })

  it('registration is limited, and a refused registration creates nothing', async () => {
    const client = ip()
    const emails = Array.from({ length: LIMIT + 1 }, () => uniqueEmail('burst'))
    const statuses: number[] = []
    for (const email of emails) {
      const res = await rest(stack, 'POST', '/api/users', {
        body: { email, password: GOOD_PASSWORD, name: 'Burst' },
        headers: { 'x-forwarded-for': client },
      })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([201, 201, 201, 429])
    // The accepted ones got their mail; the refused one, answered after them, none.
    for (const email of emails.slice(0, LIMIT)) await stack.mail.waitFor((m) => m.to.includes(email))
    const last = emails[LIMIT]! // LIMIT + 1 addresses
    expect(stack.mail.messages.some((m) => m.to.includes(last))).toBe(false)
  })

  it('GraphQL login counts against the same limit', async () => {
    const client = ip()
    const login = () =>
      gql(
        stack,
        `mutation { loginUser(email: "nobody@example.test", password: "wrong password") { token } }`,
        {},
        {
          headers: { 'x-forwarded-for': client },
        },
      )
    for (let i = 0; i < LIMIT; i++) await login()
    const limited = await login()
    expect(limited.body.errors?.[0]?.message).toMatch(/Too many login attempts/)
    expect(limited.body.errors?.[0]?.extensions?.statusCode).toBe(429)
  })

  it('a client cannot pick its own IP without a trusted proxy', async () => {
    const direct = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT) } })
    try {
      const statuses: number[] = []
      for (let i = 0; i <= LIMIT; i++) {
        const res = await rest(direct, 'POST', '/api/users/login', {
          body: { email: 'nobody@example.test', password: 'wrong password' },
          // A fresh spoofed address each time would dodge the limit if it were believed.
          headers: { 'x-forwarded-for': ip(), 'x-staybase-client-ip': ip() },
        })
        statuses.push(res.status)
      }
      expect(statuses[LIMIT]).toBe(429)
    } finally {
      await direct.stop()
    }
  })
})

describe('process lifecycle', () => {
  it('SIGTERM → finishes and exits 0', async () => {
    const stack = await startStack()
    expect((await rest(stack, 'GET', '/readyz')).status).toBe(200)
    const code = await stack.stop()
    expect(code).toBe(0)
    expect(stack.output()).not.toMatch(/did not finish in time/)
  })

  it('SIGTERM lets an in-flight request finish before exiting', async () => {
    const stack = await startStack({ env: { LOG_LEVEL: 'info' } })
    const email = uniqueEmail('inflight')
    const body = JSON.stringify({ email, password: GOOD_PASSWORD, name: 'In Flight' })
    // `Expect: 100-continue`: the server answers "100 Continue" once it has taken the request in hand,
    // and the body follows only after the shutdown has begun, so the request is provably in flight
    // across the SIGTERM.
    const url = new URL(`${stack.url}/api/users`)
    const request = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    })
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      })
      request.on('error', reject)
    })
    const continued = new Promise<void>((resolve) => request.once('continue', () => resolve()))
    request.flushHeaders()
    await continued
    const stopped = stack.stop()
    await eventually('the server to begin shutting down', async () => /shutting down: no new connections/.test(stack.output()), {
      timeoutMs: 10_000,
      intervalMs: 20,
    })
    request.end(body)
    const res = await answered
    expect([res.status, res.text]).toEqual([201, expect.any(String)])
    expect(await stopped).toBe(0)
    // It finished because the request did, not because the shutdown deadline forced it.
    expect(stack.output()).not.toMatch(/still open at the deadline/)
  })

  it('bad configuration stops start-up with one message listing every problem', async () => {
    // Run from an empty folder so no developer .env fills the gaps.
    const child = spawn(process.execPath, [path.resolve('dist/server.js')], {
      cwd: mkdtempSync(path.join(tmpdir(), 'staybase-env-')),
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: 'mysql://nope', PORT: 'eighty', TRUST_PROXY: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    for (const name of ['DATABASE_URL', 'PAYLOAD_SECRET', 'SERVER_URL', 'SMTP_HOST', 'PORT', 'TRUST_PROXY']) expect(output).toContain(name)
  })
})

describe('CORS and CSRF allowlists', () => {
  let stack: Stack
  const allowed = 'https://app.example.test'
  const evil = 'https://evil.example.test'
  beforeAll(async () => {
    stack = await startStack({ env: { CORS_ORIGINS: allowed } })
  })
  afterAll(async () => {
    await stack?.stop()
  })

  it('answers preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.url}/api/users/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
        signal: AbortSignal.timeout(10_000),
      })
    expect((await preflight(allowed)).headers.get('access-control-allow-origin')).toBe(allowed)
    expect((await preflight(stack.url)).headers.get('access-control-allow-origin')).toBe(stack.url)
    expect((await preflight(evil)).headers.get('access-control-allow-origin')).not.toBe(evil)
  })

  it('ignores the auth cookie on requests from other origins', async () => {
    const admin = await signUpFirst(stack)
    const cookie = admin.cookie
    const meFrom = async (origin: string) =>
      (await rest(stack, 'GET', '/api/users/me', { headers: { cookie, origin } })).body.user?.email ?? null
    expect(await meFrom(allowed)).toBe(admin.email)
    expect(await meFrom(evil)).toBeNull()
  })
})

async function signUpFirst(stack: Stack): Promise<{ email: string; cookie: string }> {
  const email = uniqueEmail('cookie')
  await rest(stack, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'Cookie' } })
  await verifyByMail(stack, email)
  const res = await rest(stack, 'POST', '/api/users/login', { body: { email, password: GOOD_PASSWORD } })
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
  expect(cookie).toMatch(/^payload-token=/)
  return { email, cookie }
}
