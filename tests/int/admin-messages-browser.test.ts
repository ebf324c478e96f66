import type { Browser, Page } from 'playwright-core'

import { HIDDEN_CONTACT } from '@/domain/messageMasking'
import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { adminPage, screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { createListing } from '../helpers/listings'
import { type Stack, queryDatabase, startStack } from '../helpers/stack'
import { eventually } from '../helpers/wait'

/**
 * The Conversation on a booking's page of the admin panel, in real Chromium: the host reads the guest's
 * messages (markup shown as text, contact details hidden until the booking is confirmed, unread ones
 * marked New), answers, and opening it marked the guest's messages read; staff read it without a box to
 * write in and without marking anything read. Screenshots in tests/.artifacts/admin/.
 */
let stack: Stack
let cast: Cast
let browser: Browser
let listing: { id: number }
const today = utcDate(new Date())
let week = 0

beforeAll(async () => {
  stack = await startStack()
  cast = await signUpCast(stack, { guestName: 'Sam Lee' })
  listing = await createListing(stack, cast.host, { title: 'Cabin by the fjord', instantBook: false }, { publish: true })
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 120_000)

async function request(messageToHost: string): Promise<{ id: number }> {
  const checkIn = addDays(today, 40 + 7 * week++)
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2, messageToHost },
  })
  if (res.status !== 201) throw new Error(`booking failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc
}
const unreadOf = async (who: TestUser, id: number) =>
  (await rest(stack, 'GET', `/api/bookings/${id}?depth=0`, { token: who.token })).body.unreadMessages

const conversationPage = <T>(who: TestUser, id: number, run: (page: Page) => Promise<T>) =>
  adminPage(browser, stack, who, `/admin/collections/bookings/${id}`, run, (page) =>
    page.getByRole('region', { name: 'Conversation' }).locator('li').first().waitFor({ timeout: 30_000 }),
  )

const XSS = '<img src=x onerror="document.title=\'pwned\'"> <script>document.title="pwned"</script>'

describe('the conversation on a booking in the admin panel', () => {
  it('the host reads the guest’s messages as text, masked before confirmation, marked new; answers; reading marked them read', async () => {
    const booking = await request('Hello! We arrive around 18:00 on the first day.')
    await rest(stack, 'POST', `/api/bookings/${booking.id}/messages`, { token: cast.guest.token, body: { text: XSS } })
    await rest(stack, 'POST', `/api/bookings/${booking.id}/messages`, {
      token: cast.guest.token,
      body: { text: 'You can reach me on +44 7911 123456 or sam.lee@example.org' },
    })
    expect(await unreadOf(cast.host, booking.id)).toBe(3)

    await conversationPage(cast.host, booking.id, async (page) => {
      const conversation = page.getByRole('region', { name: 'Conversation' })
      const texts = await conversation.locator('.booking-conversation__text').allInnerTexts()
      expect(texts).toEqual([
        'Hello! We arrive around 18:00 on the first day.',
        XSS,
        `You can reach me on ${HIDDEN_CONTACT} or ${HIDDEN_CONTACT}`,
      ])
      // Shown, never run: no element came out of the text, the title is the panel's.
      expect(await conversation.locator('.booking-conversation__text img, .booking-conversation__text script').count()).toBe(0)
      expect(await page.title()).not.toContain('pwned')
      expect(await conversation.locator('li[data-new]').count()).toBe(3)
      expect(await conversation.getByRole('heading').innerText()).toContain('3 unread')
      await conversation.getByRole('textbox', { name: 'Message' }).scrollIntoViewIfNeeded()
      await screenshot(page, 'booking-conversation-host')

      await conversation.getByRole('textbox', { name: 'Message' }).fill('Welcome, Sam! The key box code comes once you have paid.')
      await conversation.getByRole('button', { name: 'Send' }).click()
      await conversation.locator('li').nth(3).waitFor({ timeout: 30_000 })
      expect(await conversation.locator('li').nth(3).innerText()).toContain('Welcome, Sam!')
      expect(await conversation.locator('li').nth(3).innerText()).toMatch(/^You/)
      // Reloaded after sending: the guest's messages are read now.
      await eventually('the new messages to show as read', async () => (await conversation.locator('li[data-new]').count()) === 0)
      await screenshot(page, 'booking-conversation-host-answered')
    })
    expect(await unreadOf(cast.host, booking.id)).toBe(0)
    expect(await unreadOf(cast.guest, booking.id)).toBe(1)
  }, 180_000)

  it('staff read the conversation without writing in it and without marking it read; confirmed, nothing is hidden', async () => {
    const booking = await request('Call me at 06 12 34 56 78')
    await queryDatabase(stack, `UPDATE bookings SET status = 'confirmed', confirmed_at = now() WHERE id = $1`, [booking.id])
    await conversationPage(cast.staff, booking.id, async (page) => {
      const conversation = page.getByRole('region', { name: 'Conversation' })
      expect(await conversation.locator('.booking-conversation__text').allInnerTexts()).toEqual(['Call me at 06 12 34 56 78'])
      expect(await conversation.getByRole('textbox').count()).toBe(0)
      expect(await conversation.getByRole('button', { name: 'Send' }).count()).toBe(0)
      await conversation.getByText('Staff read conversations').waitFor()
      await screenshot(page, 'booking-conversation-staff')
    })
    expect(await unreadOf(cast.host, booking.id)).toBe(1)
  }, 180_000)
})
