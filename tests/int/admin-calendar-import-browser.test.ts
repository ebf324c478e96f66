import type { Browser, Page } from 'playwright-core'

import { monthOf, shiftMonth } from '@/domain/calendar'
import { utcDate } from '@/domain/stayDates'
import { CALENDAR_SYNC_QUEUE, calendarJobIds } from '@/jobs/registry'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { adminPage, screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { ics } from '../helpers/calendarFeeds'
import { type IcalServer, startIcalServer } from '../helpers/icalServer'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, startStack, startWorker } from '../helpers/stack'

/**
 * Imported calendars in the admin panel, in real Chromium, as a host and as staff: the listing's edit
 * view lists its feeds with their status; a feed shows its events and its conflict; the listing's month
 * shows imported nights as their own bar, named after the feed; the host's and the staff dashboards
 * list the double booking. Screenshots go to tests/.artifacts/admin/calendar-import-*.png.
 */
let stack: Stack
let worker: WorkerProcess
let queues: StackQueues
let cast: Cast
let browser: Browser
let feeds: IcalServer
let listingId: number
let feedId: number
let bookingId: number
const month = shiftMonth(monthOf(utcDate(new Date())), 1)
const night = (day: number) => `${month}-${String(day).padStart(2, '0')}`

beforeAll(async () => {
  feeds = await startIcalServer()
  const env = { CALENDAR_FEEDS_ALLOW_PRIVATE: 'true', CALENDAR_SYNC_MINUTES: '60' }
  stack = await startStack({ env })
  worker = await startWorker(stack, env)
  queues = stackQueues(stack)
  cast = await signUpCast(stack, { guestName: 'Sam Lee' })
  browser = await launchChromium()
  listingId = (await createListing(stack, cast.host, { title: 'Lakeside loft', minNights: 1 }, { publish: true })).id
  const booked = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listingId, checkIn: night(10), checkOut: night(13), guests: 2 },
  })
  expect(booked.status).toBe(201)
  bookingId = booked.body.doc.id
  feeds.setFeed(
    '/airbnb.ics',
    ics([
      { uid: 'hm-1@airbnb.test', start: night(3), end: night(6), summary: 'Reserved' },
      { uid: 'hm-2@airbnb.test', start: night(12), end: night(15), summary: 'Reserved' },
    ]),
  )
  const created = await rest(stack, 'POST', '/api/calendar-feeds', {
    token: cast.host.token,
    body: { property: listingId, name: 'Airbnb', url: feeds.url('/airbnb.ics') },
  })
  expect(created.status).toBe(201)
  feedId = created.body.doc.id
  await queues.waitForJobState(
    CALENDAR_SYNC_QUEUE,
    calendarJobIds.syncFeed(feedId, `changed-${Date.parse(created.body.doc.updatedAt)}`),
    'completed',
  )
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await queues?.close()
  await worker?.stop()
  await stack?.stop()
  await feeds?.close()
}, 120_000)

const open = <T>(who: TestUser, url: string, ready: (page: Page) => Promise<unknown>, run: (page: Page) => Promise<T>) =>
  adminPage(browser, stack, who, url, run, ready)

it('the listing’s edit view lists its imported calendars with their status', async () => {
  await open(
    cast.host,
    `/admin/collections/properties/${listingId}`,
    (page) => page.getByText('Imported calendars').first().waitFor({ timeout: 60_000 }),
    async (page) => {
      const join = page.locator('.relationship-table').filter({ hasText: 'Airbnb' })
      await join.waitFor({ timeout: 30_000 })
      await join.scrollIntoViewIfNeeded()
      await expect(join.innerText()).resolves.toMatch(/ok/i)
      await screenshot(page, 'calendar-import-listing')
    },
  )
})

it('the feed shows its status, its conflict and its events', async () => {
  await open(
    cast.host,
    `/admin/collections/calendar-feeds/${feedId}`,
    (page) => page.getByRole('heading', { name: 'Airbnb' }).first().waitFor({ timeout: 60_000 }),
    async (page) => {
      await page.getByText('Conflict 01').waitFor({ timeout: 30_000 })
      // The events' table and the relationship fields load after the form.
      await page.locator('.relationship-table').filter({ hasText: 'Reserved' }).first().waitFor({ timeout: 30_000 })
      await page.waitForLoadState('networkidle')
      // Read-only fields keep their values in (disabled) inputs.
      const values = await page.locator('input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))
      expect(values).toEqual(expect.arrayContaining(['hm-2@airbnb.test', night(12), night(15)]))
      // Last synced with its time, not just the day; the listing is fixed once the feed exists.
      expect(values.some((value) => /\d{1,2}:\d{2}\s?(AM|PM)?$/i.test(value))).toBe(true)
      await expect(page.locator('.relationship--read-only').filter({ hasText: 'Property' }).count()).resolves.toBe(1)
      await screenshot(page, 'calendar-import-feed')
      // The status select shows its value beside its label.
      await expect(page.locator('.field-type.select').filter({ hasText: 'Last Status' }).innerText()).resolves.toMatch(/Last Status\s+ok/)
    },
  )
})

it('the listing’s month shows imported nights as their own bar, named after the feed', async () => {
  await open(
    cast.host,
    `/admin/calendar/${listingId}?month=${month}`,
    (page) => page.getByRole('heading', { level: 1 }).waitFor({ timeout: 60_000 }),
    async (page) => {
      await expect(page.locator(`.sb-cal__night[data-date="${night(4)}"]`).getAttribute('aria-label')).resolves.toContain('taken on Airbnb')
      await expect(page.locator(`.sb-cal__night[data-date="${night(7)}"]`).getAttribute('aria-label')).resolves.toContain('open')
      expect(await page.locator('.sb-cal__bar--imported').count()).toBeGreaterThan(0)
      await screenshot(page, 'calendar-import-month')
    },
  )
})

it('the host’s dashboard and the staff dashboard list the double booking', async () => {
  for (const [who, name] of [
    [cast.host, 'calendar-import-dashboard-host'],
    [cast.staff, 'calendar-import-dashboard-staff'],
  ] as const) {
    await open(
      who,
      '/admin',
      (page) => page.getByRole('heading', { name: 'Double bookings from imported calendars' }).waitFor({ timeout: 60_000 }),
      async (page) => {
        const section = page.getByRole('region', { name: 'Double bookings from imported calendars' })
        await expect(section.innerText()).resolves.toContain(`Booking #${bookingId}`)
        await expect(section.innerText()).resolves.toContain('Lakeside loft')
        await section.scrollIntoViewIfNeeded()
        await screenshot(page, name)
      },
    )
  }
  // Another host sees none of it.
  await open(
    cast.otherHost,
    '/admin',
    (page) => page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 60_000 }),
    async (page) => {
      expect(await page.getByRole('region', { name: 'Double bookings from imported calendars' }).count()).toBe(0)
    },
  )
})
