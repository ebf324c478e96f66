import type { Browser, Page } from 'playwright-core'

import { addDays, formatDay, formatStay, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { adminPage, screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { createListing } from '../helpers/listings'
import { type Stack, queryDatabase, startStack } from '../helpers/stack'

/**
 * The host's dashboard at /admin in real Chromium: a request answered in place, this week's arrivals,
 * nothing of another host's; staff get their own (admin-staff-dashboard-browser.test.ts). Screenshots go to tests/.artifacts/admin/.
 */
let stack: Stack
let cast: Cast
let browser: Browser
const today = utcDate(new Date())

beforeAll(async () => {
  stack = await startStack()
  cast = await signUpCast(stack, { guestName: 'Sam Lee' })
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 120_000)

const dashboard = <T>(who: TestUser, run: (page: Page) => Promise<T>) => adminPage(browser, stack, who, '/admin', run)

async function book(listing: { id: number }, checkIn: string, nights = 3): Promise<{ id: number }> {
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listing.id, checkIn, checkOut: addDays(checkIn, nights), guests: 2 },
  })
  if (res.status !== 201) throw new Error(`booking failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc
}

describe("the host's dashboard", () => {
  it('shows what needs the host, answers a request in place, lists this week, and nothing of another host', async () => {
    const villa = await createListing(stack, cast.host, { title: 'Villa on Lake Como', instantBook: false }, { publish: true })
    const flat = await createListing(stack, cast.host, { title: 'Flat in Bellagio', instantBook: true }, { publish: true })
    const elsewhere = await createListing(stack, cast.otherHost, { title: 'Someone else’s loft', instantBook: false }, { publish: true })
    const request = await book(villa, addDays(today, 40))
    const othersRequest = await book(elsewhere, addDays(today, 40))
    const arriving = await book(flat, addDays(today, 2))
    await queryDatabase(stack, `UPDATE bookings SET status = 'confirmed', confirmed_at = now() WHERE id = $1`, [arriving.id])

    await dashboard(cast.host, async (page) => {
      const needsYou = page.getByRole('region', { name: 'Needs you' })
      await needsYou.waitFor({ timeout: 30_000 })
      const rows = needsYou.getByRole('row')
      expect(await rows.count()).toBe(1)
      const row = await rows.first().innerText()
      expect(row).toContain('Sam Lee')
      expect(row).toContain('Villa on Lake Como')
      expect(row).toContain(formatStay(addDays(today, 40), addDays(today, 43)))
      expect(row).toMatch(/answer within (2[0-4]|1\d) h/)
      expect(row).not.toContain('Someone else')
      // The confirmed stay arrives in 2 days and leaves in 5: both this week.
      const arrivals = await page.getByRole('region', { name: 'Arrivals, next 7 days' }).innerText()
      expect(arrivals).toContain(`${formatDay(addDays(today, 2))}\nSam Lee · Flat in Bellagio`)
      const departures = await page.getByRole('region', { name: 'Departures, next 7 days' }).innerText()
      expect(departures).toContain(`${formatDay(addDays(today, 5))}\nSam Lee · Flat in Bellagio`)
      // A request is not a stay.
      expect(arrivals + departures).not.toContain('Villa on Lake Como')
      expect(await page.getByRole('region', { name: 'Upcoming stays, next 30 days' }).innerText()).toContain('Flat in Bellagio')
      await screenshot(page, 'dashboard-host')

      await needsYou.getByRole('button', { name: /^Accept Sam Lee/ }).click()
      await needsYou.getByText('No requests are waiting for an answer.').waitFor({ timeout: 30_000 })
      await screenshot(page, 'dashboard-host-answered')
    })
    expect((await rest(stack, 'GET', `/api/bookings/${request.id}`, { token: cast.host.token })).body.status).toBe('awaiting_payment')
    expect((await rest(stack, 'GET', `/api/bookings/${othersRequest.id}`, { token: cast.otherHost.token })).body.status).toBe('requested')
  }, 120_000)

  it("staff get the back office (tests/int/admin-staff-dashboard-browser.test.ts), not a host's day", async () => {
    await dashboard(cast.staff, async (page) => {
      await page.getByRole('heading', { name: 'Back office' }).waitFor({ timeout: 30_000 })
      expect(await page.getByRole('region', { name: 'Needs you' }).count()).toBe(0)
      expect(await page.getByRole('navigation', { name: 'Collections' }).getByRole('link', { name: 'Bookings' }).count()).toBe(1)
    })
  }, 120_000)

  it('a guest who opens /admin is told the panel is for hosts and staff, and where to go', async () => {
    await dashboard(cast.guest, async (page) => {
      await page.getByText('This panel is for hosts and staff').waitFor({ timeout: 30_000 })
      expect(await page.getByText('Guests book and manage their trips on the Staybase site and apps, not here.').count()).toBe(1)
      await screenshot(page, 'admin-guest')
    })
  }, 120_000)

  it("the panel carries Staybase's name and mark: tab title, favicon, navigation icon", async () => {
    await dashboard(cast.host, async (page) => {
      await page.getByRole('region', { name: 'Needs you' }).waitFor({ timeout: 30_000 })
      expect(await page.title()).toMatch(/Staybase/)
      expect(await page.locator('link[rel="icon"]').first().getAttribute('href')).toMatch(/^data:image\/svg\+xml,/)
      expect(await page.getByRole('img', { name: 'Staybase' }).count()).toBeGreaterThan(0)
    })
  }, 120_000)
})
