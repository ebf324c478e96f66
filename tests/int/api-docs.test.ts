import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import type { Browser } from 'playwright-core'

import { launchChromium, recordCspViolations } from '../helpers/browser'
import { rest } from '../helpers/api'
import { type Stack, startStack } from '../helpers/stack'

/**
 * The interactive API docs (/api/docs) in a real browser under the Content-Security-Policy: every
 * asset comes from this server, nothing is blocked, and the operations of the document are shown.
 */
let stack: Stack
let browser: Browser

beforeAll(async () => {
  stack = await startStack({ mailWorker: false })
  browser = await launchChromium()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 120_000)

it('shows the operations with zero CSP violations and no request to another origin', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const violations = await recordCspViolations(page)
  const foreign: string[] = []
  page.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(stack.url) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url)
  })
  try {
    const answer = await page.goto(`${stack.url}/api/docs`, { timeout: 60_000 })
    expect(answer?.status()).toBe(200)
    expect(answer?.headers()['content-security-policy']).toMatch(/script-src 'self'/)
    // Swagger UI renders one block per operation once it has loaded /api/openapi.json.
    await page.locator('.opblock-summary-path[data-path="/api/users/login"]').first().waitFor({ timeout: 60_000 })
    await page.locator('.opblock-summary-path[data-path="/api/bookings/{id}"]').first().waitFor({ timeout: 60_000 })
    const dir = process.env.STAYBASE_SCREENSHOTS ?? path.join(tmpdir(), 'staybase-screenshots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: path.join(dir, 'api-docs.png'), fullPage: false })
    expect(violations).toEqual([])
    expect(foreign).toEqual([])
  } finally {
    await context.close()
  }
}, 180_000)

it('serves only the known assets of the docs', async () => {
  const css = await rest(stack, 'GET', '/api/docs/swagger-ui.css')
  expect(css.status).toBe(200)
  expect(css.headers.get('content-type')).toMatch(/text\/css/)
  for (const probe of ['package.json', '..%2Fpackage.json', 'index.html']) {
    const res = await rest(stack, 'GET', `/api/docs/${probe}`)
    expect(res.status).toBe(404)
    expect(res.body.errors[0].code).toBe('NOT_FOUND')
  }
})
