import type { Browser, Page } from 'playwright-core'

import { addDays, utcDate } from '@/domain/stayDates'
import { type Cast, type TestUser, rest, signUpCast } from '../helpers/api'
import { adminPage, screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { createListing } from '../helpers/listings'
import { type Stack, queryDatabase, startStack } from '../helpers/stack'

/**
 * Staff moderation in the admin panel, in real Chromium: a listing taken offline with a reason and
 * reinstated, a review hidden with a reason. The buttons call the moderation endpoints; the outcome is
 * read back through the API. Hosts see no moderation buttons. Screenshots go to tests/.artifacts/admin/.
 */
let stack: Stack
let cast: Cast
let browser: Browser
const today = utcDate(new Date())

beforeAll(async () => {
  stack = await startStack()
  cast = await signUpCast(stack)
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 120_000)

const staffPage = <T>(who: TestUser, url: string, run: (page: Page) => Promise<T>) => adminPage(browser, stack, who, url, run)

/** A published review of a stay that happened: both sides reviewed, so the blind reveal publishes it. */
async function publishedReview(listing: { id: number }): Promise<{ id: number }> {
  const checkIn = addDays(today, 30)
  const booked = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 },
  })
  if (booked.status !== 201) throw new Error(`booking failed ${booked.status}: ${JSON.stringify(booked.body)}`)
  await queryDatabase(
    stack,
    `UPDATE bookings SET status = 'completed', check_in = $2, check_out = $3, confirmed_at = now() WHERE id = $1`,
    [booked.body.doc.id, addDays(today, -5), addDays(today, -2)],
  )
  const byGuest = await rest(stack, 'POST', '/api/reviews', {
    token: cast.guest.token,
    body: { booking: booked.body.doc.id, subject: 'property', rating: 4, comment: 'Quiet and clean; call me on 079 123 45 67.' },
  })
  const byHost = await rest(stack, 'POST', '/api/reviews', {
    token: cast.host.token,
    body: { booking: booked.body.doc.id, subject: 'guest', rating: 5, comment: 'Tidy, friendly guests who left it as they found it.' },
  })
  if (byGuest.status !== 201 || byHost.status !== 201) throw new Error(`reviews failed: ${byGuest.status} ${byHost.status}`)
  return byGuest.body.doc
}

describe('staff moderation in the admin panel', () => {
  it('staff take a listing offline with a reason, and reinstate it', async () => {
    const listing = await createListing(stack, cast.host, { title: 'Chalet with wrong photos' }, { publish: true })
    await staffPage(cast.staff, `/admin/collections/properties/${listing.id}`, async (page) => {
      const moderation = page.getByRole('region', { name: 'Moderation' })
      await moderation.getByRole('button', { name: 'Unpublish…' }).click()
      const dialog = page.getByRole('dialog', { name: 'Unpublish' })
      await dialog.getByLabel('Reason (the host sees it)').fill('The photos show another house')
      await screenshot(page, 'listing-unpublish-staff')
      await dialog.getByRole('button', { name: 'Unpublish', exact: true }).click()
      // After the reload the listing is held: the button is now Reinstate.
      await moderation.getByRole('button', { name: 'Reinstate' }).waitFor({ timeout: 30_000 })
      await screenshot(page, 'listing-held-staff')
    })
    const held = await rest(stack, 'GET', `/api/properties/${listing.id}?depth=0`, { token: cast.staff.token })
    expect(held.body.moderation).toMatchObject({ reason: 'The photos show another house', unpublishedBy: cast.staff.id })
    expect((await rest(stack, 'GET', `/api/properties/${listing.id}`)).status).toBe(404)

    await staffPage(cast.staff, `/admin/collections/properties/${listing.id}`, async (page) => {
      const moderation = page.getByRole('region', { name: 'Moderation' })
      await moderation.getByRole('button', { name: 'Reinstate' }).click()
      await moderation.getByRole('button', { name: 'Unpublish…' }).waitFor({ timeout: 30_000 })
    })
    const reinstated = await rest(stack, 'GET', `/api/properties/${listing.id}?depth=0`, { token: cast.staff.token })
    expect(reinstated.body.moderation.reinstatedBy).toBe(cast.staff.id)
  }, 120_000)

  it('staff hide a review with a reason', async () => {
    const listing = await createListing(stack, cast.host, { title: 'Reviewed cabin', instantBook: true }, { publish: true })
    const review = await publishedReview(listing)
    await staffPage(cast.staff, `/admin/collections/reviews/${review.id}`, async (page) => {
      const moderation = page.getByRole('region', { name: 'Moderation' })
      await moderation.getByRole('button', { name: 'Hide…' }).click()
      const dialog = page.getByRole('dialog', { name: 'Hide' })
      await dialog.getByLabel('Reason (kept with the review)').fill('Contains a phone number')
      await dialog.getByRole('button', { name: 'Hide', exact: true }).click()
      await moderation.getByRole('button', { name: 'Unhide' }).waitFor({ timeout: 30_000 })
      await screenshot(page, 'review-hidden-staff')
    })
    const hidden = await rest(stack, 'GET', `/api/reviews/${review.id}?depth=0`, { token: cast.staff.token })
    expect(hidden.body).toMatchObject({ status: 'hidden', hiddenReason: 'Contains a phone number' })
    // Off the site: the public no longer reads it.
    expect((await rest(stack, 'GET', `/api/reviews/${review.id}`)).status).toBe(404)
  }, 120_000)

  it('a host sees no moderation buttons on their own listing', async () => {
    const listing = await createListing(stack, cast.host, { title: 'Own flat' }, { publish: true })
    await staffPage(cast.host, `/admin/collections/properties/${listing.id}`, async (page) => {
      await page.getByLabel('Nightly Rate').waitFor()
      expect(await page.getByRole('region', { name: 'Moderation' }).count()).toBe(0)
    })
  }, 120_000)
})
