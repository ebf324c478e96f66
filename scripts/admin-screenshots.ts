/**
 * Looks at the admin panel the way a host and an admin do: logs in with the demo accounts in headless
 * Chromium and writes screenshots to tests/.artifacts/screenshots/. Run against a live quickstart:
 *
 *   npm run quickstart            # in one terminal
 *   npx tsx scripts/admin-screenshots.ts [http://localhost:3000]
 *
 * Needs Debian's chromium (apt-get install chromium) or CHROMIUM_PATH.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'

import { chromium } from 'playwright-core'

import { DEMO_PASSWORD } from './seed/demoUsers'

const base = process.argv[2] ?? 'http://localhost:3000'
const out = path.resolve('tests/.artifacts/screenshots')

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const shots: [string, string, string[]][] = [
    [
      'admin@staybase.local',
      'admin',
      [
        '/admin',
        '/admin/collections/users',
        '/admin/collections/properties',
        // Payments need Stripe (or the test stand-in) configured to have anything in them.
        '/admin/collections/payments',
        '/admin/collections/payments/1',
        '/admin/collections/reconciliation-reports',
        '/admin/collections/reconciliation-reports/1',
        '/admin/collections/stripe-events',
        '/admin/collections/reviews',
      ],
    ],
    [
      'maria.host@staybase.local',
      'host',
      [
        '/admin',
        '/admin/account',
        '/admin/collections/properties',
        '/admin/collections/properties/1',
        '/admin/collections/media',
        '/admin/collections/bookings',
        '/admin/collections/payments',
        '/admin/collections/reviews',
      ],
    ],
    ['alex.guest@staybase.local', 'guest', ['/admin']],
  ]
  for (const [email, label, pages] of shots) {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 } })
    const page = await context.newPage()
    await page.goto(`${base}/admin/login`)
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', DEMO_PASSWORD)
    await page.click('button[type="submit"]')
    await page.waitForTimeout(2_500)
    for (const target of pages) {
      await page.goto(`${base}${target}`)
      await page.waitForLoadState('networkidle')
      const file = path.join(out, `${label}${target.replace(/\//g, '_')}.png`)
      await page.screenshot({ path: file, fullPage: true })
      console.log(`${file}  (${page.url()})`)
    }
    await context.close()
  }
  await browser.close()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
