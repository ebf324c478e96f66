import { type ApiResponse, gql, login, rest, signUp, signUpCast, uniqueEmail } from '../helpers/api'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, startStack } from '../helpers/stack'

/**
 * Review P2-5 and P1-1: wrong passwords sent in parallel lock an account inside Payload's own login
 * (LockedAuth, "This user is locked"), which must still answer exactly like a wrong password for an
 * unknown address, and still tell the owner once. A forgot-password address that no account can have
 * (a NUL byte) is refused before anything is queued.
 */
let stack: Stack
let queues: StackQueues

beforeAll(async () => {
  stack = await startStack()
  queues = stackQueues(stack)
  await signUpCast(stack)
}, 120_000) // a server and a mail worker
afterAll(async () => {
  await queues?.close()
  await stack?.stop()
})

const PARALLEL = 8
const WRONG = 'not the password at all'
const lockMails = (email: string) => stack.mail.messages.filter((m) => m.to.includes(email) && /was locked/.test(m.subject))
const answer = (res: ApiResponse) => ({ status: res.status, body: res.body })

describe('parallel wrong passwords', () => {
  it('REST: a real account answers exactly like an unknown address; its owner is told once', async () => {
    const user = await signUp(stack, { label: 'parallel-rest' })
    const ghost = uniqueEmail('parallel-ghost')
    const [real, unknown] = await Promise.all([
      Promise.all(Array.from({ length: PARALLEL }, () => login(stack, user.email, WRONG))),
      Promise.all(Array.from({ length: PARALLEL }, () => login(stack, ghost, WRONG))),
    ])
    const expected = answer(unknown[0]!) // PARALLEL answers
    expect(expected).toMatchObject({ status: 401, body: { errors: [{ code: 'INVALID_CREDENTIALS' }] } })
    for (const res of [...real, ...unknown]) expect(answer(res)).toEqual(expected)

    // The account is locked now, and the owner hears of it without logging in again.
    await stack.mail.waitFor((m) => m.to.includes(user.email) && /was locked/.test(m.subject), 30_000)
    expect(answer(await login(stack, user.email, user.password))).toEqual(expected)
    await queues.quiescent()
    expect(lockMails(user.email)).toHaveLength(1)
  })

  it('GraphQL: a real account answers exactly like an unknown address; its owner is told once', async () => {
    const user = await signUp(stack, { label: 'parallel-gql' })
    const ghost = uniqueEmail('parallel-gql-ghost')
    const loginUser = (email: string, password: string) =>
      gql(stack, `mutation($e: String!, $p: String!) { loginUser(email: $e, password: $p) { token } }`, { e: email, p: password })
    const [real, unknown] = await Promise.all([
      Promise.all(Array.from({ length: PARALLEL }, () => loginUser(user.email, WRONG))),
      Promise.all(Array.from({ length: PARALLEL }, () => loginUser(ghost, WRONG))),
    ])
    const expected = answer(unknown[0]!) // PARALLEL answers
    expect(expected.body.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_CREDENTIALS', statusCode: 401 } })
    for (const res of [...real, ...unknown]) expect(answer(res)).toEqual(expected)

    await stack.mail.waitFor((m) => m.to.includes(user.email) && /was locked/.test(m.subject), 30_000)
    expect(answer(await loginUser(user.email, user.password))).toEqual(expected)
    await queues.quiescent()
    expect(lockMails(user.email)).toHaveLength(1)
  })
})

describe('forgot-password with an address no account can have', () => {
  const queuedFor = async (email: string) => {
    const jobs = await queues.queue('mail').getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'])
    return jobs.filter((job) => (job?.data as { email?: string } | undefined)?.email === email)
  }

  it.each([
    ['a NUL byte', 'a\u0000@example.test'],
    ['a NUL byte after a known-looking address', `${uniqueEmail('nul')}\u0000`],
    ['no @ at all', 'not-an-address'],
    ['a space inside', 'a b@example.test'],
  ])('REST: %s → 400 VALIDATION_FAILED on email, nothing queued', async (_, email) => {
    const res = await rest(stack, 'POST', '/api/users/forgot-password', { body: { email } })
    expect(answer(res)).toEqual({ status: 400, body: { errors: [expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'email' })] } })
    expect(await queuedFor(email.trim().toLowerCase())).toEqual([])
  })

  // A NUL is refused by the GraphQL argument rules already (field "forgotPasswordUser.email"); a
  // non-address reaches the resolver's own check (field "email").
  it.each([
    ['a NUL byte', 'b\u0000@example.test'],
    ['no @ at all', 'still-not-an-address'],
  ])('GraphQL forgotPasswordUser with %s → VALIDATION_FAILED on email, nothing queued', async (_, email) => {
    const res = await gql(stack, `mutation($e: String!) { forgotPasswordUser(email: $e) }`, { e: email })
    expect(res.status).toBeLessThan(500)
    expect(res.body.errors?.[0]).toMatchObject({
      extensions: { code: 'VALIDATION_FAILED', field: expect.stringMatching(/(^|\.)email$/), statusCode: 400 },
    })
    expect(res.body.data?.forgotPasswordUser ?? null).toBeNull()
    expect(await queuedFor(email)).toEqual([])
  })

  it('a real address still gets its reset mail', async () => {
    const user = await signUp(stack, { label: 'still-resets' })
    expect((await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: user.email } })).status).toBe(200)
    await stack.mail.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject), 30_000)
  })
})
