import { randomBytes } from 'node:crypto'

import { type Stack, whatTheStackIsDoing } from './stack'
import { GOOD_PASSWORD } from './constants'
import { makeImage } from './images'

export type ApiResponse<T = any> = { status: number; body: T; headers: Headers }

/** How long a test waits for one answer before it fails with what the server and its database were doing. */
const REQUEST_TIMEOUT_MS = 20_000

export async function rest<T = any>(
  stack: Stack,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json'
  if (options.token) headers.authorization = `JWT ${options.token}`
  let res: Response
  let text: string
  let head: number | null = null
  try {
    res = await fetch(`${stack.url}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    head = res.status
    text = await res.text()
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError') throw error
    const got = head === null ? 'no answer' : `only the head of an answer (${head})`
    throw new Error(`${method} ${path}: ${got} within ${REQUEST_TIMEOUT_MS / 1000} s.\n${await whatTheStackIsDoing(stack)}`, {
      cause: error,
    })
  }
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    /* HTML or plain text */
  }
  return { status: res.status, body: body as T, headers: res.headers }
}

export async function gql<T = any>(
  stack: Stack,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<{ data?: T; errors?: { message: string; extensions?: { statusCode?: number } }[] }>> {
  return rest(stack, 'POST', '/api/graphql', { body: { query, variables }, token: options.token, headers: options.headers })
}

export const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.test`

export type TestUser = { id: number; email: string; password: string; token: string; roles: string[] }

/** Follows the verification mail's link, as the person would. */
export async function verifyByMail(stack: Stack, email: string): Promise<void> {
  const mail = await stack.mail.waitFor((m) => m.to.includes(email) && /confirm your email/i.test(m.subject))
  const link = mail.links.find((l) => l.includes('/account/verify'))
  if (!link) throw new Error(`verification mail without link: ${mail.html}`)
  const res = await fetch(link, { signal: AbortSignal.timeout(20_000) })
  if (res.status !== 200) throw new Error(`verification link answered ${res.status}: ${await res.text()}`)
}

export async function login(stack: Stack, email: string, password: string): Promise<ApiResponse> {
  return rest(stack, 'POST', '/api/users/login', { body: { email, password } })
}

/** Registers through the public API, verifies by mail and logs in. */
export async function signUp(stack: Stack, options: { label?: string; roles?: string[]; name?: string } = {}): Promise<TestUser> {
  const email = uniqueEmail(options.label ?? 'user')
  const created = await rest(stack, 'POST', '/api/users', {
    body: { email, password: GOOD_PASSWORD, name: options.name ?? 'Test Person', ...(options.roles ? { roles: options.roles } : {}) },
  })
  if (created.status !== 201) {
    const serverLog = created.status >= 500 ? `\nserver output:\n${stack.output().slice(-4000)}` : ''
    throw new Error(`sign-up failed ${created.status}: ${JSON.stringify(created.body)}${serverLog}`)
  }
  await verifyByMail(stack, email)
  const session = await login(stack, email, GOOD_PASSWORD)
  if (session.status !== 200) throw new Error(`login failed ${session.status}: ${JSON.stringify(session.body)}`)
  return { id: session.body.user.id, email, password: GOOD_PASSWORD, token: session.body.token, roles: session.body.user.roles }
}

/** An admin creates an account with any roles (e.g. staff), already verified. */
export async function createUserAsAdmin(stack: Stack, admin: TestUser, roles: string[], label = 'member'): Promise<TestUser> {
  const email = uniqueEmail(label)
  const created = await rest(stack, 'POST', '/api/users', {
    token: admin.token,
    body: { email, password: GOOD_PASSWORD, name: `${label} person`, roles, _verified: true },
  })
  if (created.status !== 201) throw new Error(`admin create failed ${created.status}: ${JSON.stringify(created.body)}`)
  const session = await login(stack, email, GOOD_PASSWORD)
  if (session.status !== 200) throw new Error(`login failed ${session.status}: ${JSON.stringify(session.body)}`)
  return { id: session.body.user.id, email, password: GOOD_PASSWORD, token: session.body.token, roles: session.body.user.roles }
}

export type Cast = { admin: TestUser; staff: TestUser; host: TestUser; otherHost: TestUser; guest: TestUser; otherGuest: TestUser }

/**
 * The people most suites need, on a fresh stack: the first account (which becomes admin), a staff
 * member made by the admin, two hosts and two guests — each registered and verified like a real user.
 */
export async function signUpCast(stack: Stack, options: { guestName?: string } = {}): Promise<Cast> {
  const admin = await signUp(stack, { label: 'admin' })
  const staff = await createUserAsAdmin(stack, admin, ['staff'], 'staff')
  const host = await signUp(stack, { label: 'host', roles: ['host'] })
  const otherHost = await signUp(stack, { label: 'otherhost', roles: ['host'] })
  const guest = await signUp(stack, { label: 'guest', name: options.guestName })
  const otherGuest = await signUp(stack, { label: 'otherguest' })
  return { admin, staff, host, otherHost, guest, otherGuest }
}

/** Uploads a generated JPEG to /api/media as this user (an avatar, a listing photo). */
export async function uploadImage(
  stack: Stack,
  token: string,
  options: { alt: string; filename?: string; width?: number; height?: number },
): Promise<{ id: number }> {
  const form = new FormData()
  form.append(
    'file',
    new Blob([new Uint8Array(await makeImage(options.width ?? 640, options.height ?? 480))], { type: 'image/jpeg' }),
    options.filename ?? 'photo.jpg',
  )
  form.append('_payload', JSON.stringify({ alt: options.alt }))
  const res = await fetch(`${stack.url}/api/media`, {
    method: 'POST',
    body: form,
    headers: { authorization: `JWT ${token}` },
    signal: AbortSignal.timeout(60_000),
  })
  const body = await res.json()
  if (res.status !== 201) throw new Error(`upload failed ${res.status}: ${JSON.stringify(body)}`)
  return body.doc
}
