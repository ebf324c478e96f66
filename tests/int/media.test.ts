import { readdirSync } from 'node:fs'
import { request as httpRequest } from 'node:http'

import sharp from 'sharp'

import { type ApiResponse, type TestUser, rest, signUpCast } from '../helpers/api'
import { makeImage } from '../helpers/images'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'

let stack: Stack
let staff: TestUser
let host: TestUser
let otherHost: TestUser
let guest: TestUser
let photo: Buffer

beforeAll(async () => {
  stack = await startStack()
  ;({ staff, host, otherHost, guest } = await signUpCast(stack))
  photo = await makeImage(2000, 1500)
}, 120_000)
afterAll(async () => {
  await stack?.stop()
})

async function upload(
  who: TestUser | undefined,
  file: Buffer,
  options: { name?: string; type?: string; fields?: Record<string, unknown>; ownConnection?: boolean } = {},
): Promise<ApiResponse> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(file)], { type: options.type ?? 'image/jpeg' }), options.name ?? 'photo.jpg')
  form.append('_payload', JSON.stringify(options.fields ?? { alt: 'A test photo of a lake' }))
  const request = new Request(`${stack.url}/api/media`, {
    method: 'POST',
    body: form,
    headers: who ? { authorization: `JWT ${who.token}` } : {},
    signal: AbortSignal.timeout(60_000),
  })
  const res = options.ownConnection ? await postOnOwnConnection(request) : await fetch(request)
  const text = await res.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers }
}

/** Sends a request over a connection used for nothing else (no keep-alive pool). */
async function postOnOwnConnection(request: Request): Promise<Response> {
  const body = Buffer.from(await request.arrayBuffer())
  const url = new URL(request.url)
  return new Promise((resolve, reject) => {
    let answered = false
    let cut: string | undefined
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: request.method,
        agent: false,
        headers: { ...Object.fromEntries(request.headers), 'content-length': body.length },
      },
      (res) => {
        answered = true
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode })))
        res.on('error', reject)
        res.on('aborted', () => reject(new Error(`the answer (${res.statusCode}) was cut off`)))
      },
    )
    // The server may stop reading once it has answered; that is expected here. A connection that closes
    // with no answer at all is the failure this test is about: say so at once, rather than hang.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') cut = error.code
      else reject(error)
    })
    req.on(
      'close',
      () => answered || reject(new Error(`the connection closed before any answer${cut ? ` (${cut} while sending the body)` : ''}`)),
    )
    req.end(body)
  })
}

const mediaCount = async () => (await rest(stack, 'GET', '/api/media?limit=1')).body.totalDocs as number
const filesOnDisk = () => readdirSync(stack.mediaDir).length

describe('uploading photos', () => {
  it('a real JPEG becomes three WebP sizes with the right dimensions, publicly readable', async () => {
    const res = await upload(host, photo)
    expect(res.status).toBe(201)
    const doc = res.body.doc
    expect(doc.owner.id ?? doc.owner).toBe(host.id)
    expect(doc).toMatchObject({ mimeType: 'image/jpeg', width: 2000, height: 1500 })
    const expected = { thumbnail: [400, 300], card: [800, 600], hero: [1600, 1200] } as const
    for (const [size, [width, height]] of Object.entries(expected)) {
      const meta = doc.sizes[size]
      expect(meta).toMatchObject({ width, height, mimeType: 'image/webp' })
      expect(meta.url.startsWith(`${stack.url}/api/media/file/`)).toBe(true)
      const file = await fetch(meta.url, { signal: AbortSignal.timeout(20_000) })
      expect(file.status).toBe(200)
      const decoded = await sharp(Buffer.from(await file.arrayBuffer())).metadata()
      expect({ format: decoded.format, width: decoded.width, height: decoded.height }).toEqual({ format: 'webp', width, height })
    }
    // The original is public too.
    expect((await fetch(doc.url, { signal: AbortSignal.timeout(20_000) })).status).toBe(200)
  })

  it.each([
    ['PNG', 'png', 'image/png'],
    ['WebP', 'webp', 'image/webp'],
    ['AVIF', 'avif', 'image/avif'],
  ] as const)('accepts %s', async (_, format, type) => {
    const res = await upload(host, await makeImage(640, 480, format, { noise: false }), { name: `photo.${format}`, type })
    expect(res.status).toBe(201)
    expect(res.body.doc.sizes.thumbnail).toMatchObject({ width: 400, height: 300, mimeType: 'image/webp' })
  })

  it('the server sets the owner, whatever the client sends', async () => {
    const res = await upload(host, photo, { fields: { alt: 'Mine, really', owner: otherHost.id } })
    expect(res.status).toBe(201)
    expect(res.body.doc.owner.id ?? res.body.doc.owner).toBe(host.id)
  })
})

describe('refused uploads → 4xx, nothing stored', () => {
  it.each([
    ['a text file named .jpg', async () => Buffer.from('This is not an image, just text pretending.\n'.repeat(50))],
    ['a truncated JPEG', async () => photo.subarray(0, Math.floor(photo.length / 3))],
    ['an SVG', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    [
      'a GIF',
      async () =>
        sharp({ create: { width: 20, height: 20, channels: 3, background: 'red' } })
          .gif()
          .toBuffer(),
    ],
    [
      'a PNG wider than 12000 px',
      async () =>
        sharp({ create: { width: 12001, height: 8, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
    ],
  ])('%s → 400', async (_, make) => {
    const [before, files] = [await mediaCount(), filesOnDisk()]
    const res = await upload(host, await make(), { name: 'photo.jpg', type: 'image/jpeg' })
    expect(res.status).toBe(400)
    expect(res.body.errors[0].message).toBeTruthy()
    expect(await mediaCount()).toBe(before)
    expect(filesOnDisk()).toBe(files)
  })

  it('11 MB → 413 with the limit named', async () => {
    const [before, files] = [await mediaCount(), filesOnDisk()]
    const big = Buffer.concat([photo, Buffer.alloc(11 * 1024 * 1024 - photo.length, 7)])
    // The server answers before reading the whole body and drops that connection, so send it on a
    // connection of its own rather than one the next request would reuse.
    const res = await upload(host, big, { ownConnection: true })
    expect(res.status).toBe(413)
    expect(res.body.errors[0].message).toMatch(/at most 10 MB/)
    expect(await mediaCount()).toBe(before)
    expect(filesOnDisk()).toBe(files)
  })

  it('missing alt → 400 naming alt', async () => {
    const [before, files] = [await mediaCount(), filesOnDisk()]
    const res = await upload(host, photo, { fields: {} })
    expect(res.status).toBe(400)
    expect(res.body.errors[0].data.errors.map((e: { path: string }) => e.path)).toContain('alt')
    expect(await mediaCount()).toBe(before)
    expect(filesOnDisk()).toBe(files)
  })

  it('no media from a URL (the server would fetch it, skipping the checks)', async () => {
    const before = await mediaCount()
    const res = await rest(stack, 'POST', '/api/media', {
      token: host.token,
      body: { alt: 'From afar', filename: 'far.png', url: 'https://example.com/far.png' },
    })
    expect(res.status).toBe(400)
    expect(await mediaCount()).toBe(before)
  })

  it('nobody duplicates a photo (it would make them its owner)', async () => {
    const id = (await upload(otherHost, photo)).body.doc.id
    const res = await rest(stack, 'POST', `/api/media/${id}/duplicate`, { token: host.token, body: {} })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
  })

  it('anonymous cannot upload (401: sign in first)', async () => {
    expect((await upload(undefined, photo)).status).toBe(401)
  })
})

describe('who may change media', () => {
  let mediaId: number
  beforeAll(async () => {
    mediaId = (await upload(host, photo, { fields: { alt: 'Owned by the host' } })).body.doc.id
  })

  it.each([
    ['another host', () => otherHost],
    ['a guest', () => guest],
  ])('%s cannot update or delete it', async (_, who) => {
    expect((await rest(stack, 'PATCH', `/api/media/${mediaId}`, { token: who().token, body: { alt: 'Defaced' } })).status).toBe(403)
    expect((await rest(stack, 'DELETE', `/api/media/${mediaId}`, { token: who().token })).status).toBe(403)
    expect((await rest(stack, 'GET', `/api/media/${mediaId}`)).body.alt).toBe('Owned by the host')
  })

  it('the owner and staff can; the owner cannot be changed', async () => {
    const own = await rest(stack, 'PATCH', `/api/media/${mediaId}`, {
      token: host.token,
      body: { alt: 'Better description', owner: otherHost.id },
    })
    expect(own.status).toBe(200)
    expect(own.body.doc.owner.id ?? own.body.doc.owner).toBe(host.id)
    expect(
      (await rest(stack, 'PATCH', `/api/media/${mediaId}`, { token: staff.token, body: { alt: 'Moderated description' } })).status,
    ).toBe(200)
    expect((await rest(stack, 'DELETE', `/api/media/${mediaId}`, { token: staff.token })).status).toBe(200)
  })
})

describe('hosts attach only their own media', () => {
  it("own photos are accepted in order; someone else's → 400 and nothing changes", async () => {
    const mine = [(await upload(host, photo)).body.doc.id, (await upload(host, photo)).body.doc.id]
    const theirs = (await upload(otherHost, photo)).body.doc.id
    const listing = await createListing(stack, host, { title: 'Photo test cabin', photos: [mine[1], mine[0]] })
    expect((listing.photos as { id: number }[]).map((p) => p.id)).toEqual([mine[1], mine[0]])

    const res = await rest(stack, 'PATCH', `/api/properties/${listing.id}`, { token: host.token, body: { photos: [mine[0], theirs] } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toMatch(/photos/)
    const after = (await rest(stack, 'GET', `/api/properties/${listing.id}?depth=0`, { token: host.token })).body
    expect(after.photos).toEqual([mine[1], mine[0]])

    const create = await rest(stack, 'POST', '/api/properties', {
      token: host.token,
      body: { ...(await import('../helpers/listings')).listingInput({ photos: [theirs] }) },
    })
    expect(create.status).toBe(400)
  })

  it("an avatar must be one's own upload too", async () => {
    const theirs = (await upload(otherHost, photo)).body.doc.id
    const mine = (await upload(guest, photo)).body.doc.id
    expect((await rest(stack, 'PATCH', `/api/users/${guest.id}`, { token: guest.token, body: { avatar: theirs } })).status).toBe(400)
    expect((await rest(stack, 'PATCH', `/api/users/${guest.id}`, { token: guest.token, body: { avatar: mine } })).status).toBe(200)
  })
})
