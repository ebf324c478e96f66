import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import type { Browser } from 'playwright-core'

import { launchChromium, recordCspViolations } from '../helpers/browser'
import { type TestUser, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'
import { eventually } from '../helpers/wait'

/**
 * The admin panel in a real browser under the Content-Security-Policy: it must work with zero
 * violations, and no other site may frame it.
 */
let stack: Stack
let host: TestUser
let browser: Browser

beforeAll(async () => {
  stack = await startStack()
  ;({ host } = await signUpCast(stack))
  browser = await launchChromium()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 120_000)

it('a host logs into /admin, sees the dashboard and edits a listing with no CSP violation', async () => {
  const listing = await createListing(stack, host, { title: 'Chalet under a strict policy' })
  const context = await browser.newContext()
  const page = await context.newPage()
  const violations = await recordCspViolations(page)

  try {
    await page.goto(`${stack.url}/admin/login`, { timeout: 60_000 })
    await page.fill('input[name="email"]', host.email)
    await page.fill('input[name="password"]', host.password)
    await page.click('button[type="submit"]')
    await page.waitForURL(/\/admin\/?$/, { timeout: 60_000 })
    // The dashboard lists the collections a host works with.
    await page.locator('.dashboard a[href$="/collections/properties"]').first().waitFor({ timeout: 60_000 })

    await page.goto(`${stack.url}/admin/collections/properties/${listing.id}`, { timeout: 60_000 })
    await page.waitForFunction(
      (title) => (document.querySelector('#field-title') as HTMLInputElement | null)?.value === title,
      'Chalet under a strict policy',
      { timeout: 60_000 },
    )
    // The rich-text editor of the description is interactive (its scripts ran).
    await page.locator('[contenteditable="true"]').first().waitFor({ timeout: 60_000 })
    expect(violations).toEqual([])

    // The check itself works: an injected inline script is blocked and reported.
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.injected = true'
      document.body.append(script)
    })
    await eventually('the injected script to be reported', async () => violations.length > 0)
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined()
  } finally {
    await context.close()
  }
}, 240_000)

it('a page on another origin cannot frame /admin', async () => {
  const target = `${stack.url}/admin/login`
  const framer: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html')
    res.end(`<!doctype html><title>framer</title><iframe id="victim" src="${target}" width="800" height="600"></iframe>`)
  })
  await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve))
  const context = await browser.newContext()
  const page = await context.newPage()
  const refusals: string[] = []
  page.on('console', (message) => {
    if (/frame-ancestors|Refused to (frame|display)/i.test(message.text())) refusals.push(message.text())
  })
  try {
    await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`, { timeout: 60_000 })
    await eventually('Chromium to refuse to frame /admin', async () => refusals.length > 0, {
      timeoutMs: 30_000,
      detail: () =>
        page
          .frames()
          .map((f) => f.url())
          .join('\n'),
    })
    // Nothing of the admin panel rendered inside the frame.
    const frame = page.frames().find((f) => f !== page.mainFrame())
    expect(await frame?.locator('input[name="email"]').count()).toBe(0)
  } finally {
    await context.close()
    await new Promise((resolve) => framer.close(resolve))
  }
})
