import { type Server, createServer } from 'node:http'

import type { Browser, Page } from 'playwright-core'

import { addDays, utcDate } from '@/domain/stayDates'
import { launchChromium } from '../helpers/browser'
import { type Cast, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type Stack, freePort, startStack } from '../helpers/stack'

/**
 * A frontend in real Chromium, served from another origin (another port), calling the API with fetch():
 * the browser's own CORS checks decide what the page may send and read.
 */
let stack: Stack
let cast: Cast
let listing: { id: number }
let browser: Browser
let allowedOrigin: string
let otherOrigin: string
const pages: Server[] = []

/** A blank page on 127.0.0.1:port: the frontend's origin. */
async function servePage(port: number): Promise<string> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html')
    res.end('<!doctype html><title>frontend</title><p>frontend</p>')
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  pages.push(server)
  return `http://127.0.0.1:${port}`
}

beforeAll(async () => {
  allowedOrigin = await servePage(await freePort())
  otherOrigin = await servePage(await freePort())
  stack = await startStack({ env: { CORS_ORIGINS: allowedOrigin } })
  cast = await signUpCast(stack)
  listing = await createListing(stack, cast.host, { title: 'Browser loft' }, { publish: true })
  browser = await launchChromium()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
  await Promise.all(pages.map((server) => new Promise((resolve) => server.close(resolve))))
}, 120_000)

async function pageOn<T>(origin: string, run: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext()
  const page = await context.newPage()
  try {
    await page.goto(`${origin}/`, { timeout: 60_000 })
    return await run(page)
  } finally {
    await context.close()
  }
}

type Answer = { ok: true; status: number; json: any; headers: Record<string, string | null> } | { ok: false; error: string }

/** fetch() inside the page; returns what the page's script could see. */
function callFrom(
  page: Page,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  read: string[] = [],
): Promise<Answer> {
  return page.evaluate(
    async ({ url, init, read }) => {
      try {
        const res = await fetch(url, init)
        const headers: Record<string, string | null> = {}
        for (const name of read) headers[name] = res.headers.get(name)
        return { ok: true as const, status: res.status, json: await res.json(), headers }
      } catch (error) {
        return { ok: false as const, error: String(error) }
      }
    },
    { url, init, read },
  )
}

let week = 0
const stay = () => {
  const checkIn = addDays(utcDate(new Date()), 50 + 4 * week++)
  return { property: listing.id, checkIn, checkOut: addDays(checkIn, 3), guests: 2 }
}

it('an allowed origin books with Idempotency-Key and reads x-request-id and Idempotent-Replayed on the replay', async () => {
  const result = await pageOn(allowedOrigin, async (page) => {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${cast.guest.token}`, 'idempotency-key': `browser-${Date.now()}` },
      body: JSON.stringify(stay()),
    }
    const read = ['x-request-id', 'idempotent-replayed']
    const first = await callFrom(page, `${stack.url}/api/bookings`, init, read)
    const replay = await callFrom(page, `${stack.url}/api/bookings`, init, read)
    return { first, replay }
  })
  expect(result.first).toMatchObject({ ok: true, status: 201 })
  expect(result.replay).toMatchObject({ ok: true, status: 201, headers: { 'idempotent-replayed': 'true' } })
  if (!result.first.ok || !result.replay.ok) throw new Error('unreachable')
  expect(result.replay.json.doc.id).toBe(result.first.json.doc.id)
  expect(result.first.headers['x-request-id']).toMatch(/^[\w.:-]+$/)
  expect(result.replay.headers['x-request-id']).toMatch(/^[\w.:-]+$/)
  expect(result.replay.headers['x-request-id']).not.toBe(result.first.headers['x-request-id'])
}, 120_000)

it('an allowed origin reads the JSON of error answers: express (413), the GraphQL guard (415), Payload (4xx)', async () => {
  const answers = await pageOn(allowedOrigin, async (page) => {
    const auth = { 'content-type': 'application/json', authorization: `JWT ${cast.guest.token}` }
    return {
      tooLarge: await callFrom(
        page,
        `${stack.url}/api/bookings`,
        { method: 'POST', headers: auth, body: JSON.stringify({ note: 'x'.repeat(1_100_000) }) },
        ['x-request-id'],
      ),
      graphqlGuard: await callFrom(page, `${stack.url}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{ __typename }',
      }),
      notFound: await callFrom(page, `${stack.url}/api/bookings/999999`, { headers: auth }),
      invalid: await callFrom(page, `${stack.url}/api/bookings`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ ...stay(), guests: 0 }),
      }),
      healthz: await callFrom(page, `${stack.url}/healthz`, {}),
    }
  })
  expect(answers.tooLarge).toMatchObject({ ok: true, status: 413, json: { errors: [{ code: 'PAYLOAD_TOO_LARGE' }] } })
  if (answers.tooLarge.ok) expect(answers.tooLarge.headers['x-request-id']).toBeTruthy()
  expect(answers.graphqlGuard).toMatchObject({
    ok: true,
    status: 415,
    json: { errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] },
  })
  expect(answers.notFound).toMatchObject({ ok: true, status: 404, json: { errors: [{ code: 'NOT_FOUND' }] } })
  expect(answers.invalid).toMatchObject({
    ok: true,
    status: 400,
    json: { errors: [expect.objectContaining({ message: expect.any(String) })] },
  })
  expect(answers.healthz).toMatchObject({ ok: true, status: 200, json: { status: 'ok' } })
}, 120_000)

it('another origin is refused: the preflight fails and simple requests cannot be read', async () => {
  const countMine = async () =>
    (await fetch(`${stack.url}/api/bookings?limit=1`, { headers: { authorization: `JWT ${cast.otherGuest.token}` } }).then((r) => r.json()))
      .totalDocs as number
  const before = await countMine()
  const answers = await pageOn(otherOrigin, async (page) => ({
    book: await callFrom(page, `${stack.url}/api/bookings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `JWT ${cast.otherGuest.token}`,
        'idempotency-key': `other-${Date.now()}`,
      },
      body: JSON.stringify(stay()),
    }),
    read: await callFrom(page, `${stack.url}/api/properties/${listing.id}`, {}),
  }))
  expect(answers.book).toEqual({ ok: false, error: expect.stringMatching(/Failed to fetch/) })
  expect(answers.read).toEqual({ ok: false, error: expect.stringMatching(/Failed to fetch/) })
  // The refused booking was never made: the preflight stopped it.
  expect(await countMine()).toBe(before)
}, 120_000)
