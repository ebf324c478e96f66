import type { Browser } from 'playwright-core'

import { BOOKING_LIFECYCLE_QUEUE } from '@/jobs/registry'
import { type Cast, signUpCast } from '../helpers/api'
import { screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { type Stack, startStack } from '../helpers/stack'

/**
 * The queue dashboard (bull-board) works offline: its page, and everything the page loads, come from
 * Staybase itself — no fonts or scripts from the internet. Checked on the HTML and its stylesheets, and
 * in real Chromium with every request to another origin recorded (and refused, as offline would).
 */
let stack: Stack
let cast: Cast
let browser: Browser

beforeAll(async () => {
  stack = await startStack()
  cast = await signUpCast(stack)
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 120_000)

// As mounted by src/server.ts (QUEUE_DASHBOARD_PATH; that module reads the environment on import).
const QUEUE_DASHBOARD_PATH = '/admin/queues'
const asStaff = () => ({ authorization: `JWT ${cast.staff.token}` })
const ATTRIBUTE_URLS = /<(?:link|script|img|iframe|source)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']/gi
const CSS_URLS = /url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']/gi

describe('the queue dashboard', () => {
  it('serves a page whose links, scripts and stylesheets are all its own', async () => {
    const pageUrl = `${stack.url}${QUEUE_DASHBOARD_PATH}`
    const res = await fetch(pageUrl, { headers: asStaff(), signal: AbortSignal.timeout(30_000) })
    expect(res.status).toBe(200)
    const html = await res.text()
    // The base the page's relative links resolve against (bull-board sets <base href>).
    const base = new URL(/<base\s+href="([^"]+)"/i.exec(html)?.[1] ?? pageUrl, pageUrl)
    const assets = [...html.matchAll(ATTRIBUTE_URLS)].map((m) => new URL(m[1] as string, base))
    expect(assets.length).toBeGreaterThan(2)
    expect(assets.filter((u) => u.origin !== stack.url).map(String)).toEqual([])
    expect(html).not.toMatch(/fonts\.(googleapis|gstatic)\.com/)

    for (const sheet of assets.filter((u) => u.pathname.endsWith('.css'))) {
      const css = await fetch(sheet, { headers: asStaff(), signal: AbortSignal.timeout(30_000) })
      expect(css.status).toBe(200)
      const text = await css.text()
      const outside = [...text.matchAll(CSS_URLS)]
        .map((m) => (m[1] ?? m[2]) as string)
        .filter((u) => !u.startsWith('data:'))
        .map((u) => new URL(u, sheet))
        .filter((u) => u.origin !== stack.url)
      expect(outside.map(String)).toEqual([])
    }
  }, 60_000)

  it('loads in a browser without asking any other origin', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } })
    const outside: string[] = []
    try {
      await context.addCookies([{ name: 'payload-token', value: cast.staff.token, url: stack.url }])
      // Offline: anything for another origin is recorded and refused.
      await context.route(
        (url) => url.origin !== stack.url && !['data:', 'blob:'].includes(url.protocol),
        (route) => {
          outside.push(route.request().url())
          return route.abort('internetdisconnected')
        },
      )
      const page = await context.newPage()
      await page.goto(`${stack.url}${QUEUE_DASHBOARD_PATH}`, { timeout: 60_000 })
      await page.getByText(BOOKING_LIFECYCLE_QUEUE).first().waitFor({ timeout: 30_000 })
      await page.waitForLoadState('networkidle')
      await screenshot(page, 'queues-dashboard')
      expect(outside).toEqual([])
    } finally {
      await context.close()
    }
  }, 120_000)
})
