import { addDays, utcDate } from '@/domain/stayDates'
import { type TestUser, login, rest, signUp, uniqueEmail } from '../helpers/api'
import { GOOD_PASSWORD } from '../helpers/constants'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'

/**
 * What a guest-facing frontend on another origin relies on: CORS on every answer (express's own errors
 * included), mail links into the frontend whose tokens work through the REST API, the auth cookie's
 * SameSite setting, and the JWT and Bearer Authorization headers.
 */
const FRONTEND = 'https://app.staybase.test'
const allowed = 'http://localhost:5173'
const evil = 'https://evil.example'

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!

/** Registration through the API, as a frontend does it; returns the link the verification mail carries. */
async function register(stack: Stack, label: string, roles?: string[]): Promise<{ email: string; link: string }> {
  const email = uniqueEmail(label)
  const created = await rest(stack, 'POST', '/api/users', {
    body: { email, password: GOOD_PASSWORD, name: `${label} person`, ...(roles ? { roles } : {}) },
  })
  expect(created.status).toBe(201)
  const mail = await stack.mail.waitFor((m) => m.to.includes(email) && /confirm your email/i.test(m.subject))
  return { email, link: mail.links.find((l) => l.includes('/account/verify?token='))! }
}

/** A guest whose verification link points at the frontend: verified the way the frontend would, by REST. */
async function frontendGuest(stack: Stack, label = 'guest'): Promise<TestUser> {
  const { email, link } = await register(stack, label)
  expect((await rest(stack, 'POST', `/api/users/verify/${encodeURIComponent(tokenOf(link))}`)).status).toBe(200)
  const session = await login(stack, email, GOOD_PASSWORD)
  expect(session.status).toBe(200)
  return { id: session.body.user.id, email, password: GOOD_PASSWORD, token: session.body.token, roles: session.body.user.roles }
}

let week = 0
/** An instant booking of `listing` by `guest`, cancelled by the guest: both sides get a mail. */
async function bookAndCancel(stack: Stack, guest: TestUser, listingId: number): Promise<number> {
  const checkIn = addDays(utcDate(new Date()), 30 + 4 * week++)
  const booked = await rest(stack, 'POST', '/api/bookings', {
    token: guest.token,
    body: { property: listingId, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
  })
  expect(booked.status).toBe(201)
  const id = booked.body.doc.id as number
  expect((await rest(stack, 'POST', `/api/bookings/${id}/cancel`, { token: guest.token, body: { reason: 'Plans changed' } })).status).toBe(
    200,
  )
  return id
}

const aboutBooking = (text: string, id: number) => new RegExp(`^Booking: #${id}$`, 'm').test(text)

const setCookieOfLogin = async (stack: Stack, user: { email: string; password: string }) =>
  (await rest(stack, 'POST', '/api/users/login', { body: { email: user.email, password: user.password } })).headers.get('set-cookie') ?? ''

describe('with FRONTEND_URL, CORS_ORIGINS and COOKIE_SAMESITE=strict', () => {
  let stack: Stack
  let host: TestUser
  let guest: TestUser
  let listing: { id: number }

  beforeAll(async () => {
    // The trailing slash is dropped: links have one slash.
    stack = await startStack({ env: { FRONTEND_URL: `${FRONTEND}/`, CORS_ORIGINS: allowed, COOKIE_SAMESITE: 'strict' } })
    await signUp(stack, { label: 'admin' })
    host = await signUp(stack, { label: 'host', roles: ['host'] })
    guest = await frontendGuest(stack)
    listing = await createListing(stack, host, { title: 'Frontend loft' }, { publish: true })
  }, 120_000)
  afterAll(async () => {
    await stack?.stop()
  })

  describe('CORS', () => {
    const preflight = (origin: string, path = '/api/bookings') =>
      fetch(`${stack.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,idempotency-key',
        },
      })

    it.each([['/api/bookings'], ['/api/graphql'], ['/healthz']])(
      'a preflight to %s from an allowed origin may send Idempotency-Key',
      async (path) => {
        for (const origin of [allowed, FRONTEND, stack.url]) {
          const res = await preflight(origin, path)
          expect(res.status).toBe(204)
          expect(res.headers.get('access-control-allow-origin')).toBe(origin)
          expect(res.headers.get('access-control-allow-credentials')).toBe('true')
          const allowedHeaders = res.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/)
          expect(allowedHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']))
          expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/)
          expect(res.headers.get('vary')).toMatch(/\bOrigin\b/i)
        }
      },
    )

    it('a preflight from any other origin gets no CORS headers', async () => {
      const res = await preflight(evil)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
      expect(res.headers.get('access-control-allow-headers')).toBeNull()
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/i)
    })

    // Answers from every layer: express's own routes and refusals, the GraphQL guard, Payload.
    const answers: [
      string,
      () => { method: string; path: string; body?: string; headers?: Record<string, string>; auth?: boolean },
      number,
    ][] = [
      ['/healthz', () => ({ method: 'GET', path: '/healthz' }), 200],
      ['/readyz', () => ({ method: 'GET', path: '/readyz' }), 200],
      ['the queue dashboard refusing a visitor', () => ({ method: 'GET', path: '/admin/queues/api/queues' }), 401],
      [
        'the 413 of limitBodySize',
        () => ({ method: 'POST', path: '/api/bookings', body: JSON.stringify({ note: 'x'.repeat(1_100_000) }), auth: true }),
        413,
      ],
      ['the request guard', () => ({ method: 'GET', path: '/api/bookings?where=%7Bnot-json', auth: true }), 400],
      [
        'the GraphQL guard',
        () => ({ method: 'POST', path: '/api/graphql', body: '{ __typename }', headers: { 'content-type': 'text/plain' } }),
        415,
      ],
      ['Payload (404)', () => ({ method: 'GET', path: '/api/bookings/999999', auth: true }), 404],
      [
        'Payload (401 on login)',
        () => ({ method: 'POST', path: '/api/users/login', body: JSON.stringify({ email: guest.email, password: 'wrong-password-1' }) }),
        401,
      ],
      [
        'a custom endpoint',
        () => ({ method: 'GET', path: `/api/properties/${listing.id}/quote?checkIn=2020-01-01&checkOut=2020-01-03&guests=1` }),
        400,
      ],
    ]

    it.each(answers)('%s answers an allowed origin with CORS headers and a readable body', async (_, make, status) => {
      const { method, path, body, headers, auth } = make()
      const send = (origin: string) =>
        fetch(`${stack.url}${path}`, {
          method,
          body,
          headers: { origin, 'content-type': 'application/json', ...(auth ? { authorization: `JWT ${guest.token}` } : {}), ...headers },
          signal: AbortSignal.timeout(20_000),
        })
      const res = await send(allowed)
      expect(res.status).toBe(status)
      expect(res.headers.get('access-control-allow-origin')).toBe(allowed)
      expect(res.headers.get('access-control-allow-credentials')).toBe('true')
      expect(res.headers.get('access-control-expose-headers')!.toLowerCase().split(/,\s*/)).toEqual([
        'x-request-id',
        'idempotent-replayed',
        'retry-after',
      ])
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/i)
      expect(res.headers.get('x-request-id')).toBeTruthy()
      await res.text()

      const other = await send(evil)
      expect(other.status).toBe(status)
      expect(other.headers.get('access-control-allow-origin')).toBeNull()
      expect(other.headers.get('access-control-expose-headers')).toBeNull()
      expect(other.headers.get('vary')).toMatch(/\bOrigin\b/i)
      await other.text()
    })
  })

  describe('mail links into the frontend', () => {
    it("a guest's verification link is the frontend's, and its token verifies through REST (once)", async () => {
      const { email, link } = await register(stack, 'verify')
      expect(link).toMatch(new RegExp(`^${FRONTEND}/account/verify\\?token=[^&]+$`))
      expect((await login(stack, email, GOOD_PASSWORD)).body.errors[0].code).toBe('EMAIL_NOT_VERIFIED')
      const verified = await rest(stack, 'POST', `/api/users/verify/${encodeURIComponent(tokenOf(link))}`)
      expect(verified.status).toBe(200)
      expect((await login(stack, email, GOOD_PASSWORD)).status).toBe(200)
      const again = await rest(stack, 'POST', `/api/users/verify/${encodeURIComponent(tokenOf(link))}`)
      expect(again.status).toBe(403)
    })

    it("a guest's reset link is the frontend's, and its token resets the password through REST", async () => {
      const user = await frontendGuest(stack, 'reset')
      expect((await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: user.email } })).status).toBe(200)
      const mail = await stack.mail.waitFor((m) => m.to.includes(user.email) && /reset your/i.test(m.subject))
      const link = mail.links.find((l) => l.includes('/account/reset-password?token='))!
      expect(link).toMatch(new RegExp(`^${FRONTEND}/account/reset-password\\?token=[^&]+$`))
      const newPassword = 'a-new-password-for-the-frontend'
      const reset = await rest(stack, 'POST', '/api/users/reset-password', { body: { token: tokenOf(link), password: newPassword } })
      expect(reset.status).toBe(200)
      expect((await login(stack, user.email, user.password)).status).toBe(401)
      expect((await login(stack, user.email, newPassword)).status).toBe(200)
    })

    it("hosts' account links stay on Staybase's own pages", async () => {
      const { link } = await register(stack, 'newhost', ['host'])
      expect(link.startsWith(`${stack.url}/account/verify?token=`)).toBe(true)
    })

    it("booking mail links the guest to the frontend's /bookings/:id and the host to the admin panel", async () => {
      const id = await bookAndCancel(stack, guest, listing.id)
      const toGuest = await stack.mail.waitFor(
        (m) => m.to.includes(guest.email) && /is cancelled/.test(m.subject) && aboutBooking(m.text, id),
      )
      expect(toGuest.links).toEqual([`${FRONTEND}/bookings/${id}`])
      expect(toGuest.text).toContain(`${FRONTEND}/bookings/${id}`)
      const toHost = await stack.mail.waitFor((m) => m.to.includes(host.email) && /cancelled/.test(m.subject) && aboutBooking(m.text, id))
      expect(toHost.links).toEqual([`${stack.url}/admin/collections/bookings/${id}`])
    })
  })

  it('the login cookie says SameSite=Strict', async () => {
    expect(await setCookieOfLogin(stack, guest)).toMatch(/^payload-token=[^;]+;.*SameSite=Strict/i)
  })

  it('the token works as `JWT <token>` and as `Bearer <token>`; refresh-token gives a new one', async () => {
    const me = async (authorization: string) =>
      (await fetch(`${stack.url}/api/users/me`, { headers: { authorization } }).then((r) => r.json())).user?.email ?? null
    expect(await me(`JWT ${guest.token}`)).toBe(guest.email)
    expect(await me(`Bearer ${guest.token}`)).toBe(guest.email)
    expect(await me('Bearer not-a-token')).toBeNull()

    const refreshed = await rest(stack, 'POST', '/api/users/refresh-token', { headers: { authorization: `Bearer ${guest.token}` } })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.refreshedToken).toEqual(expect.any(String))
    // Two hours from now, in seconds (auth.tokenExpiration).
    expect(refreshed.body.exp - Date.now() / 1000).toBeGreaterThan(2 * 3600 - 120)
    expect(refreshed.body.exp - Date.now() / 1000).toBeLessThanOrEqual(2 * 3600 + 5)
    expect(await me(`Bearer ${refreshed.body.refreshedToken}`)).toBe(guest.email)
  })
})

describe('defaults: no FRONTEND_URL, SameSite=Lax', () => {
  let stack: Stack

  beforeAll(async () => {
    stack = await startStack()
  }, 120_000)
  afterAll(async () => {
    await stack?.stop()
  })

  it("links go to Staybase's own pages; a guest's booking mail has none, the host's links to the admin panel", async () => {
    await signUp(stack, { label: 'admin' })
    const host = await signUp(stack, { label: 'host', roles: ['host'] })
    const { email, link } = await register(stack, 'guest')
    expect(link.startsWith(`${stack.url}/account/verify?token=`)).toBe(true)
    expect((await fetch(link)).status).toBe(200)
    const session = await login(stack, email, GOOD_PASSWORD)
    const guest: TestUser = {
      id: session.body.user.id,
      email,
      password: GOOD_PASSWORD,
      token: session.body.token,
      roles: session.body.user.roles,
    }
    expect(session.headers.get('set-cookie')).toMatch(/^payload-token=[^;]+;.*SameSite=Lax/i)

    const listing = await createListing(stack, host, { title: 'Default loft' }, { publish: true })
    const id = await bookAndCancel(stack, guest, listing.id)
    const toGuest = await stack.mail.waitFor((m) => m.to.includes(email) && /is cancelled/.test(m.subject) && aboutBooking(m.text, id))
    expect(toGuest.links).toEqual([])
    const toHost = await stack.mail.waitFor((m) => m.to.includes(host.email) && /cancelled/.test(m.subject) && aboutBooking(m.text, id))
    expect(toHost.links).toEqual([`${stack.url}/admin/collections/bookings/${id}`])
  }, 60_000)
})

describe('settings checked at start', () => {
  it('COOKIE_SAMESITE=none without secure cookies is refused', async () => {
    await expect(startStack({ env: { COOKIE_SAMESITE: 'none' }, mailWorker: false })).rejects.toThrow(
      /COOKIE_SAMESITE[\s\S]*needs secure cookies/,
    )
  }, 60_000)

  it.each([['ftp://app.example'], ['https://app.example/?next=1'], ['not a url']])(
    'FRONTEND_URL=%s is refused',
    async (value) => {
      await expect(startStack({ env: { FRONTEND_URL: value }, mailWorker: false })).rejects.toThrow(/FRONTEND_URL/)
    },
    60_000,
  )

  it('COOKIE_SAMESITE=none with secure cookies sets SameSite=None; Secure', async () => {
    const stack = await startStack({ env: { COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'true' } })
    try {
      const user = await signUp(stack, { label: 'cross-site' })
      const cookie = await setCookieOfLogin(stack, user)
      expect(cookie).toMatch(/SameSite=None/i)
      expect(cookie).toMatch(/;\s*Secure/i)
    } finally {
      await stack.stop()
    }
  }, 120_000)
})
