import type { Browser, Page } from 'playwright-core'

import { describeMoney } from '@/domain/money'
import { type Cast, rest, signUpCast, uploadImage } from '../helpers/api'
import { adminPage, screenshot } from '../helpers/adminBrowser'
import { launchChromium } from '../helpers/browser'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'

/**
 * A listing's prices in the admin panel, in real Chromium as its host: typed in the currency's major
 * unit ("160.00") and stored in minor units (16000), read back through the API; and the listings list,
 * with human column labels and each listing's cover. Screenshots go to tests/.artifacts/admin/ (not
 * committed).
 */
let stack: Stack
let cast: Cast
let browser: Browser

beforeAll(async () => {
  stack = await startStack()
  cast = await signUpCast(stack)
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 120_000)

const listingPage = <T>(id: number, run: (page: Page) => Promise<T>) =>
  adminPage(browser, stack, cast.host, `/admin/collections/properties/${id}`, run, (page) =>
    page.getByLabel('Nightly Rate').waitFor({ timeout: 30_000 }),
  )

/** Saves the listing as it is edited (a published listing: "Publish changes") and waits for Payload's answer. */
async function save(page: Page): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().includes('/api/properties/') && r.request().method() === 'PATCH', {
    timeout: 30_000,
  })
  await page.getByRole('button', { name: 'Publish changes' }).click()
  expect((await answered).status()).toBe(200)
}

const pricing = async (id: number) => (await rest(stack, 'GET', `/api/properties/${id}?depth=0`, { token: cast.host.token })).body.pricing

describe('prices in the admin panel', () => {
  it('shows the stored minor units as the major unit, and stores what the host types', async () => {
    const listing = await createListing(stack, cast.host, { title: 'Priced chalet' }, { publish: true })
    const before = await pricing(listing.id)
    await listingPage(listing.id, async (page) => {
      const nightly = page.getByLabel('Nightly Rate')
      // As stored (minor units), shown as people write it.
      expect(await nightly.inputValue()).toBe((before.nightlyRate / 100).toFixed(2))
      await nightly.fill('160.00')
      await page.getByLabel('Cleaning Fee').fill('45.5')
      await screenshot(page, 'listing-prices-host')
      await save(page)
    })
    expect(await pricing(listing.id)).toMatchObject({ currency: before.currency, nightlyRate: 16000, cleaningFee: 4550 })
  }, 120_000)

  it('text that is not an amount is not stored: the field says how to write it and saving fails on it', async () => {
    const listing = await createListing(stack, cast.host, { title: 'Mistyped chalet' }, { publish: true })
    const before = await pricing(listing.id)
    await listingPage(listing.id, async (page) => {
      await page.getByLabel('Nightly Rate').fill('160,5')
      await page.getByText(`Write an amount in ${before.currency}, like 160.00.`).waitFor()
      await screenshot(page, 'listing-price-invalid-host')
      const answered = page.waitForResponse((r) => r.url().includes('/api/properties/') && r.request().method() === 'PATCH', {
        timeout: 10_000,
      })
      await page.getByRole('button', { name: 'Publish changes' }).click()
      // Either the form stops it before sending, or the server refuses it: never stored.
      const status = await answered.then((r) => r.status()).catch(() => 'not sent')
      expect([400, 'not sent']).toContain(status)
    })
    expect(await pricing(listing.id)).toMatchObject({ nightlyRate: before.nightlyRate })
  }, 120_000)
})

describe('the listings list', () => {
  it('heads its columns as people say them and shows each cover as a thumbnail, or a placeholder', async () => {
    const photo = await uploadImage(stack, cast.host.token, { alt: 'The chalet seen from the lake' })
    const pictured = await createListing(stack, cast.host, { title: 'Chalet with a view', photos: [photo.id] }, { publish: true })
    await createListing(stack, cast.host, { title: 'Chalet without photos' }, { publish: true })
    const { pricing } = (await rest(stack, 'GET', `/api/properties/${pictured.id}?depth=0`, { token: cast.host.token })).body
    await adminPage(
      browser,
      stack,
      cast.host,
      '/admin/collections/properties',
      async (page) => {
        const headings = (await page.locator('thead .sort-column__label').allInnerTexts()).map((t) => t.trim())
        expect(headings).toEqual(expect.arrayContaining(['City', 'Country', 'Nightly rate']))
        // Payload's "Address > City", "Pricing > Nightly Rate" are gone.
        expect(headings.filter((h) => h.includes('>'))).toEqual([])

        const row = page.getByRole('row').filter({ hasText: 'Chalet with a view' })
        const cover = row.getByRole('img', { name: 'The chalet seen from the lake' })
        await cover.waitFor()
        // The media's thumbnail size (not the original upload), loaded, in a small box.
        expect(await cover.getAttribute('src')).toMatch(/-400x300\.webp$/)
        await page.waitForFunction(
          (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
          await cover.elementHandle(),
        )
        expect(await cover.boundingBox()).toMatchObject({ width: 64, height: 48 })
        expect(await row.innerText()).toContain(describeMoney(pricing.nightlyRate, pricing.currency))

        const bare = page.getByRole('row').filter({ hasText: 'Chalet without photos' })
        expect(await bare.getByRole('img', { name: 'No photo' }).boundingBox()).toMatchObject({ width: 64, height: 48 })
        // The host column names the host once Payload has fetched the related users.
        await page.getByText('Loading...').first().waitFor({ state: 'detached', timeout: 30_000 })
        await screenshot(page, 'listings-list')
      },
      (page) => page.getByRole('row').filter({ hasText: 'Chalet without photos' }).waitFor({ timeout: 30_000 }),
    )
  }, 120_000)
})
