import { GOOD_PASSWORD } from '../helpers/constants'
import { gql, login, rest, signUp, uniqueEmail, verifyByMail } from '../helpers/api'
import { type Stack, startStack } from '../helpers/stack'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
  // The first account of a fresh database becomes admin; take it so later sign-ups are ordinary.
  await signUp(stack, { label: 'first-admin' })
}, 120_000) // a server and a mail worker
afterAll(async () => {
  await stack?.stop()
})

describe('registration, verification, login, me, logout (REST)', () => {
  it('walks the whole journey a new guest takes', async () => {
    const email = uniqueEmail('journey')
    const created = await rest(stack, 'POST', '/api/users', {
      body: { email, password: GOOD_PASSWORD, name: 'Jo Journey' },
    })
    // Registration answers the same for new and known addresses: no document, no id.
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ message: 'Check your email to finish signing up.' })

    // Unverified accounts cannot log in.
    const early = await login(stack, email, GOOD_PASSWORD)
    expect(early.status).toBe(403)
    expect(early.body.errors[0].message).toMatch(/verify/i)

    const mail = await stack.mail.waitFor((m) => m.to.includes(email))
    expect(mail.subject).toMatch(/confirm your email/i)
    const link = mail.links.find((l) => l.includes('/account/verify?token='))
    expect(link?.startsWith(`${stack.url}/account/verify?token=`)).toBe(true)

    const page = await fetch(link!, { signal: AbortSignal.timeout(20_000) })
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/Email confirmed/)

    // Opened again right away (a reload, a second click), it still says so (tests/int/account-links.test.ts).
    const again = await fetch(link!, { signal: AbortSignal.timeout(20_000) })
    expect(again.status).toBe(200)
    expect(await again.text()).toMatch(/Email confirmed/)

    const session = await login(stack, email, GOOD_PASSWORD)
    expect(session.status).toBe(200)
    expect(typeof session.body.token).toBe('string')
    expect(session.body.user.email).toBe(email)
    const cookie = session.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)

    const me = await rest(stack, 'GET', '/api/users/me', { token: session.body.token })
    expect(me.status).toBe(200)
    expect(me.body.user).toMatchObject({ email, name: 'Jo Journey', roles: ['guest'] })

    const out = await rest(stack, 'POST', '/api/users/logout', { token: session.body.token })
    expect(out.status).toBe(200)
    // Sessions are server-side: the old token is dead after logout.
    const after = await rest(stack, 'GET', '/api/users/me', { token: session.body.token })
    expect(after.body.user).toBeNull()
  })

  it('a verification link with a wrong token changes nothing and says so', async () => {
    const page = await fetch(`${stack.url}/account/verify?token=not-a-token`, { signal: AbortSignal.timeout(20_000) })
    expect(page.status).toBe(400)
    expect(await page.text()).toMatch(/invalid/i)
    const api = await rest(stack, 'POST', '/api/users/verify/not-a-token')
    expect(api.status).toBeGreaterThanOrEqual(400)
    expect(api.status).toBeLessThan(500)
  })
})

describe('lockout', () => {
  it('locks the account after 5 wrong passwords, even for the right one, answering like a wrong password', async () => {
    const user = await signUp(stack, { label: 'lockme' })
    let wrong = await login(stack, user.email, 'wrong password here')
    for (let i = 1; i < 5; i++) {
      expect(wrong.status).toBe(401)
      wrong = await login(stack, user.email, 'wrong password here')
    }
    const right = await login(stack, user.email, user.password)
    expect(right.status).toBe(401)
    // A locked account is not told apart from a wrong password (that would confirm the address).
    expect(right.body).toEqual(wrong.body)
    expect(right.body.errors[0].code).toBe('INVALID_CREDENTIALS')
  })
})

describe('forgot and reset password', () => {
  it('resets through the mailed token: old password fails, new works', async () => {
    const user = await signUp(stack, { label: 'forgetful' })
    const forgot = await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: user.email } })
    expect(forgot.status).toBe(200)
    const mail = await stack.mail.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject))
    const link = mail.links.find((l) => l.includes('/account/reset-password?token='))!
    expect(link.startsWith(`${stack.url}/account/reset-password?token=`)).toBe(true)
    const token = new URL(link).searchParams.get('token')!

    const tooShort = await rest(stack, 'POST', '/api/users/reset-password', { body: { token, password: 'short' } })
    expect(tooShort.status).toBe(400)
    expect(JSON.stringify(tooShort.body)).toMatch(/at least 10 characters/)

    const newPassword = 'a brand new passphrase'
    const reset = await rest(stack, 'POST', '/api/users/reset-password', { body: { token, password: newPassword } })
    expect(reset.status).toBe(200)

    expect((await login(stack, user.email, user.password)).status).toBe(401)
    expect((await login(stack, user.email, newPassword)).status).toBe(200)

    // The token is spent.
    const replay = await rest(stack, 'POST', '/api/users/reset-password', { body: { token, password: 'yet another passphrase' } })
    expect(replay.status).toBe(403)
  })

  it('resets through the page the mail links to', async () => {
    const user = await signUp(stack, { label: 'formreset' })
    await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: user.email } })
    const mail = await stack.mail.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject))
    const link = mail.links.find((l) => l.includes('/account/reset-password?token='))!
    const token = new URL(link).searchParams.get('token')!

    const form = await fetch(link, { signal: AbortSignal.timeout(20_000) })
    expect(form.status).toBe(200)
    expect(await form.text()).toMatch(/<form method="post"/)

    const post = (fields: Record<string, string>) =>
      fetch(`${stack.url}/account/reset-password`, {
        method: 'POST',
        body: new URLSearchParams(fields),
        signal: AbortSignal.timeout(20_000),
      })
    const mismatch = await post({ token, password: 'first passphrase', confirm: 'other passphrase' })
    expect(mismatch.status).toBe(400)
    expect(await mismatch.text()).toMatch(/differ/)
    const short = await post({ token, password: 'short', confirm: 'short' })
    expect(short.status).toBe(400)
    expect(await short.text()).toMatch(/at least 10 characters/)

    const ok = await post({ token, password: 'form chosen passphrase', confirm: 'form chosen passphrase' })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toMatch(/Password changed/)
    expect((await login(stack, user.email, 'form chosen passphrase')).status).toBe(200)
  })

  it('answers the same for unknown addresses (no account enumeration)', async () => {
    const res = await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: uniqueEmail('nobody') } })
    expect(res.status).toBe(200)
  })
})

describe('bad input gets a clear 4xx and changes nothing', () => {
  it.each([
    ['a short password', { password: 'short', name: 'Shorty' }, /at least 10 characters/],
    ['no name', { password: GOOD_PASSWORD }, /name/i],
    ['an invalid email', { email: 'not-an-email', password: GOOD_PASSWORD, name: 'X' }, /email/i],
    ['no password', { name: 'No Password' }, /password/i],
    ['a malformed phone', { password: GOOD_PASSWORD, name: 'P', phone: 'call me maybe' }, /phone/i],
  ])('registration with %s → 400', async (_, fields, message) => {
    const email = uniqueEmail('bad')
    const res = await rest(stack, 'POST', '/api/users', { body: { email, ...fields } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toMatch(message)
    expect((await login(stack, (fields as { email?: string }).email ?? email, GOOD_PASSWORD)).status).toBe(401)
  })

  it('a self-registration cannot mark itself verified', async () => {
    const email = uniqueEmail('selfverified')
    const res = await rest(stack, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'V', _verified: true } })
    expect(res.status).toBe(201)
    expect((await login(stack, email, GOOD_PASSWORD)).status).toBe(403)
  })

  it('a malformed JSON body → 4xx, not 500', async () => {
    const res = await rest(stack, 'POST', '/api/users', { raw: '{"email": "x@example.test", "password": ' })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
  })

  it('login without a password → 400', async () => {
    const res = await rest(stack, 'POST', '/api/users/login', { body: { email: uniqueEmail('nopass') } })
    expect(res.status).toBe(400)
  })

  it('a duplicate email → the same 201 as a new one, and no second account', async () => {
    const user = await signUp(stack, { label: 'dup' })
    const res = await rest(stack, 'POST', '/api/users', {
      body: { email: user.email.toUpperCase(), password: 'another passphrase here', name: 'Dup' },
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ message: 'Check your email to finish signing up.' })
    expect((await login(stack, user.email, user.password)).status).toBe(200)
  })

  it("changing one's own password to a short one → 400, old password still works", async () => {
    const user = await signUp(stack, { label: 'selfpw' })
    const res = await rest(stack, 'PATCH', `/api/users/${user.id}`, { token: user.token, body: { password: 'tiny' } })
    expect(res.status).toBe(400)
    expect((await login(stack, user.email, user.password)).status).toBe(200)
  })
})

describe('GraphQL auth', () => {
  it('registers, logs in and reads me through GraphQL', async () => {
    const email = uniqueEmail('gql')
    const created = await gql(stack, `mutation($data: mutationUserInput!) { createUser(data: $data) { id name } }`, {
      data: { email, password: GOOD_PASSWORD, name: 'Graph Q' },
    })
    expect(created.body.errors).toBeUndefined()
    await verifyByMail(stack, email)

    const loggedIn = await gql(
      stack,
      `mutation($e: String!, $p: String!) { loginUser(email: $e, password: $p) { token user { email roles } } }`,
      {
        e: email,
        p: GOOD_PASSWORD,
      },
    )
    expect(loggedIn.body.errors).toBeUndefined()
    const token = loggedIn.body.data.loginUser.token
    expect(loggedIn.body.data.loginUser.user).toEqual({ email, roles: ['guest'] })

    const me = await gql(stack, `{ meUser { user { email name } } }`, {}, { token })
    expect(me.body.data.meUser.user).toEqual({ email, name: 'Graph Q' })
  })

  it('refuses a short password through GraphQL too', async () => {
    const res = await gql(stack, `mutation($data: mutationUserInput!) { createUser(data: $data) { id } }`, {
      data: { email: uniqueEmail('gqlshort'), password: 'short', name: 'S' },
    })
    expect(res.body.errors?.[0]?.message).toMatch(/invalid|at least 10/i)
    expect(JSON.stringify(res.body.errors)).toMatch(/at least 10 characters/)
  })
})
