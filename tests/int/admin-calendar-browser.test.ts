import type { Browser, Page } from 'playwright-core'

import { formatMonth, monthOf, shiftMonth } from '@/domain/calendar'
import { formatMoneyShort } from '@/domain/money'
import { priceOfNight } from '@/domain/pricing'
import { formatStay, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { adminPage, screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'

/**
 * The calendars in real Chromium: a host blocks nights in a listing's month (by mouse and by keyboard),
 * the search stops offering them and offers them again when the block is removed; a range over a
 * booking is refused with the API's own message; the multi-calendar shows a row per listing of the
 * viewer's, and staff pick a host. Screenshots go to tests/.artifacts/admin/.
 */
let stack: Stack
let cast: Cast
let browser: Browser
const month = shiftMonth(monthOf(utcDate(new Date())), 1)
const night = (day: number) => `${month}-${String(day).padStart(2, '0')}`

beforeAll(async () => {
  stack = await startStack()
  cast = await signUpCast(stack, { guestName: 'Sam Lee' })
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 120_000)

const calendarPage = <T>(who: TestUser, url: string, run: (page: Page) => Promise<T>) =>
  adminPage(browser, stack, who, url, run, (page) => page.getByRole('heading', { level: 1 }).waitFor({ timeout: 60_000 }))

const searchFinds = async (listingId: number, checkIn: string, checkOut: string): Promise<boolean> => {
  const res = await rest(stack, 'GET', `/api/properties/search?checkIn=${checkIn}&checkOut=${checkOut}&limit=50&city=Bellagio`)
  expect(res.status).toBe(200)
  return (res.body.docs as { id: number }[]).some((d) => d.id === listingId)
}

const blocksOf = async (listingId: number) =>
  (await rest(stack, 'GET', `/api/availability-blocks?where[property][equals]=${listingId}`, { token: cast.host.token })).body.docs as {
    id: number
    startDate: string
    endDate: string
    reason: string
    note?: string
  }[]

const cell = (page: Page, date: string) => page.locator(`.sb-cal__night[data-date="${date}"]`)

async function book(listingId: number, checkIn: string, checkOut: string) {
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listingId, checkIn, checkOut, guests: 2 },
  })
  if (res.status !== 201) throw new Error(`booking failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc as { id: number }
}

const villaPricing = { currency: 'EUR', nightlyRate: 16000, weekendRate: 19000, cleaningFee: 5000 } as const

describe("a listing's calendar", () => {
  it('blocks picked nights, which the search then stops offering, and opens them again', async () => {
    const villa = await createListing(
      stack,
      cast.host,
      {
        title: 'Villa on Lake Como',
        instantBook: false,
        address: { line1: 'Via Roma 1', city: 'Bellagio', postalCode: '22021', country: 'IT' },
        pricing: villaPricing,
      },
      { publish: true },
    )
    await book(villa.id, night(10), night(13))
    expect(await searchFinds(villa.id, night(20), night(23))).toBe(true)

    await calendarPage(cast.host, `/admin/calendar/${villa.id}?month=${month}`, async (page) => {
      expect(await page.getByRole('heading', { level: 2, name: formatMonth(month) }).count()).toBe(1)
      // Each night shows its price — the weekend rate on Friday and Saturday nights — and the booking
      // is a bar with the guest's name (two pieces when the stay crosses a Monday).
      for (const day of [9, 10, 11, 12, 13, 14, 15]) {
        const price = priceOfNight(villaPricing, night(day))
        const label = await cell(page, night(day)).getAttribute('aria-label')
        expect(label).toContain(`${formatMoneyShort(price.rate, 'EUR')}${price.weekend ? ' (weekend rate)' : ''},`)
        expect(label!.endsWith(', booked by Sam Lee')).toBe(day >= 10 && day < 13)
      }
      const bars = await page.locator('.sb-cal__week .sb-cal__bar--requested').allInnerTexts()
      expect(bars.length).toBeGreaterThanOrEqual(1)
      expect(new Set(bars)).toEqual(new Set(['Sam Lee']))
      await screenshot(page, 'calendar-listing')

      await cell(page, night(20)).click()
      await cell(page, night(22)).click()
      const form = page.getByRole('form', { name: 'Block these dates' })
      expect(await form.getByRole('heading').innerText()).toBe(`${formatStay(night(20), night(23))} · 3 nights`)
      await form.getByLabel('Reason').selectOption('maintenance')
      await form.getByLabel(/^Note/).fill('Painting the terrace')
      await screenshot(page, 'calendar-listing-picked')
      await form.getByRole('button', { name: 'Block these dates' }).click()
      await page.locator('.sb-cal__week .sb-cal__bar--blocked').first().waitFor({ timeout: 30_000 })
      expect(await cell(page, night(21)).getAttribute('aria-label')).toMatch(/blocked \(Maintenance\)$/)
      await screenshot(page, 'calendar-listing-blocked')
    })
    const [block] = await blocksOf(villa.id)
    expect(block).toMatchObject({ startDate: night(20), endDate: night(23), reason: 'maintenance', note: 'Painting the terrace' })
    expect(await searchFinds(villa.id, night(20), night(23))).toBe(false)
    expect(await searchFinds(villa.id, night(23), night(25))).toBe(true)

    // A blocked night opens the block; "Remove this block" frees the nights again.
    await calendarPage(cast.host, `/admin/calendar/${villa.id}?month=${month}`, async (page) => {
      await cell(page, night(21)).click()
      await page.getByRole('button', { name: 'Remove this block' }).click()
      await page.getByText(`${formatStay(night(20), night(23))} is open again.`).waitFor({ timeout: 30_000 })
      await cell(page, night(21)).and(page.locator('[aria-label$=", open"]')).waitFor({ timeout: 30_000 })
      expect(await page.locator('.sb-cal__week .sb-cal__bar--blocked').count()).toBe(0)
    })
    expect(await blocksOf(villa.id)).toEqual([])
    expect(await searchFinds(villa.id, night(20), night(23))).toBe(true)
  }, 180_000)

  it("refuses a range over a booking with the API's own message, and works from the keyboard", async () => {
    const flat = await createListing(stack, cast.host, { title: 'Flat in Bellagio', instantBook: false }, { publish: true })
    await book(flat.id, night(10), night(13))
    // What the API answers to the same block, straight.
    const direct = await rest(stack, 'POST', '/api/availability-blocks', {
      token: cast.host.token,
      body: { property: flat.id, startDate: night(8), endDate: night(12), reason: 'owner_use' },
    })
    expect(direct.status).toBe(409)
    const apiMessage: string = direct.body.errors[0].message

    await calendarPage(cast.host, `/admin/calendar/${flat.id}?month=${month}`, async (page) => {
      await cell(page, night(8)).click()
      await cell(page, night(11)).click()
      await page.getByRole('button', { name: 'Block these dates' }).click()
      const alert = page.getByRole('alert').filter({ hasText: apiMessage })
      await alert.waitFor({ timeout: 30_000 })
      await screenshot(page, 'calendar-listing-conflict')

      // Keyboard: focus a night, arrows move, Enter picks the first and the last night, Escape lets go.
      await cell(page, night(15)).focus()
      await page.keyboard.press('Escape')
      await page.keyboard.press('Enter')
      await page.keyboard.press('ArrowRight')
      await page.keyboard.press('ArrowDown')
      await page.keyboard.press('Enter')
      // 15th → 16th → 23rd: nights 15 to 23.
      expect(await page.getByRole('form', { name: 'Block these dates' }).getByRole('heading').innerText()).toBe(
        `${formatStay(night(15), night(24))} · 9 nights`,
      )
      expect(await page.locator('.sb-cal__night[aria-pressed="true"]').count()).toBe(9)
      await page.keyboard.press('Escape')
      expect(await page.locator('.sb-cal__night[aria-pressed="true"]').count()).toBe(0)
    })
    expect(await blocksOf(flat.id)).toEqual([])
  }, 180_000)

  it("opens from the listing's page and from the menu", async () => {
    const listing = await createListing(stack, cast.host, { title: 'Chalet by the lake' }, { publish: true })
    await adminPage(
      browser,
      stack,
      cast.host,
      `/admin/collections/properties/${listing.id}`,
      async (page) => {
        expect(await page.locator('#nav-calendar').getAttribute('href')).toBe('/admin/calendar')
        await page.getByRole('link', { name: 'Open the calendar' }).click()
        await page.waitForURL(new RegExp(`/admin/calendar/${listing.id}$`), { timeout: 60_000 })
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Chalet by the lake')
        expect(await page.locator('.sb-cal__night').count()).toBeGreaterThanOrEqual(28)
      },
      (page) => page.getByRole('link', { name: 'Open the calendar' }).waitFor({ timeout: 60_000 }),
    )
  }, 120_000)

  it('shows the published prices, and a stay across months in both; a new month starts a new grid', async () => {
    const barn = await createListing(stack, cast.host, { title: 'Converted barn', instantBook: false }, { publish: true })
    // A draft with another price is not what a night costs until it is published.
    const draft = await rest(stack, 'PATCH', `/api/properties/${barn.id}?draft=true`, {
      token: cast.host.token,
      body: { pricing: { currency: 'CHF', nightlyRate: 99_900 } },
    })
    expect(draft.status).toBe(200)
    const next = shiftMonth(month, 1)
    await book(barn.id, night(28), `${next}-02`)

    await calendarPage(cast.host, `/admin/calendar/${barn.id}?month=${month}`, async (page) => {
      expect(await cell(page, night(5)).getAttribute('aria-label')).toContain(', CHF 180, ')
      expect(await page.getByText('CHF 999').count()).toBe(0)
      expect(await cell(page, night(28)).getAttribute('aria-label')).toMatch(/booked by Sam Lee$/)
      // Focus a night, then go to the next month by its link.
      await cell(page, night(5)).click()
      await page.getByRole('link', { name: `Next month, ${formatMonth(next)}` }).click()
      await page.getByRole('heading', { level: 2, name: formatMonth(next) }).waitFor({ timeout: 30_000 })
      expect(await cell(page, `${next}-01`).getAttribute('aria-label')).toMatch(/booked by Sam Lee$/)
      expect(await cell(page, `${next}-02`).getAttribute('aria-label')).toMatch(/, open$/)
      // Exactly one night of the new month takes the Tab key, and nothing is picked.
      const tabbable = page.locator('.sb-cal__night[tabindex="0"]')
      expect(await tabbable.count()).toBe(1)
      expect((await tabbable.getAttribute('data-date'))!.startsWith(next)).toBe(true)
      expect(await page.locator('.sb-cal__night[aria-pressed="true"]').count()).toBe(0)
    })
  }, 180_000)

  it("is not another host's to read", async () => {
    const mine = await createListing(stack, cast.host, { title: 'Only mine' }, { publish: true })
    await calendarPage(cast.otherHost, `/admin/calendar/${mine.id}`, async (page) => {
      expect(await page.getByText('This listing does not exist or is not yours.').count()).toBe(1)
      expect(await page.locator('.sb-cal__night').count()).toBe(0)
    })
  }, 120_000)
})

describe('who may open the calendars', () => {
  it('a guest is told the panel is for hosts and staff; someone signed out is sent to the login', async () => {
    const listing = await createListing(stack, cast.host, { title: 'Guests see no calendar' }, { publish: true })
    for (const url of ['/admin/calendar', `/admin/calendar/${listing.id}`]) {
      await adminPage(browser, stack, cast.guest, url, async (page) => {
        await page.getByText('This panel is for hosts and staff').waitFor({ timeout: 60_000 })
        expect(await page.locator('.sb-multi, .sb-cal, .sb-cal-page').count()).toBe(0)
      })
    }
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${stack.url}/admin/calendar`, { timeout: 60_000 })
      await page.waitForURL(/\/admin\/login\?redirect=%2Fadmin%2Fcalendar$/, { timeout: 60_000 })
      expect(await page.locator('.sb-cal-page').count()).toBe(0)
    } finally {
      await context.close()
    }
  }, 120_000)
})

describe('the multi-calendar', () => {
  it("shows a row per listing of the host's with their bookings and blocks, and staff pick a host", async () => {
    const theirs = await createListing(stack, cast.otherHost, { title: 'Loft of another host' }, { publish: true })
    const cabin = await createListing(stack, cast.host, { title: 'Alpine cabin', instantBook: false }, { publish: true })
    await book(cabin.id, night(3), night(6))
    const blocked = await rest(stack, 'POST', '/api/availability-blocks', {
      token: cast.host.token,
      body: { property: cabin.id, startDate: night(14), endDate: night(18), reason: 'owner_use' },
    })
    expect(blocked.status).toBe(201)

    await calendarPage(cast.host, `/admin/calendar?month=${month}`, async (page) => {
      const row = page.locator('.sb-multi__row', { has: page.getByRole('link', { name: 'Alpine cabin' }) })
      expect(await row.locator('.sb-cal__bar--requested').innerText()).toBe('Sam Lee')
      expect(await row.locator('.sb-cal__bar--blocked').innerText()).toBe('Owner use')
      expect(await page.getByRole('link', { name: 'Loft of another host' }).count()).toBe(0)
      // Two months of nights, a column each.
      expect(await page.locator('.sb-multi__row--head .sb-multi__day').count()).toBeGreaterThanOrEqual(59)
      await screenshot(page, 'calendar-all')
      await row.getByRole('link', { name: 'Alpine cabin' }).click()
      await page.locator(`.sb-cal__night[data-date="${night(3)}"]`).waitFor({ timeout: 30_000 })
    })

    await calendarPage(cast.staff, `/admin/calendar?month=${month}&host=${encodeURIComponent(cast.otherHost.email)}`, async (page) => {
      expect(await page.getByRole('link', { name: 'Loft of another host' }).count()).toBe(1)
      expect(await page.getByRole('link', { name: 'Alpine cabin' }).count()).toBe(0)
      await screenshot(page, 'calendar-all-staff')
    })

    // A host cannot pick another host: ?host= is for staff.
    await calendarPage(cast.host, `/admin/calendar?month=${month}&host=${encodeURIComponent(cast.otherHost.email)}`, async (page) => {
      await page.getByRole('link', { name: 'Alpine cabin' }).waitFor({ timeout: 30_000 })
      expect(await page.getByRole('link', { name: theirs.title as string }).count()).toBe(0)
      expect(await page.locator('#sb-cal-host').count()).toBe(0)
    })
    // Staff typing something that is not an email get no listings and a plain answer, not an error page.
    await calendarPage(cast.staff, `/admin/calendar?month=${month}&host=%00nobody`, async (page) => {
      await page.getByRole('alert').filter({ hasText: 'No host has this email.' }).waitFor({ timeout: 30_000 })
      expect(await page.locator('.sb-multi__row').count()).toBe(0)
    })
  }, 180_000)
})
