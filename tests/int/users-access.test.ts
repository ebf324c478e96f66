import { GOOD_PASSWORD } from '../helpers/constants'
import { type TestUser, gql, login, rest, signUp, signUpCast, uniqueEmail } from '../helpers/api'
import { type Stack, startStack } from '../helpers/stack'

/**
 * Who may read and change which user fields, for every role, through REST and GraphQL.
 */
let stack: Stack
let admin: TestUser
let staff: TestUser
let host: TestUser
let guest: TestUser
let otherGuest: TestUser

beforeAll(async () => {
  stack = await startStack()
  ;({ admin, staff, host, guest, otherGuest } = await signUpCast(stack))
  // Give the other guest private details to leak.
  const patched = await rest(stack, 'PATCH', `/api/users/${otherGuest.id}`, {
    token: otherGuest.token,
    body: { phone: '+41 79 123 45 67', bio: 'Loves the mountains' },
  })
  expect(patched.status).toBe(200)
}, 120_000) // a server and a mail worker
afterAll(async () => {
  await stack?.stop()
})

const me = async (user: TestUser) => (await rest(stack, 'GET', '/api/users/me', { token: user.token })).body.user

describe('registration roles', () => {
  it('the first account of an empty database became admin', () => {
    expect(admin.roles).toEqual(['admin'])
  })

  it('no role asked → guest; host asked → host', () => {
    expect(guest.roles).toEqual(['guest'])
    expect(host.roles).toEqual(['host'])
  })

  it.each([[['admin']], [['staff']], [['host', 'admin']]])('REST registration asking for %j → 403, no account', async (roles) => {
    const email = uniqueEmail('climber')
    const res = await rest(stack, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'Climber', roles } })
    expect(res.status).toBe(403)
    expect(res.body.errors[0].message).toMatch(/guest.*host/)
    const found = await rest(stack, 'GET', `/api/users?where[email][equals]=${encodeURIComponent(email)}`, { token: admin.token })
    expect(found.body.totalDocs).toBe(0)
    expect(stack.mail.messages.some((m) => m.to.includes(email))).toBe(false)
  })

  it('GraphQL registration asking for admin → error, no account', async () => {
    const email = uniqueEmail('gqlclimber')
    const res = await gql(stack, `mutation($data: mutationUserInput!) { createUser(data: $data) { id roles } }`, {
      data: { email, password: GOOD_PASSWORD, name: 'Climber', roles: ['admin'] },
    })
    expect(res.body.data?.createUser ?? null).toBeNull()
    expect(res.body.errors?.[0]?.message).toMatch(/guest.*host/)
    const found = await rest(stack, 'GET', `/api/users?where[email][equals]=${encodeURIComponent(email)}`, { token: admin.token })
    expect(found.body.totalDocs).toBe(0)
  })

  it('a staff member cannot create an admin either', async () => {
    const res = await rest(stack, 'POST', '/api/users', {
      token: staff.token,
      body: { email: uniqueEmail('byStaff'), password: GOOD_PASSWORD, name: 'X', roles: ['admin'] },
    })
    expect(res.status).toBe(403)
  })
})

describe('nobody raises their own role', () => {
  it.each([
    ['guest', () => guest, ['guest']],
    ['host', () => host, ['host']],
    ['staff', () => staff, ['staff']],
  ])('%s PATCHing own roles over REST → roles unchanged', async (_, who, expected) => {
    const user = who()
    const res = await rest(stack, 'PATCH', `/api/users/${user.id}`, { token: user.token, body: { roles: ['admin'], name: 'Renamed' } })
    expect(res.status).toBe(200)
    const after = await me(user)
    expect(after.roles).toEqual(expected)
    expect(after.name).toBe('Renamed')
  })

  it('guest updating own roles over GraphQL → roles unchanged', async () => {
    const res = await gql(
      stack,
      `mutation($id: Int!) { updateUser(id: $id, data: { roles: [admin] }) { id roles } }`,
      { id: guest.id },
      { token: guest.token },
    )
    // Either refused outright or applied without the roles: never admin.
    expect(JSON.stringify(res.body.data?.updateUser?.roles ?? [])).not.toMatch(/admin/)
    expect((await me(guest)).roles).toEqual(['guest'])
  })

  it('an admin can change roles', async () => {
    const promoted = await signUp(stack, { label: 'promoted' })
    const res = await rest(stack, 'PATCH', `/api/users/${promoted.id}`, { token: admin.token, body: { roles: ['guest', 'host'] } })
    expect(res.status).toBe(200)
    expect(res.body.doc.roles).toEqual(['guest', 'host'])
  })
})

describe('reading other people', () => {
  const privateFields = ['email', 'phone', 'roles']

  it.each([
    ['anonymous', () => undefined],
    ['another guest', () => guest.token],
    ['a host', () => host.token],
  ])('%s sees only the public profile over REST', async (_, token) => {
    const res = await rest(stack, 'GET', `/api/users/${otherGuest.id}`, { token: token() })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: otherGuest.id, name: 'Test Person', bio: 'Loves the mountains', isHost: false })
    for (const field of privateFields) expect(res.body).not.toHaveProperty(field)
    expect(res.body).not.toHaveProperty('apiKey')
    // otherGuest is logged in; their session ids must not show.
    expect(res.body.sessions ?? []).toEqual([])
  })

  it('lists hide private fields too', async () => {
    const res = await rest(stack, 'GET', '/api/users?limit=100', { token: guest.token })
    expect(res.status).toBe(200)
    for (const doc of res.body.docs) {
      if (doc.id === guest.id) continue
      for (const field of privateFields) expect(doc).not.toHaveProperty(field)
    }
    const hostDoc = res.body.docs.find((d: { id: number }) => d.id === host.id)
    expect(hostDoc.isHost).toBe(true)
  })

  it('nobody can search others by email or role', async () => {
    for (const query of [`where[email][equals]=${encodeURIComponent(otherGuest.email)}`, 'where[roles][in]=admin']) {
      const res = await rest(stack, 'GET', `/api/users?${query}`, { token: guest.token })
      expect(res.status).toBe(400)
      expect(res.body.errors[0].message).toMatch(/cannot be queried/)
      expect(JSON.stringify(res.body)).not.toContain(otherGuest.email)
    }
  })

  it('a guest sees no private field over GraphQL', async () => {
    const res = await gql(
      stack,
      `query($id: Int!) { User(id: $id) { id name bio isHost email phone roles } }`,
      { id: otherGuest.id },
      { token: guest.token },
    )
    const doc = res.body.data?.User
    expect(doc).toMatchObject({ id: otherGuest.id, name: 'Test Person', isHost: false })
    expect(doc.email ?? null).toBeNull()
    expect(doc.phone ?? null).toBeNull()
    expect(doc.roles ?? null).toBeNull()
  })

  it('anonymous GraphQL list shows no email', async () => {
    const res = await gql(stack, `{ Users(limit: 50) { docs { id name email phone } } }`)
    for (const doc of res.body.data.Users.docs) {
      expect(doc.email ?? null).toBeNull()
      expect(doc.phone ?? null).toBeNull()
    }
  })

  it('staff read everyone in full, on REST and GraphQL', async () => {
    const res = await rest(stack, 'GET', `/api/users/${otherGuest.id}`, { token: staff.token })
    expect(res.body).toMatchObject({ email: otherGuest.email, phone: '+41 79 123 45 67', roles: ['guest'] })
    const q = await gql(stack, `query($id: Int!) { User(id: $id) { email phone roles } }`, { id: otherGuest.id }, { token: staff.token })
    expect(q.body.data.User).toEqual({ email: otherGuest.email, phone: '+41 79 123 45 67', roles: ['guest'] })
  })

  it('everyone reads their own private fields', async () => {
    const res = await rest(stack, 'GET', `/api/users/${otherGuest.id}`, { token: otherGuest.token })
    expect(res.body).toMatchObject({ email: otherGuest.email, phone: '+41 79 123 45 67', roles: ['guest'] })
  })
})

describe('changing and deleting other people', () => {
  it.each([
    ['another guest', () => guest.token],
    ['a host', () => host.token],
    ['staff', () => staff.token],
  ])('%s cannot update someone else (REST)', async (_, token) => {
    const res = await rest(stack, 'PATCH', `/api/users/${otherGuest.id}`, { token: token(), body: { name: 'Hijacked' } })
    expect(res.status).toBe(403)
  })

  it('a guest cannot update someone else (GraphQL)', async () => {
    const res = await gql(
      stack,
      `mutation($id: Int!) { updateUser(id: $id, data: { name: "Hijacked" }) { id } }`,
      { id: otherGuest.id },
      { token: guest.token },
    )
    expect(res.body.errors?.[0]?.extensions?.statusCode).toBe(403)
  })

  it('anonymous cannot update anyone (401: sign in first)', async () => {
    const res = await rest(stack, 'PATCH', `/api/users/${otherGuest.id}`, { body: { name: 'Hijacked' } })
    expect(res.status).toBe(401)
    expect(res.body.errors[0]).toMatchObject({ code: 'UNAUTHORIZED' })
    const check = await rest(stack, 'GET', `/api/users/${otherGuest.id}`)
    expect(check.body.name).toBe('Test Person')
  })

  it.each([
    ['the user themself', () => guest],
    ['a host', () => host],
    ['staff', () => staff],
  ])('%s cannot delete an account', async (_, who) => {
    const res = await rest(stack, 'DELETE', `/api/users/${guest.id}`, { token: who().token })
    expect(res.status).toBe(403)
  })

  it('an admin deletes an account', async () => {
    const doomed = await signUp(stack, { label: 'doomed' })
    const res = await rest(stack, 'DELETE', `/api/users/${doomed.id}`, { token: admin.token })
    expect(res.status).toBe(200)
    expect((await login(stack, doomed.email, doomed.password)).status).toBe(401)
  })
})

describe('routes that would leak or lock', () => {
  it("nobody duplicates an account (it would copy private fields into the copier's account)", async () => {
    const before = (await rest(stack, 'GET', '/api/users?limit=0', { token: admin.token })).body.totalDocs
    for (const token of [undefined, guest.token]) {
      const res = await rest(stack, 'POST', `/api/users/${otherGuest.id}/duplicate`, {
        token,
        body: { email: uniqueEmail('copycat'), password: GOOD_PASSWORD },
      })
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    }
    const q = await gql(
      stack,
      `mutation($id: Int!) { duplicateUser(id: $id, data: { email: "x@example.test", password: "${GOOD_PASSWORD}", name: "X" }) { id phone } }`,
      { id: otherGuest.id },
    )
    expect(q.body.data?.duplicateUser ?? null).toBeNull()
    expect((await rest(stack, 'GET', '/api/users?limit=0', { token: admin.token })).body.totalDocs).toBe(before)
  })

  it('there is no document-lock collection for guests to lock others out with', async () => {
    expect((await rest(stack, 'GET', '/api/payload-locked-documents', { token: guest.token })).status).toBe(404)
  })

  it('a registration body that is not an object → 400', async () => {
    for (const raw of ['"x"', '1', '[]', 'null']) {
      const res = await rest(stack, 'POST', '/api/users', { raw })
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    }
  })
})

describe('admin panel and API keys', () => {
  it.each([
    ['guest', () => guest, false],
    ['host', () => host, true],
    ['staff', () => staff, true],
    ['admin', () => admin, true],
  ])('%s: admin panel access → %s', async (_, who, allowed) => {
    const res = await rest(stack, 'GET', '/api/access', { token: who().token })
    expect(res.status).toBe(200)
    // Payload leaves the flag out when the panel is closed to the user.
    expect(res.body.canAccessAdmin ?? false).toBe(allowed)
  })

  it('a host cannot enable an API key', async () => {
    const res = await rest(stack, 'PATCH', `/api/users/${host.id}`, {
      token: host.token,
      body: { enableAPIKey: true, apiKey: '11111111-2222-3333-4444-555555555555' },
    })
    expect(res.status).toBe(200)
    const after = await me(host)
    expect(after.enableAPIKey ?? false).toBe(false)
    const viaKey = await rest(stack, 'GET', '/api/users/me', {
      headers: { authorization: 'users API-Key 11111111-2222-3333-4444-555555555555' },
    })
    expect(viaKey.body.user).toBeNull()
  })

  it('staff use an API key for integrations', async () => {
    const key = '99999999-8888-7777-6666-555555555555'
    const res = await rest(stack, 'PATCH', `/api/users/${staff.id}`, { token: staff.token, body: { enableAPIKey: true, apiKey: key } })
    expect(res.status).toBe(200)
    const viaKey = await rest(stack, 'GET', '/api/users/me', { headers: { authorization: `users API-Key ${key}` } })
    expect(viaKey.body.user?.id).toBe(staff.id)
  })
})

describe("the admin panel's create-first-user", () => {
  it('makes the first account admin, and only once', async () => {
    const fresh = await startStack()
    try {
      const body = (label: string) => ({
        email: uniqueEmail(label),
        password: GOOD_PASSWORD,
        confirmPassword: GOOD_PASSWORD,
        name: 'Founder',
      })
      const first = await rest(fresh, 'POST', '/api/users/first-register', { body: body('founder') })
      expect(first.status).toBe(200)
      expect(first.body.user.roles).toEqual(['admin'])
      const second = await rest(fresh, 'POST', '/api/users/first-register', { body: body('latecomer') })
      // Payload refuses with Forbidden; signed out, that is a 401 like every anonymous refusal.
      expect(second.status).toBe(401)
    } finally {
      await fresh.stop()
    }
  })
})
