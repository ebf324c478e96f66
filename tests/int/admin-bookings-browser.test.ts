import type { Browser, Page } from 'playwright-core'

import { bookingTitle } from '@/domain/bookingTitle'
import { describeMoney } from '@/domain/money'
import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { adminPage, screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { createListing } from '../helpers/listings'
import { type Stack, type WorkerProcess, queryDatabase, startStack, startWorker } from '../helpers/stack'
import { eventually } from '../helpers/wait'
import { type StripeStandIn, startStripeStandIn } from '../stripe/standIn'

/**
 * The booking page of the admin panel in real Chromium, as a host and as staff: Accept / Decline on a
 * request, Cancel with the refund shown before confirming; the booking's human title and its status
 * timeline with the payment and its refunds. The buttons call the same endpoints as the API; what the
 * test checks afterwards is read back through the API. Payments go through the Stripe stand-in and a
 * real worker, as in payments.test.ts. Screenshots go to tests/.artifacts/admin/ (not committed).
 */
let stripe: StripeStandIn
let stack: Stack
let worker: WorkerProcess | undefined
let cast: Cast
let browser: Browser
let onRequest: { id: number }
const today = utcDate(new Date())
let week = 0

const rename = async (user: TestUser, name: string) => {
  const res = await rest(stack, 'PATCH', `/api/users/${user.id}`, { token: user.token, body: { name } })
  if (res.status !== 200) throw new Error(`rename failed ${res.status}: ${JSON.stringify(res.body)}`)
}

beforeAll(async () => {
  stripe = await startStripeStandIn()
  stack = await startStack({ env: { ...stripe.env, JOB_RETRY_DELAY_MS: '200' } })
  cast = await signUpCast(stack, { guestName: 'Sam Lee' })
  // Names the timeline can tell apart.
  await rename(cast.host, 'Ana Costa')
  await rename(cast.staff, 'Kim Staff')
  onRequest = await createListing(
    stack,
    cast.host,
    { title: 'Villa on Lake Como', instantBook: false, cancellationPolicy: 'moderate' },
    { publish: true },
  )
  worker = await startWorker(stack)
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await worker?.stop()
  await stack?.stop()
  await stripe?.close()
}, 120_000)

/** A request from the guest, on dates nobody else uses, `daysAhead` from today. */
type Quote = { total: number; currency: string; cleaningFee: number; serviceFee: number; taxes: number }
async function request(daysAhead = 40 + 7 * week++): Promise<{ id: number; quote: Quote; checkIn: string; checkOut: string }> {
  const checkIn = addDays(today, daysAhead)
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: onRequest.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
  })
  if (res.status !== 201) throw new Error(`booking failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc
}

/** `text` as a regular expression that matches exactly it. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const statusOf = async (id: number) => (await rest(stack, 'GET', `/api/bookings/${id}?depth=0`, { token: cast.staff.token })).body

/** The booking's page in the admin panel, signed in as `who`, once its actions are there. */
const bookingPage = <T>(who: TestUser, id: number, run: (page: Page) => Promise<T>) =>
  adminPage(browser, stack, who, `/admin/collections/bookings/${id}`, run, (page) =>
    page.getByRole('region', { name: 'Booking actions' }).waitFor({ timeout: 30_000 }),
  )

describe('a booking in the admin panel', () => {
  it('the host accepts a request from its page: the guest can pay now', async () => {
    const booking = await request()
    await bookingPage(cast.host, booking.id, async (page) => {
      const actions = page.getByRole('region', { name: 'Booking actions' })
      // The quote as a receipt in the booking's currency: three nights at one rate, fees, the total.
      const receipt = page.getByRole('region', { name: 'Price' })
      await receipt.waitFor()
      expect(await receipt.getByRole('row').allInnerTexts()).toEqual([
        `3 nights × ${describeMoney(18_000, booking.quote.currency)}\t${describeMoney(54_000, booking.quote.currency)}`,
        `Cleaning fee\t${describeMoney(booking.quote.cleaningFee, booking.quote.currency)}`,
        `Service fee\t${describeMoney(booking.quote.serviceFee, booking.quote.currency)}`,
        `Taxes\t${describeMoney(booking.quote.taxes, booking.quote.currency)}`,
        `Total\t${describeMoney(booking.quote.total, booking.quote.currency)}`,
      ])
      // Server-owned dates look read-only: no clear button, no calendar to open.
      expect(await page.locator('.read-only .date-time-picker__input-wrapper').count()).toBeGreaterThan(0)
      expect(await page.locator('.date-time-picker__clear-button:visible, .date-time-picker__icon-wrap:visible').count()).toBe(0)
      // An empty server-owned select (who cancelled: nobody yet) is an empty box, not "Select a value".
      expect(await page.locator('.read-only .rs__placeholder').count()).toBeGreaterThan(0)
      expect(await page.getByText('Select a value').filter({ visible: true }).count()).toBe(0)
      await screenshot(page, 'booking-request-host')
      await actions.getByRole('button', { name: 'Accept' }).click()
      // The page reloads with the new state: the request's buttons are gone, Cancel stays.
      await actions.getByRole('button', { name: 'Accept' }).waitFor({ state: 'detached', timeout: 30_000 })
      await actions.getByRole('button', { name: 'Cancel booking…' }).waitFor({ timeout: 30_000 })
      expect(await actions.getByRole('button', { name: 'Decline' }).count()).toBe(0)
      await page.getByText('Loading...').first().waitFor({ state: 'detached', timeout: 30_000 })
      await screenshot(page, 'booking-accepted-host')
    })
    expect(await statusOf(booking.id)).toMatchObject({ status: 'awaiting_payment' })
  }, 120_000)

  it('the host declines a request', async () => {
    const booking = await request()
    await bookingPage(cast.host, booking.id, async (page) => {
      const actions = page.getByRole('region', { name: 'Booking actions' })
      await actions.getByRole('button', { name: 'Decline' }).click()
      // Declined: nothing is left to do, so after the reload there are no buttons.
      await actions.waitFor({ state: 'detached', timeout: 30_000 })
    })
    expect(await statusOf(booking.id)).toMatchObject({ status: 'declined' })
  }, 120_000)

  it('the host sees the refund before cancelling a paid stay, gives a reason, and the cancel refunds exactly that', async () => {
    // Three days ahead on a moderate policy: cancelled by the host, the guest gets everything back.
    const booking = await request(3)
    await queryDatabase(stack, `UPDATE bookings SET status = 'confirmed', confirmed_at = now() WHERE id = $1`, [booking.id])
    const refund = describeMoney(booking.quote.total, booking.quote.currency)
    await bookingPage(cast.host, booking.id, async (page) => {
      await page.getByRole('button', { name: 'Cancel booking…' }).click()
      const dialog = page.getByRole('dialog', { name: 'Cancel this booking' })
      await dialog.waitFor()
      expect(await dialog.locator('.booking-actions__refund').textContent()).toBe(refund)
      expect(await dialog.locator('.booking-actions__rule').textContent()).toBe('Cancelled by the host: the guest gets everything back.')
      // Asking changed nothing.
      expect(await statusOf(booking.id)).toMatchObject({ status: 'confirmed' })
      await dialog.getByLabel('Reason (the guest sees it)').fill('A pipe burst in the kitchen')
      await screenshot(page, 'booking-cancel-preview-host')
      await dialog.getByRole('button', { name: 'Cancel the booking' }).click()
      await page.getByRole('region', { name: 'Booking actions' }).waitFor({ state: 'detached', timeout: 30_000 })
      await page.getByText('Cancelled', { exact: true }).waitFor({ timeout: 30_000 })
      await page.getByText('Loading...').first().waitFor({ state: 'detached', timeout: 30_000 })
      await screenshot(page, 'booking-cancelled-host')
      // The refund as money in the booking's currency, read-only.
      expect(await page.getByLabel('Refund', { exact: true }).textContent()).toBe(refund)
      // Server-owned selects and relationships (status, policy, guest, host) read as text: no chevron
      // to open, no button to clear.
      expect(await page.locator('.field-type.select.read-only').count()).toBeGreaterThanOrEqual(2)
      expect(await page.locator('.relationship--read-only').count()).toBeGreaterThanOrEqual(2)
      expect(await page.locator('.rs__indicators:visible, .clear-indicator:visible, .dropdown-indicator:visible').count()).toBe(0)
      await screenshot(page, 'booking-cancelled-refund')
    })
    expect(await statusOf(booking.id)).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'host',
      cancellationReason: 'A pipe burst in the kitchen',
      refundAmount: booking.quote.total,
    })
  }, 120_000)

  it('an error of the API is shown where the button was (staff may not accept; another tab already cancelled)', async () => {
    const booking = await request()
    await bookingPage(cast.staff, booking.id, async (page) => {
      const actions = page.getByRole('region', { name: 'Booking actions' })
      // Staff cancel, never accept or decline.
      expect(await actions.getByRole('button', { name: 'Accept' }).count()).toBe(0)
      await actions.getByRole('button', { name: 'Cancel booking…' }).click()
      await page.getByRole('dialog', { name: 'Cancel this booking' }).waitFor()
      // Meanwhile the guest cancels it themselves.
      expect((await rest(stack, 'POST', `/api/bookings/${booking.id}/cancel`, { token: cast.guest.token, body: {} })).status).toBe(200)
      await page.getByRole('button', { name: 'Cancel the booking' }).click()
      const alert = page.getByRole('region', { name: 'Booking actions' }).getByRole('alert')
      await alert.waitFor()
      expect(await alert.textContent()).toBe('A booking that is cancelled cannot become cancelled.')
      await screenshot(page, 'booking-cancel-conflict-staff')
    })
    expect(await statusOf(booking.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'guest' })
  }, 120_000)

  it('names the booking as people do, and shows its timeline — who did what, when — with the payment and its refund', async () => {
    // Requested by the guest, accepted by the host, paid (Stripe's webhook), cancelled by staff and refunded.
    const booking = await request(20)
    expect((await rest(stack, 'POST', `/api/bookings/${booking.id}/accept`, { token: cast.host.token })).status).toBe(200)
    const intent = (await rest(stack, 'POST', `/api/bookings/${booking.id}/payment-intent`, { token: cast.guest.token })).body
    expect((await stripe.deliver(`${stack.url}/api/stripe/webhook`, stripe.succeed(intent.paymentIntentId))).status).toBe(200)
    const detail = () => `worker:\n${worker?.output().slice(-3000)}`
    await eventually('booking confirmed', async () => (await statusOf(booking.id)).status === 'confirmed', { timeoutMs: 30_000, detail })
    const cancel = await rest(stack, 'POST', `/api/bookings/${booking.id}/cancel`, {
      token: cast.staff.token,
      body: { reason: 'The listing failed its safety inspection' },
    })
    expect(cancel.status).toBe(200)
    const paymentOf = async () =>
      (await rest(stack, 'GET', `/api/payments?where[booking][equals]=${booking.id}&depth=0`, { token: cast.staff.token })).body.docs[0]
    await eventually('refunded', async () => (await paymentOf())?.status === 'refunded', { timeoutMs: 30_000, detail })
    const payment = await paymentOf()

    const title = bookingTitle({
      guestName: 'Sam Lee',
      listingTitle: 'Villa on Lake Como',
      checkIn: booking.checkIn,
      checkOut: booking.checkOut,
    })
    const when = String.raw`\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC`
    const timelineOf = (page: Page) => page.getByRole('region', { name: 'Status' })
    const stepsOf = async (page: Page) => (await timelineOf(page).locator('ol > li').allInnerTexts()).map((t) => t.split('\n'))
    const openTimeline = <T>(who: TestUser, run: (page: Page) => Promise<T>) =>
      adminPage(browser, stack, who, `/admin/collections/bookings/${booking.id}`, run, (page) =>
        timelineOf(page).locator('.booking-timeline__payments').waitFor({ timeout: 30_000 }),
      )

    await openTimeline(cast.staff, async (page) => {
      // The heading and the breadcrumb name the booking, not "ID: 12".
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title)
      expect(await page.locator('.step-nav').innerText()).toContain(title)
      const steps = await stepsOf(page)
      expect(steps.slice(0, 4)).toEqual([
        ['Requested', expect.stringMatching(new RegExp(`^${when} · Sam Lee \\(guest\\)$`))],
        ['Awaiting payment', expect.stringMatching(new RegExp(`^${when} · Ana Costa \\(host\\)$`))],
        ['Confirmed', expect.stringMatching(new RegExp(`^${when} · Staybase \\(automatic\\)$`))],
        ['Cancelled', expect.stringMatching(new RegExp(`^${when} · Kim Staff \\(staff\\)$`)), 'The listing failed its safety inspection'],
      ])
      expect(steps).toHaveLength(4)
      const money = (amount: number) => describeMoney(amount, payment.currency)
      const payments = timelineOf(page).locator('.booking-timeline__payments > li')
      expect(await payments.count()).toBe(1)
      const link = payments.getByRole('link', { name: money(payment.amount) })
      expect(await link.getAttribute('href')).toBe(`/admin/collections/payments/${payment.id}`)
      expect((await payments.innerText()).split('\n')).toEqual([
        `${money(payment.amount)} · Refunded · ${money(payment.amountRefunded)} refunded`,
        expect.stringMatching(new RegExp(`^${when} · ${payment.stripePaymentIntentId}$`)),
        expect.stringMatching(new RegExp(`^${literally(`Refund ${money(payment.refunds[0].amount)} · Succeeded`)} · ${when}$`)),
      ])
      // The raw history array is not shown as rows (Payload keeps a hidden input for it), nor the title as a field.
      expect(await page.locator('[id^="field-history"]:visible, .array-field:visible, #field-title:visible').count()).toBe(0)
      await screenshot(page, 'booking-timeline')
    })

    // The host reads who acted by role where it was staff: a staff member's account is not theirs to know.
    await openTimeline(cast.host, async (page) => {
      const steps = await stepsOf(page)
      expect(steps[3]).toEqual([
        'Cancelled',
        expect.stringMatching(new RegExp(`^${when} · Staybase staff$`)),
        'The listing failed its safety inspection',
      ])
      await screenshot(page, 'booking-timeline-host')
    })
  }, 180_000)

  it('a payment reads as money: its amount, what was refunded and each refund, in its currency, read-only', async () => {
    const booking = await request()
    const { total, currency } = booking.quote
    const partly = Math.round(total / 4)
    // A payment as the webhook leaves it after a partial refund (Stripe itself is not needed to look at one).
    const inserted = await queryDatabase(
      stack,
      `INSERT INTO payments (booking_id, guest_id, host_id, amount, amount_refunded, currency, status, stripe_payment_intent_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'partially_refunded', $7, now(), now()) RETURNING id`,
      [booking.id, cast.guest.id, cast.host.id, total, partly, currency, `pi_admin_view_${booking.id}`],
    )
    const paymentId = inserted.rows[0].id as number
    await queryDatabase(
      stack,
      `INSERT INTO payments_refunds (_order, _parent_id, id, stripe_refund_id, amount, status, reason, created_at)
       VALUES (1, $1, $2, $3, $4, 'succeeded', 'requested_by_customer', now())`,
      [paymentId, `refund-${paymentId}`, `re_admin_view_${booking.id}`, partly],
    )
    await adminPage(
      browser,
      stack,
      cast.staff,
      `/admin/collections/payments/${paymentId}`,
      async (page) => {
        expect(await page.locator('#field-amount').textContent()).toBe(describeMoney(total, currency))
        expect(await page.locator('#field-amountRefunded').textContent()).toBe(describeMoney(partly, currency))
        expect(await page.locator('#field-refunds__0__amount').textContent()).toBe(describeMoney(partly, currency))
        expect(await page.locator('.rs__indicators:visible, .clear-indicator:visible, .dropdown-indicator:visible').count()).toBe(0)
        // Read-only relationships show who and what, as text: the guest, and the booking by its title.
        const related = page.locator('.relationship--read-only')
        await related.getByText('Sam Lee', { exact: true }).waitFor({ timeout: 30_000 })
        await related.getByText(/^Sam Lee · Villa on Lake Como · /).waitFor({ timeout: 30_000 })
        await page.getByText('Loading...').first().waitFor({ state: 'detached', timeout: 30_000 })
        await screenshot(page, 'payment-view')
      },
      (page) => page.locator('#field-amount').waitFor({ timeout: 30_000 }),
    )
  }, 120_000)
})
