/**
 * Looks at the admin panel the way a host, staff and a guest do: signs in with the demo accounts in
 * headless Chromium and writes a full-page screenshot of each screen. Run against a live quickstart:
 *
 *   npm run quickstart                                   # in one terminal
 *   npx tsx scripts/admin-screenshots.ts [base-url] [folder]
 *
 * base-url defaults to http://localhost:3000, folder to tests/.artifacts/screenshots (not committed).
 * Documents are found through the API as each user (their newest listing, a waiting request…), so no
 * ids are assumed; a screen with nothing to show (no payments without Stripe, a view this build does
 * not have) is skipped and said so. Needs Debian's chromium (apt-get install chromium) or CHROMIUM_PATH.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'

import { type Browser, type Page, chromium } from 'playwright-core'

import { DEMO_PASSWORD } from './seed/demoUsers'

const base = (process.argv[2] ?? 'http://localhost:3000').replace(/\/$/, '')
const out = path.resolve(process.argv[3] ?? 'tests/.artifacts/screenshots')

type Screen = { name: string; url: string | null }
type Viewer = { label: string; email: string; screens: (api: Api, me: number) => Promise<Screen[]> }
type Api = <T = { docs: { id: number }[] }>(path: string) => Promise<T>

/** The newest document `query` finds as this user, as a screen; null (skipped) when there is none. */
async function first(api: Api, name: string, collection: string, query = ''): Promise<Screen> {
  const { docs } = await api(`/api/${collection}?limit=1&depth=0&sort=-createdAt${query}`)
  return { name, url: docs[0] ? `/admin/collections/${collection}/${docs[0].id}` : null }
}

const VIEWERS: Viewer[] = [
  {
    label: 'host',
    email: 'maria.host@staybase.local',
    screens: async (api, me) => [
      { name: 'dashboard', url: '/admin' },
      { name: 'calendar', url: '/admin/calendar' },
      { name: 'listings', url: '/admin/collections/properties' },
      // Their own (everyone's published listings are readable, but only their own are theirs to edit).
      await first(api, 'listing', 'properties', `&where[host][equals]=${me}`),
      { name: 'bookings', url: '/admin/collections/bookings' },
      await first(api, 'booking-request', 'bookings', '&where[status][equals]=requested'),
      await first(api, 'booking-confirmed', 'bookings', '&where[status][equals]=confirmed'),
      await first(api, 'booking-cancelled', 'bookings', '&where[status][equals]=cancelled'),
      { name: 'blocked-dates', url: '/admin/collections/availability-blocks' },
      { name: 'reviews', url: '/admin/collections/reviews' },
      { name: 'payments', url: '/admin/collections/payments' },
      { name: 'media', url: '/admin/collections/media' },
      { name: 'account', url: '/admin/account' },
    ],
  },
  {
    label: 'staff',
    email: 'admin@staybase.local',
    screens: async (api) => [
      { name: 'dashboard', url: '/admin' },
      { name: 'calendar', url: '/admin/calendar' },
      { name: 'listings', url: '/admin/collections/properties' },
      await first(api, 'listing', 'properties'),
      { name: 'bookings', url: '/admin/collections/bookings' },
      await first(api, 'booking', 'bookings'),
      { name: 'reviews', url: '/admin/collections/reviews' },
      await first(api, 'review', 'reviews'),
      { name: 'payments', url: '/admin/collections/payments' },
      await first(api, 'payment', 'payments'),
      { name: 'reconciliation-reports', url: '/admin/collections/reconciliation-reports' },
      await first(api, 'reconciliation-report', 'reconciliation-reports'),
      { name: 'stripe-events', url: '/admin/collections/stripe-events' },
      { name: 'users', url: '/admin/collections/users' },
      { name: 'queues', url: '/admin/queues' },
    ],
  },
  // Guests are told the panel is not for them.
  { label: 'guest', email: 'alex.guest@staybase.local', screens: async () => [{ name: 'not-for-guests', url: '/admin' }] },
]

async function signIn(email: string): Promise<{ token: string; id: number }> {
  const res = await fetch(`${base}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    signal: AbortSignal.timeout(30_000),
  })
  const body = (await res.json()) as { token?: string; user?: { id: number } }
  if (!res.ok || !body.token || !body.user)
    throw new Error(`signing in as ${email} failed (${res.status}); is this a quickstart with its demo data?`)
  return { token: body.token, id: body.user.id }
}

/**
 * Waits for the page to settle: the network idle and Payload's "Loading..." placeholders gone, twice.
 * Under load the page can go idle before React has hydrated and asked for relationship labels; the
 * second round (after a short pause, this is a tool not a test) waits for those answers too.
 */
async function settle(page: Page): Promise<void> {
  for (const round of [1, 2]) {
    await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => undefined)
    await page
      .getByText('Loading...')
      .first()
      .waitFor({ state: 'detached', timeout: 60_000 })
      .catch(() => console.log(`  ${page.url()}: still loading after a minute; shot as it is`))
    if (round === 1) await page.waitForTimeout(1_500)
  }
}

async function shoot(browser: Browser, viewer: Viewer): Promise<void> {
  const { token, id: me } = await signIn(viewer.email)
  const api: Api = async (apiPath) => {
    const res = await fetch(`${base}${apiPath}`, { headers: { authorization: `JWT ${token}` }, signal: AbortSignal.timeout(30_000) })
    return (res.ok ? await res.json() : { docs: [] }) as never
  }
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } })
  await context.addCookies([{ name: 'payload-token', value: token, url: base }])
  const page = await context.newPage()
  try {
    for (const screen of await viewer.screens(api, me)) {
      const name = `${viewer.label}-${screen.name}`
      if (!screen.url) {
        console.log(`${name}: skipped (nothing to show)`)
        continue
      }
      const res = await page.goto(`${base}${screen.url}`, { timeout: 60_000 })
      if (res?.status() === 404) {
        console.log(`${name}: skipped (${screen.url} is not in this build)`)
        continue
      }
      await settle(page)
      const file = path.join(out, `${name}.png`)
      await page.screenshot({ path: file, fullPage: true })
      console.log(`${file}  (${page.url()})`)
    }
  } finally {
    await context.close()
  }
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  try {
    for (const viewer of VIEWERS) await shoot(browser, viewer)
  } finally {
    await browser.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
