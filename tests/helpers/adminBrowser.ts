import { mkdirSync } from 'node:fs'
import path from 'node:path'

import type { Browser, Page } from 'playwright-core'

import type { TestUser } from './api'
import type { Stack } from './stack'

/** Where the admin panel's browser tests write their screenshots (not committed; look at them). */
export const ADMIN_SHOTS = path.resolve('tests/.artifacts/admin')

/**
 * A page of the admin panel at `url`, signed in as `who` (their session cookie, as after a login), in
 * a fresh browser context closed after `run`. `ready` waits for what the page must show first; by
 * default, until the network is idle.
 */
export async function adminPage<T>(
  browser: Browser,
  stack: Stack,
  who: TestUser,
  url: string,
  run: (page: Page) => Promise<T>,
  ready: (page: Page) => Promise<unknown> = (page) => page.waitForLoadState('networkidle'),
): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } })
  await context.addCookies([{ name: 'payload-token', value: who.token, url: stack.url }])
  const page = await context.newPage()
  try {
    await page.goto(`${stack.url}${url}`, { timeout: 60_000 })
    await ready(page)
    return await run(page)
  } finally {
    await context.close()
  }
}

/** A full-page screenshot into ADMIN_SHOTS as `<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ADMIN_SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(ADMIN_SHOTS, `${name}.png`), fullPage: true })
}
