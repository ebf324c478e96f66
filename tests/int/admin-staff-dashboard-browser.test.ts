import type { Browser, Page } from 'playwright-core'

import { BOOKING_LIFECYCLE_QUEUE } from '@/jobs/registry'
import { formatMoney } from '@/domain/money'
import { formatMonthShort, monthRange, nightsInMonth, shiftMonth } from '@/domain/calendar'
import { addDays, nightsBetween, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { adminPage, screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, queryDatabase, startStack, startWorker } from '../helpers/stack'
import { eventually as waitFor } from '../helpers/wait'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * The dashboards' figures in real Chromium, from state made the real way: stays confirmed by paying at
 * the Stripe stand-in (webhook → worker), a block made through the API, a listing unpublished by staff,
 * a dispute that flags its payment, a reconciliation run, and a job the worker fails. Screenshots go to
 * tests/.artifacts/admin/ (dashboard-host-month.png, dashboard-staff.png).
 */
let stripe: StripeStandIn
let stack: Stack
let worker: WorkerProcess | undefined
let queues: StackQueues
let cast: Cast
let browser: Browser
const today = utcDate(new Date())

beforeAll(async () => {
  stripe = await startStripeStandIn()
  stack = await startStack({ env: { ...stripe.env } })
  cast = await signUpCast(stack, { guestName: 'Sam Lee' })
  worker = await startWorker(stack)
  queues = stackQueues(stack)
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await queues?.close()
  await worker?.stop()
  await stack?.stop()
  await stripe?.close()
}, 120_000)

const eventually = <T>(what: string, probe: () => Promise<T | null | undefined | false>) =>
  waitFor(what, probe, { timeoutMs: 30_000, detail: () => `worker:\n${worker?.output().slice(-3000)}` })
const dashboard = <T>(who: TestUser, run: (page: Page) => Promise<T>) => adminPage(browser, stack, who, '/admin', run)

/** An instant booking, paid at the stand-in and confirmed by the webhook's worker job. */
async function paidStay(listing: { id: number }, checkIn: string, checkOut: string): Promise<{ id: number; intentId: string }> {
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listing.id, checkIn, checkOut, guests: 2 },
  })
  if (res.status !== 201) throw new Error(`booking failed ${res.status}: ${JSON.stringify(res.body)}`)
  const booking = res.body.doc
  const intent = await rest(stack, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })
  expect(intent.status).toBe(200)
  const delivered = await stripe.deliver(`${stack.url}/api/stripe/webhook`, stripe.succeed(intent.body.paymentIntentId))
  expect(delivered.status).toBe(200)
  await eventually(
    'booking confirmed',
    async () => (await rest(stack, 'GET', `/api/bookings/${booking.id}`, { token: cast.staff.token })).body.status === 'confirmed',
  )
  return { id: booking.id, intentId: intent.body.paymentIntentId }
}

const flatRate = (title: string) => ({
  title,
  instantBook: true,
  pricing: { currency: 'EUR', nightlyRate: 10_000, cleaningFee: 4_000, weeklyDiscountPercent: 0, monthlyDiscountPercent: 0, taxPercent: 0 },
})

describe("the host's month and the next", () => {
  it('shows occupancy and earnings of a confirmed stay across the month end and a block, per listing and in total', async () => {
    const thisMonth = today.slice(0, 7)
    const next = shiftMonth(thisMonth, 1)
    const nextStart = monthRange(next).start
    // Across the month end when there is still time (two nights each side), else as soon as possible.
    const checkIn = [addDays(today, 1), addDays(nextStart, -2)].sort()[1]!
    const checkOut = addDays(checkIn, 4)
    const nightsThis = Math.max(0, Math.min(4, nightsBetween(checkIn, nextStart)))
    const nightsNext = 4 - nightsThis

    const villa = await createListing(stack, cast.host, flatRate('Villa on Lake Como'), { publish: true })
    const flat = await createListing(stack, cast.host, { ...flatRate('Flat in Bellagio'), instantBook: false }, { publish: true })
    const elsewhere = await createListing(stack, cast.otherHost, flatRate('Someone else’s loft'), { publish: true })
    await paidStay(villa, checkIn, checkOut)
    const elsewhereStay = await paidStay(elsewhere, checkIn, checkOut)
    // A request is not a stay: it counts for nothing.
    await rest(stack, 'POST', '/api/bookings', {
      token: cast.guest.token,
      body: { property: flat.id, checkIn: addDays(nextStart, 1), checkOut: addDays(nextStart, 4), guests: 2 },
    })
    // The villa is blocked 5 nights next month.
    const block = await rest(stack, 'POST', '/api/availability-blocks', {
      token: cast.host.token,
      body: { property: villa.id, startDate: addDays(nextStart, 10), endDate: addDays(nextStart, 15), reason: 'maintenance' },
    })
    expect(block.status).toBe(201)

    // 4 nights × €100 + €40 cleaning = €440, €110 a night (the service fee is not the host's).
    const share = (nights: number) => formatMoney(11_000 * nights, 'EUR')
    const pct = (booked: number, open: number) => `${Math.round((booked / open) * 100)}%`
    const open = { this: nightsInMonth(thisMonth), next: nightsInMonth(next) - 5 }

    await dashboard(cast.host, async (page) => {
      const section = page.getByRole('region', { name: 'This month and next' })
      await section.waitFor({ timeout: 30_000 })
      const headers = await section.getByRole('columnheader').allInnerTexts()
      expect(headers).toEqual(['Listing', 'Occupancy', 'Earnings', ...[thisMonth, next, thisMonth, next].map(formatMonthShort)])
      const cells = async (name: string) =>
        (
          await section
            .getByRole('row')
            .filter({ has: page.getByRole('rowheader', { name }) })
            .getByRole('cell')
            .allInnerTexts()
        ).map((t) => t.trim().replace(/\s+/g, ' '))
      expect(await cells('Villa on Lake Como')).toEqual([
        `${pct(nightsThis, open.this)} ${nightsThis} of ${open.this} nights`,
        `${pct(nightsNext, open.next)} ${nightsNext} of ${open.next} nights · 5 blocked`,
        share(nightsThis),
        share(nightsNext),
      ])
      expect(await cells('Flat in Bellagio')).toEqual([
        `0% 0 of ${open.this} nights`,
        `0% 0 of ${nightsInMonth(next)} nights`,
        '€0.00',
        '€0.00',
      ])
      expect(await cells('Total, EUR')).toEqual([
        `${pct(nightsThis, 2 * open.this)} ${nightsThis} of ${2 * open.this} nights`,
        `${pct(nightsNext, open.next + nightsInMonth(next))} ${nightsNext} of ${open.next + nightsInMonth(next)} nights · 5 blocked`,
        share(nightsThis),
        share(nightsNext),
      ])
      expect(await section.innerText()).not.toContain('Someone else')
      await section.scrollIntoViewIfNeeded()
      await screenshot(page, 'dashboard-host-month')
    })

    // Half of the other host's payment goes back to the guest at Stripe (the stay stays confirmed): half
    // the total, fees included, takes half the host's share — €55 a night instead of €110.
    const paid = await queryDatabase(stack, 'SELECT id, amount FROM payments WHERE booking_id = $1', [elsewhereStay.id])
    const { id: paymentId, amount } = paid.rows[0] as { id: number; amount: string }
    expect(Number(amount) % 2).toBe(0)
    await queryDatabase(stack, `UPDATE payments SET amount_refunded = $2, status = 'partially_refunded' WHERE id = $1`, [
      paymentId,
      Number(amount) / 2,
    ])
    await dashboard(cast.otherHost, async (page) => {
      const section = page.getByRole('region', { name: 'This month and next' })
      await section.waitFor({ timeout: 30_000 })
      const row = section.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Someone else’s loft' }) })
      const cells = (await row.getByRole('cell').allInnerTexts()).map((t) => t.trim())
      expect(cells.slice(2)).toEqual([formatMoney(5_500 * nightsThis, 'EUR'), formatMoney(5_500 * nightsNext, 'EUR')])
    })
  }, 240_000)
})

describe("staff's dashboard", () => {
  it('shows a listing taken offline with its reason, a payment needing attention, the latest reconciliation and a failed job', async () => {
    const held = await createListing(stack, cast.host, flatRate('Chalet with a borrowed view'), { publish: true })
    const unpublished = await rest(stack, 'POST', `/api/properties/${held.id}/unpublish`, {
      token: cast.staff.token,
      body: { reason: 'The photos show another house' },
    })
    expect(unpublished.status).toBe(200)
    const fresh = await createListing(stack, cast.otherHost, flatRate('Cabin by the fjord'), { publish: true })

    // A dispute flags the payment for staff.
    const disputedListing = await createListing(stack, cast.otherHost, flatRate('Loft with a disputed stay'), { publish: true })
    const start = addDays(today, 60)
    const disputed = await paidStay(disputedListing, start, addDays(start, 3))
    expect((await stripe.deliver(`${stack.url}/api/stripe/webhook`, stripe.dispute(disputed.intentId, 'fraudulent'))).status).toBe(200)
    const payment = await eventually('payment flagged', async () => {
      const { body } = await rest(stack, 'GET', `/api/payments?where[booking][equals]=${disputed.id}&depth=0`, { token: cast.staff.token })
      return body.docs[0]?.needsAttention ? body.docs[0] : null
    })

    // Reconciliation finds an intent nobody here made.
    const orphan = stripe.createIntentDirect({ amount: 4200, currency: 'eur', metadata: { note: 'made in the dashboard' } })
    const reportsBefore = (await rest(stack, 'GET', '/api/reconciliation-reports?limit=1', { token: cast.staff.token })).body.totalDocs
    expect((await rest(stack, 'POST', '/api/reconciliation/run', { token: cast.staff.token })).status).toBe(202)
    const report = await eventually('reconciliation report', async () => {
      const { body } = await rest(stack, 'GET', '/api/reconciliation-reports?sort=-startedAt&limit=1', { token: cast.staff.token })
      return body.totalDocs > reportsBefore && body.docs[0].status !== 'running' ? body.docs[0] : null
    })

    // A job the worker does not know fails (one attempt).
    await queues.queue(BOOKING_LIFECYCLE_QUEUE).add('no-such-job', {}, { jobId: 'dashboard-test-unknown-job', attempts: 1 })
    await queues.waitForJobState(BOOKING_LIFECYCLE_QUEUE, 'dashboard-test-unknown-job', 'failed')

    await dashboard(cast.staff, async (page) => {
      await page.getByRole('heading', { name: 'Back office' }).waitFor({ timeout: 30_000 })
      expect(await page.getByRole('region', { name: 'Needs you' }).count()).toBe(0)

      const offline = await page.getByRole('region', { name: 'Taken offline by staff' }).innerText()
      expect(offline).toContain('Chalet with a borrowed view')
      expect(offline).toContain('The photos show another house')
      expect(await page.getByRole('region', { name: 'Recently published' }).innerText()).toContain('Cabin by the fjord')

      const attention = page.getByRole('region', { name: 'Payments needing attention' })
      const row = attention.getByRole('row').filter({ has: page.getByRole('link', { name: `Payment #${payment.id}` }) })
      expect(await row.innerText()).toMatch(/Dispute .* opened/)
      expect(await row.innerText()).toContain(formatMoney(payment.amount, 'EUR'))
      expect(await row.getByRole('link', { name: `Payment #${payment.id}` }).getAttribute('href')).toBe(
        `/admin/collections/payments/${payment.id}`,
      )

      const latest = page.getByRole('region', { name: 'Latest reconciliation' })
      expect(await latest.getByRole('link', { name: report.title }).count()).toBe(1)
      expect(await latest.innerText()).toContain(orphan.id)
      expect(await latest.innerText()).toContain('Orphan intent')

      const failed = page.getByRole('region', { name: 'Failed jobs' })
      const failedText = await failed.innerText()
      expect(failedText).toMatch(/booking-lifecycle: [1-9]\d* failed/)
      expect(failedText).toContain('dashboard-test-unknown-job')
      expect(failedText).toContain('booking-lifecycle: unknown job no-such-job')
      expect(await failed.getByRole('link', { name: 'Open the queue dashboard' }).getAttribute('href')).toBe('/admin/queues')

      // The calendars and the collections stay one click away.
      const shortcuts = page.getByRole('navigation', { name: 'Collections' })
      for (const name of ['Calendar', 'Listings', 'Bookings', 'Payments', 'Reconciliation', 'Users'])
        expect(await shortcuts.getByRole('link', { name, exact: true }).count()).toBe(1)
      await screenshot(page, 'dashboard-staff')
    })
    expect(fresh.id).toBeGreaterThan(0)
  }, 240_000)
})
