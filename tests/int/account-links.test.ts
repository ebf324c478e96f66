import { createHash } from 'node:crypto'

import { Redis } from 'ioredis'
import type { Browser } from 'playwright-core'

import { launchChromium } from '../helpers/browser'
import { GOOD_PASSWORD } from '../helpers/constants'
import { login, rest, signUp, uniqueEmail } from '../helpers/api'
import { type Stack, startStack } from '../helpers/stack'

/**
 * The links in account mail, opened as people open them: in a real browser (Chromium), twice, and with
 * an eye on the headers that make a browser load a page twice (Critical-CH).
 */
let stack: Stack
let browser: Browser
let redis: Redis

beforeAll(async () => {
  stack = await startStack()
  // The first account becomes admin; take it so the accounts below are ordinary.
  await signUp(stack, { label: 'first-admin' })
  browser = await launchChromium()
  redis = new Redis(stack.env.REDIS_URL!, { maxRetriesPerRequest: null })
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await redis?.quit()
  await stack?.stop()
})

async function register(label: string): Promise<{ email: string; link: string }> {
  const email = uniqueEmail(label)
  expect((await rest(stack, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'Link Person' } })).status).toBe(201)
  const mail = await stack.mail.waitFor((m) => m.to.includes(email) && /confirm your email/i.test(m.subject))
  return { email, link: mail.links.find((l) => l.includes('/account/verify?token='))! }
}

async function resetLink(email: string): Promise<string> {
  expect((await rest(stack, 'POST', '/api/users/forgot-password', { body: { email } })).status).toBe(200)
  const mail = await stack.mail.waitFor((m) => m.to.includes(email) && /reset/i.test(m.subject))
  return mail.links.find((l) => l.includes('/account/reset-password?token='))!
}

/** Makes the record of a used link look older than it is, as if `minutes` had passed since its use. */
async function ageUsedLink(kind: 'verify-email' | 'reset-password', link: string, minutes: number): Promise<void> {
  const token = new URL(link).searchParams.get('token')!
  const key = `${stack.env.REDIS_PREFIX}used-link:${kind}:${createHash('sha256').update(token).digest('hex')}`
  const record = JSON.parse((await redis.get(key))!) as { userId: number; usedAt: number }
  await redis.set(key, JSON.stringify({ ...record, usedAt: record.usedAt - minutes * 60_000 }), 'KEEPTTL')
}

describe('in Chromium', () => {
  it('the verification link says "Email confirmed", and the account can log in', async () => {
    const { email, link } = await register('chromium-verify')
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      let loads = 0
      page.on('request', (request) => {
        if (request.url().includes('/account/verify')) loads++
      })
      const response = await page.goto(link)
      expect(response?.status()).toBe(200)
      expect(await page.locator('h1').textContent()).toBe('Email confirmed')
      // Chromium loads a page a second time when it answers with a Critical-CH the request lacked.
      expect(loads).toBe(1)
    } finally {
      await context.close()
    }
    expect((await login(stack, email, GOOD_PASSWORD)).status).toBe(200)
  })

  it('the reset link shows the form; submitting it changes the password', async () => {
    const user = await signUp(stack, { label: 'chromium-reset' })
    const link = await resetLink(user.email)
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      const loads: string[] = []
      page.on('request', (request) => {
        if (request.url().includes('/account/reset-password')) loads.push(request.method())
      })
      expect((await page.goto(link))?.status()).toBe(200)
      await page.fill('#password', 'chosen in chromium')
      await page.fill('#confirm', 'chosen in chromium')
      await Promise.all([page.waitForURL(`${stack.url}/account/reset-password`), page.click('button[type="submit"]')])
      expect(await page.locator('h1').textContent()).toBe('Password changed')
      expect(loads).toEqual(['GET', 'POST'])
    } finally {
      await context.close()
    }
    expect((await login(stack, user.email, 'chosen in chromium')).status).toBe(200)
    expect((await login(stack, user.email, user.password)).status).toBe(401)
  })
})

describe('no client-hint headers outside the admin panel', () => {
  it.each([
    ['GET', '/api/users/me'],
    ['GET', '/api/properties?limit=1'],
    ['POST', '/api/graphql'],
    ['GET', '/account/verify?token=not-a-token'],
    ['GET', '/account/reset-password?token=not-a-token'],
    ['POST', '/account/reset-password'],
  ])('%s %s carries no Critical-CH or Accept-CH', async (method, path) => {
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers:
        method === 'POST' ? { 'content-type': path.startsWith('/api') ? 'application/json' : 'application/x-www-form-urlencoded' } : {},
      body: method === 'POST' ? (path.startsWith('/api') ? JSON.stringify({ query: '{ __typename }' }) : 'token=x') : undefined,
      signal: AbortSignal.timeout(30_000),
    })
    expect(res.status).toBeLessThan(500)
    expect(res.headers.get('critical-ch')).toBeNull()
    expect(res.headers.get('accept-ch')).toBeNull()
  })

  it('the admin panel keeps them (Payload reads the preferred colour scheme)', async () => {
    const res = await fetch(`${stack.url}/admin/login`, { redirect: 'manual', signal: AbortSignal.timeout(30_000) })
    expect(res.headers.get('critical-ch')).toBe('Sec-CH-Prefers-Color-Scheme')
  })
})

describe('a link opened again', () => {
  it('verification: again within 10 minutes → still "Email confirmed"; after 10 minutes, or a token never issued → the error', async () => {
    const { email, link } = await register('reopen-verify')
    const open = async (url: string) => {
      const res = await fetch(url, { signal: AbortSignal.timeout(20_000) })
      return { status: res.status, text: await res.text() }
    }
    expect(await open(link)).toEqual({ status: 200, text: expect.stringContaining('Email confirmed') })
    expect(await open(link)).toEqual({ status: 200, text: expect.stringContaining('Email confirmed') })
    expect((await login(stack, email, GOOD_PASSWORD)).status).toBe(200)

    await ageUsedLink('verify-email', link, 11)
    expect(await open(link)).toEqual({ status: 400, text: expect.stringContaining('invalid or was already used') })
    const never = new URL(link)
    never.searchParams.set('token', 'a'.repeat(40))
    expect(await open(never.toString())).toEqual({ status: 400, text: expect.stringContaining('invalid or was already used') })
  })

  it('reset: the page again within 10 minutes says the password was changed, and a second submission changes nothing', async () => {
    const user = await signUp(stack, { label: 'reopen-reset' })
    const link = await resetLink(user.email)
    const token = new URL(link).searchParams.get('token')!
    const submit = async (password: string) => {
      const res = await fetch(`${stack.url}/account/reset-password`, {
        method: 'POST',
        body: new URLSearchParams({ token, password, confirm: password }),
        signal: AbortSignal.timeout(20_000),
      })
      return { status: res.status, text: await res.text() }
    }
    expect(await submit('the first new passphrase')).toEqual({ status: 200, text: expect.stringContaining('Your password is changed') })

    const again = await fetch(link, { signal: AbortSignal.timeout(20_000) })
    expect(again.status).toBe(200)
    const page = await again.text()
    expect(page).toContain('was changed with this link')
    expect(page).not.toContain('<form')
    expect(await submit('a different passphrase')).toEqual({ status: 200, text: expect.stringContaining('was changed with this link') })
    expect((await login(stack, user.email, 'a different passphrase')).status).toBe(401)
    expect((await login(stack, user.email, 'the first new passphrase')).status).toBe(200)

    await ageUsedLink('reset-password', link, 11)
    const late = await submit('yet another passphrase')
    expect(late.status).toBe(400)
    expect(await fetch(link, { signal: AbortSignal.timeout(20_000) }).then((r) => r.text())).toContain('<form')
  })
})
