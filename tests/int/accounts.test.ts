import { GOOD_PASSWORD } from '../helpers/constants'
import { type TestUser, gql, login, rest, signUp, signUpCast, uniqueEmail } from '../helpers/api'
import { startSmtpSink } from '../../scripts/lib/smtpSink'
import { type Stack, freePort, queryDatabase, startStack } from '../helpers/stack'
import { eventually } from '../helpers/wait'

/**
 * Account hardening (issue 11): auth fields are not queryable, email changes are confirmed, answers do
 * not tell known addresses from unknown ones, account mail goes through the queue.
 */
let stack: Stack
let admin: TestUser
let staff: TestUser
let host: TestUser
let guest: TestUser
let otherGuest: TestUser

const REGISTERED = { message: 'Check your email to finish signing up.' }

beforeAll(async () => {
  stack = await startStack()
  ;({ admin, staff, host, guest, otherGuest } = await signUpCast(stack))
}, 120_000) // a server and a mail worker
afterAll(async () => {
  await stack?.stop()
})

describe('auth fields cannot be filtered or sorted on by others', () => {
  const callers: [string, () => string | undefined][] = [
    ['anonymous', () => undefined],
    ['a guest', () => guest.token],
    ['a host', () => host.token],
  ]
  const fields = [
    'sessions',
    'sessions.id',
    'sessions.createdAt',
    'sessions.expiresAt',
    'loginAttempts',
    'lockUntil',
    'hash',
    'salt',
    'resetPasswordToken',
    'resetPasswordExpiration',
    '_verificationToken',
    '_verified',
    'apiKey',
    'apiKeyIndex',
    'enableAPIKey',
    'email',
    'pendingEmail',
    'emailChangeToken',
    'emailChangeExpiration',
  ]

  it.each(callers)('%s: where on any auth field is refused, whatever the value', async (_, token) => {
    for (const field of fields) {
      const answers: { query: string; status: number; body: { docs?: unknown } }[] = []
      for (const query of [
        `where[${field}][exists]=true`,
        `where[${field}][exists]=false`,
        `where[${field}][like]=a`,
        `where[${field}][like]=zz`,
        `where[${field}][equals]=0`,
      ]) {
        const res = await rest(stack, 'GET', `/api/users?${query}`, { token: token() })
        answers.push({ query, status: res.status, body: res.body })
      }
      for (const answer of answers) {
        expect({ field, query: answer.query, status: answer.status }).toEqual({ field, query: answer.query, status: 400 })
        expect(answer.body.docs).toBeUndefined()
      }
      // The value never changes the answer (the operator may: `like` on a checkbox is refused for its type).
      const body = (i: number) => JSON.stringify(answers[i]!.body)
      expect({ field, exists: body(1) }).toEqual({ field, exists: body(0) })
      expect({ field, like: body(3) }).toEqual({ field, like: body(2) })
    }
  })

  it.each(callers)('%s: sort on any auth field is refused', async (_, token) => {
    for (const field of fields) {
      for (const sort of [field, `-${field}`]) {
        const res = await rest(stack, 'GET', `/api/users?sort=${encodeURIComponent(sort)}`, { token: token() })
        expect({ sort, status: res.status }).toEqual({ sort, status: 400 })
        expect(res.body.docs).toBeUndefined()
      }
    }
  })

  it.each(callers)('%s: GraphQL where and sort on sessions and lock fields give errors, never data', async (_, token) => {
    const queries = [
      `{ Users(where: { sessions__id: { exists: true } }) { totalDocs docs { id } } }`,
      `{ Users(where: { sessions__id: { like: "a" } }) { totalDocs docs { id } } }`,
      `{ Users(where: { sessions__createdAt: { exists: true } }) { totalDocs } }`,
      `{ Users(where: { email: { like: "example" } }) { totalDocs } }`,
      `{ Users(where: { _verified: { equals: true } }) { totalDocs } }`,
      `{ Users(where: { pendingEmail: { exists: true } }) { totalDocs } }`,
      `{ Users(sort: "sessions.createdAt") { docs { id } } }`,
      `{ Users(sort: "-sessions__createdAt") { docs { id } } }`,
      `{ Users(sort: "lockUntil") { docs { id } } }`,
      `{ Users(sort: "loginAttempts") { docs { id } } }`,
      `{ Users(sort: "email") { docs { id } } }`,
      `{ countUsers(where: { sessions__id: { exists: true } }) { totalDocs } }`,
    ]
    for (const query of queries) {
      const res = await gql(stack, query, {}, { token: token() })
      expect({ query, status: res.status < 500 }).toEqual({ query, status: true })
      expect({ query, errors: Boolean(res.body.errors?.length) }).toEqual({ query, errors: true })
      const data = res.body.data as Record<string, unknown> | undefined
      expect({ query, data: data ? Object.values(data).filter((v) => v !== null) : [] }).toEqual({ query, data: [] })
      for (const error of res.body.errors ?? []) expect(error.extensions?.statusCode ?? 400).toBeLessThan(500)
    }
  })

  it('sessions of others are not read; staff still filter on them', async () => {
    const other = await rest(stack, 'GET', `/api/users/${otherGuest.id}`, { token: guest.token })
    expect(other.body.sessions ?? []).toEqual([])
    const byStaff = await rest(stack, 'GET', `/api/users?where[sessions.id][exists]=true&limit=100`, { token: staff.token })
    expect(byStaff.status).toBe(200)
    expect(byStaff.body.docs.map((d: { id: number }) => d.id)).toContain(guest.id)
  })
})

describe('email changes', () => {
  const mailTo = (address: string, subject: RegExp) => stack.mail.waitFor((m) => m.to.includes(address) && subject.test(m.subject), 30_000)

  it.each([
    ['no current password', {}],
    ['a wrong current password', { currentPassword: 'not my password at all' }],
  ])('with %s → 400 VALIDATION_FAILED on currentPassword, nothing changes', async (_, extra) => {
    const user = await signUp(stack, { label: 'nochange' })
    const newEmail = uniqueEmail('wanted')
    const res = await rest(stack, 'PATCH', `/api/users/${user.id}`, { token: user.token, body: { email: newEmail, ...extra } })
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'currentPassword' })
    const me = (await rest(stack, 'GET', '/api/users/me', { token: user.token })).body.user
    expect(me.email).toBe(user.email)
    expect(me.pendingEmail ?? null).toBeNull()
  })

  it('the new address waits until confirmed; the old one signs in until then and is told', async () => {
    const user = await signUp(stack, { label: 'mover' })
    const newEmail = uniqueEmail('moved')
    const res = await rest(stack, 'PATCH', `/api/users/${user.id}`, {
      token: user.token,
      body: { email: newEmail, currentPassword: user.password, name: 'Mover' },
    })
    expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null })
    expect(res.body.doc).toMatchObject({ email: user.email, pendingEmail: newEmail, name: 'Mover' })

    const notice = await mailTo(user.email, /asked to change/i)
    expect(notice.text).toContain(newEmail)
    const confirm = await mailTo(newEmail, /confirm your new email/i)
    const link = confirm.links.find((l) => l.includes('/account/confirm-email?token='))!
    expect(link.startsWith(`${stack.url}/account/confirm-email?token=`)).toBe(true)

    // Not yet: the old address still signs in, the new one does not.
    expect((await login(stack, user.email, user.password)).status).toBe(200)
    expect((await login(stack, newEmail, user.password)).status).toBe(401)

    const page = await fetch(link, { signal: AbortSignal.timeout(20_000) })
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/Email changed/)
    expect((await login(stack, newEmail, user.password)).status).toBe(200)
    expect((await login(stack, user.email, user.password)).status).toBe(401)
    await mailTo(user.email, /was changed/i)

    // Opened again soon (a reload, a second click): it still says it worked, and changes nothing.
    const again = await fetch(link, { signal: AbortSignal.timeout(20_000) })
    expect(again.status).toBe(200)
    expect(await again.text()).toMatch(/Email changed/)
    expect((await login(stack, newEmail, user.password)).status).toBe(200)
  })

  it('GraphQL: a wrong current password is refused with VALIDATION_FAILED', async () => {
    const user = await signUp(stack, { label: 'gqlmover' })
    const res = await gql(
      stack,
      `mutation($id: Int!, $e: String!) { updateUser(id: $id, data: { email: $e, currentPassword: "wrong wrong wrong" }) { id email } }`,
      { id: user.id, e: uniqueEmail('gqlmoved') },
      { token: user.token },
    )
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'currentPassword' } })
    expect((await login(stack, user.email, user.password)).status).toBe(200)
  })

  it("an admin sets another account's address directly; the old address is told", async () => {
    const user = await signUp(stack, { label: 'supportcase' })
    const newEmail = uniqueEmail('supportset')
    const res = await rest(stack, 'PATCH', `/api/users/${user.id}`, { token: admin.token, body: { email: newEmail } })
    expect(res.status).toBe(200)
    expect(res.body.doc.email).toBe(newEmail)
    expect((await login(stack, newEmail, user.password)).status).toBe(200)
    await mailTo(user.email, /was changed/i)
  })

  it('a client cannot write pendingEmail or the token itself', async () => {
    const user = await signUp(stack, { label: 'sneaky' })
    const res = await rest(stack, 'PATCH', `/api/users/${user.id}`, {
      token: user.token,
      body: { pendingEmail: uniqueEmail('sneaked'), emailChangeToken: 'a'.repeat(48) },
    })
    expect(res.status).toBe(200)
    const me = (await rest(stack, 'GET', '/api/users/me', { token: user.token })).body.user
    expect(me.pendingEmail ?? null).toBeNull()
    const page = await fetch(`${stack.url}/account/confirm-email?token=${'a'.repeat(48)}`, { signal: AbortSignal.timeout(20_000) })
    expect(page.status).toBe(400)
  })
})

describe('no account enumeration', () => {
  it('login: unknown address, wrong password and locked account answer alike', async () => {
    const user = await signUp(stack, { label: 'enum' })
    const unknown = await login(stack, uniqueEmail('ghost'), 'wrong password here')
    const wrong = await login(stack, user.email, 'wrong password here')
    expect(unknown.status).toBe(401)
    expect(wrong.status).toBe(401)
    expect(unknown.body).toEqual(wrong.body)
    expect(wrong.body.errors[0].code).toBe('INVALID_CREDENTIALS')

    for (let i = 0; i < 4; i++) await login(stack, user.email, 'wrong password here')
    const locked = await login(stack, user.email, user.password)
    expect(locked.status).toBe(401)
    expect(locked.body).toEqual(unknown.body)

    const gqlLogin = (email: string, password: string) =>
      gql(stack, `mutation($e: String!, $p: String!) { loginUser(email: $e, password: $p) { token } }`, { e: email, p: password })
    const gqlUnknown = await gqlLogin(uniqueEmail('ghost'), user.password)
    const gqlLocked = await gqlLogin(user.email, user.password)
    expect(gqlLocked.body.errors?.[0]?.message).toBe(gqlUnknown.body.errors?.[0]?.message)
    expect(gqlLocked.body.errors?.[0]?.extensions).toEqual(gqlUnknown.body.errors?.[0]?.extensions)
  })

  it('the owner of a locked account is told once per lock', async () => {
    const user = await signUp(stack, { label: 'lockmail' })
    for (let i = 0; i < 5; i++) await login(stack, user.email, 'wrong password here')
    await stack.mail.waitFor((m) => m.to.includes(user.email) && /was locked/.test(m.subject), 30_000)
    // More attempts during the same lock queue nothing new; a later mail to the same person is the marker.
    for (let i = 0; i < 3; i++) expect((await login(stack, user.email, user.password)).status).toBe(401)
    await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: user.email } })
    await stack.mail.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject), 30_000)
    expect(stack.mail.messages.filter((m) => m.to.includes(user.email) && /was locked/.test(m.subject))).toHaveLength(1)
  })

  it('forgot-password answers alike for known and unknown addresses, REST and GraphQL', async () => {
    const user = await signUp(stack, { label: 'forgot' })
    const known = await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: user.email } })
    const unknown = await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: uniqueEmail('ghost') } })
    expect(known.status).toBe(200)
    expect(unknown).toMatchObject({ status: known.status, body: known.body })
    const q = `mutation($e: String!) { forgotPasswordUser(email: $e) }`
    const gKnown = await gql(stack, q, { e: user.email })
    const gUnknown = await gql(stack, q, { e: uniqueEmail('ghost') })
    expect(gKnown.body).toEqual({ data: { forgotPasswordUser: true } })
    expect(gUnknown.body).toEqual(gKnown.body)
  })

  it('registration answers alike for new and known addresses; the owner of a known one is told', async () => {
    const user = await signUp(stack, { label: 'taken' })
    const fresh = await rest(stack, 'POST', '/api/users', { body: { email: uniqueEmail('fresh'), password: GOOD_PASSWORD, name: 'Fresh' } })
    const taken = await rest(stack, 'POST', '/api/users', { body: { email: user.email, password: GOOD_PASSWORD, name: 'Copy' } })
    expect(fresh).toMatchObject({ status: 201, body: REGISTERED })
    expect(taken).toMatchObject({ status: 201, body: REGISTERED })
    await stack.mail.waitFor((m) => m.to.includes(user.email) && /tried to sign up/.test(m.subject), 30_000)

    const q = `mutation($data: mutationUserInput!) { createUser(data: $data) { id email } }`
    const gFresh = await gql(stack, q, { data: { email: uniqueEmail('gfresh'), password: GOOD_PASSWORD, name: 'G' } })
    const gTaken = await gql(stack, q, { data: { email: user.email, password: GOOD_PASSWORD, name: 'G' } })
    expect(gFresh.body).toEqual({ data: { createUser: null } })
    expect(gTaken.body).toEqual(gFresh.body)
  })

  it('bad input is refused alike for new and known addresses', async () => {
    const user = await signUp(stack, { label: 'badinput' })
    const fresh = await rest(stack, 'POST', '/api/users', { body: { email: uniqueEmail('short'), password: 'short', name: 'S' } })
    const taken = await rest(stack, 'POST', '/api/users', { body: { email: user.email, password: 'short', name: 'S' } })
    expect(fresh.status).toBe(400)
    expect(taken).toMatchObject({ status: 400, body: fresh.body })
  })

  it('staff and admins creating accounts still get the document', async () => {
    const email = uniqueEmail('madebystaff')
    const res = await rest(stack, 'POST', '/api/users', { token: staff.token, body: { email, password: GOOD_PASSWORD, name: 'Made' } })
    expect(res.status).toBe(201)
    expect(res.body.doc).toMatchObject({ email, name: 'Made', roles: ['guest'] })
    const g = await gql(
      stack,
      `mutation($data: mutationUserInput!) { createUser(data: $data) { id email } }`,
      {
        data: { email: uniqueEmail('gqlbyadmin'), password: GOOD_PASSWORD, name: 'G' },
      },
      { token: admin.token },
    )
    expect(typeof g.body.data.createUser.id).toBe('number')
    // Their unverified account still gets its link through the queue.
    await stack.mail.waitFor((m) => m.to.includes(email) && /confirm your email/i.test(m.subject), 30_000)
  })

  it('login timing does not tell a known address from an unknown one', async () => {
    // Wrong passwords for real accounts (4 each, below the lock) against unknown addresses, interleaved.
    const accounts = await Promise.all([0, 1, 2].map((i) => signUp(stack, { label: `timing${i}` })))
    const known: number[] = []
    const unknown: number[] = []
    const time = async (email: string) => {
      const started = performance.now()
      const res = await login(stack, email, 'not the password at all')
      expect(res.status).toBe(401)
      return performance.now() - started
    }
    for (let round = 0; round < 4; round++) {
      for (const account of accounts) {
        known.push(await time(account.email))
        unknown.push(await time(uniqueEmail('nobody')))
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const ratio = median(known) / median(unknown)
    console.log(`login medians: known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms, ratio ${ratio.toFixed(2)}`)
    // Before: ~20× (a hash against none). Now both spend one hash; the rest is a query or two.
    expect(ratio).toBeGreaterThan(0.5)
    expect(ratio).toBeLessThan(2)
  })

  it('forgot-password and registration timing does not tell known addresses either', async () => {
    const owner = await signUp(stack, { label: 'timingowner' })
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const timed = async (send: () => Promise<{ status: number }>, status: number) => {
      const started = performance.now()
      expect((await send()).status).toBe(status)
      return performance.now() - started
    }
    const forgotKnown: number[] = []
    const forgotUnknown: number[] = []
    const registerKnown: number[] = []
    const registerNew: number[] = []
    for (let i = 0; i < 8; i++) {
      forgotKnown.push(await timed(() => rest(stack, 'POST', '/api/users/forgot-password', { body: { email: owner.email } }), 200))
      forgotUnknown.push(
        await timed(() => rest(stack, 'POST', '/api/users/forgot-password', { body: { email: uniqueEmail('nobody') } }), 200),
      )
      registerKnown.push(
        await timed(() => rest(stack, 'POST', '/api/users', { body: { email: owner.email, password: GOOD_PASSWORD, name: 'Again' } }), 201),
      )
      registerNew.push(
        await timed(
          () => rest(stack, 'POST', '/api/users', { body: { email: uniqueEmail('newbie'), password: GOOD_PASSWORD, name: 'New' } }),
          201,
        ),
      )
    }
    const forgotGap = Math.abs(median(forgotKnown) - median(forgotUnknown))
    const registerRatio = median(registerKnown) / median(registerNew)
    console.log(
      `forgot-password medians: known ${median(forgotKnown).toFixed(1)} ms, unknown ${median(forgotUnknown).toFixed(1)} ms; ` +
        `registration medians: known ${median(registerKnown).toFixed(1)} ms, new ${median(registerNew).toFixed(1)} ms`,
    )
    // Forgot-password only queues either way: a few ms each, so a ratio of two small numbers is noise
    // under load. What must not show is real work for a known address (a token, a row, an SMTP
    // round trip: tens to hundreds of ms), so the medians stay within 50 ms of each other.
    expect(forgotGap).toBeLessThan(50)
    // Registration hashes a password either way.
    expect(registerRatio).toBeGreaterThan(0.5)
    expect(registerRatio).toBeLessThan(2)
  })
})

describe('the first account on an empty database', () => {
  it('parallel registrations make exactly one admin', async () => {
    const fresh = await startStack()
    try {
      const emails = Array.from({ length: 4 }, (_, i) => uniqueEmail(`racer${i}`))
      const answers = await Promise.all(
        emails.map((email) => rest(fresh, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'Racer' } })),
      )
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201])
      const admins = await queryDatabase(fresh, `SELECT count(*)::int AS n FROM users_roles WHERE value = 'admin'`)
      const users = await queryDatabase(fresh, `SELECT count(*)::int AS n FROM users`)
      expect(users.rows[0].n).toBe(4)
      expect(admins.rows[0].n).toBe(1)
    } finally {
      await fresh.stop()
    }
  }, 180_000) // a second server and mail worker
})

describe('account mail with the mail server down', () => {
  it('registration and forgot-password answer as usual; the mail goes out once SMTP is back', async () => {
    const smtpPort = await freePort()
    const down = await startStack({ env: { SMTP_PORT: String(smtpPort) } })
    try {
      const email = uniqueEmail('nomail')
      const res = await rest(down, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'No Mail' } })
      expect(res).toMatchObject({ status: 201, body: REGISTERED })
      const forgot = await rest(down, 'POST', '/api/users/forgot-password', { body: { email } })
      expect(forgot.status).toBe(200)
      // The worker has tried and failed at least once before the server comes up.
      await eventually('a failed delivery attempt', async () => /job failed/.test(down.mailWorker!.output()), { timeoutMs: 30_000 })
      const sink = await startSmtpSink(smtpPort)
      try {
        await sink.waitFor((m) => m.to.includes(email) && /confirm your email/i.test(m.subject), 60_000)
        await sink.waitFor((m) => m.to.includes(email) && /reset/i.test(m.subject), 60_000)
      } finally {
        await sink.close()
      }
    } finally {
      await down.stop()
    }
  }, 180_000) // a second server and mail worker, and mail retried until SMTP is back
})
