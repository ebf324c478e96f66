import { createHash, randomBytes } from 'node:crypto'
import { type Server, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'

import express from 'express'

import { limitBodySize } from './limitBodySize'

/**
 * The guard in front of a stand-in for Next's handler that reads the raw body the way Payload does
 * (from the IncomingMessage stream) and answers with its length and hash.
 */
const LIMIT = 64 * 1024
let server: Server
let port: number
let handled = 0

beforeAll(async () => {
  const app = express()
  app.use(limitBodySize(LIMIT))
  app.all('/{*splat}', async (req, res) => {
    handled++
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    res.json({ length: body.length, sha256: createHash('sha256').update(body).digest('hex') })
  })
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: any }

/** One request on its own connection; `chunks` are written one by one (chunked when no length is given). */
function send(chunks: Buffer[], headers: Record<string, string | number> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/properties', agent: false, headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(parts).toString()) }))
    })
    // The server may stop reading once it has answered; that is what the guard is for.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)))
    const write = (i: number) => {
      if (i === chunks.length) return req.end()
      if (req.destroyed) return
      req.write(chunks[i], () => write(i + 1))
    }
    write(0)
  })
}

const sha = (body: Buffer) => createHash('sha256').update(body).digest('hex')
const split = (body: Buffer, size: number) =>
  Array.from({ length: Math.ceil(body.length / size) }, (_, i) => body.subarray(i * size, (i + 1) * size))

describe('limitBodySize', () => {
  it.each([
    ['with Content-Length', true],
    ['chunked', false],
  ])('a body at the limit reaches the handler byte for byte (%s)', async (_, withLength) => {
    const body = randomBytes(LIMIT)
    const res = await send(split(body, 7_000), {
      'content-type': 'application/json',
      ...(withLength ? { 'content-length': body.length } : {}),
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ length: LIMIT, sha256: sha(body) })
  })

  it.each([
    ['with Content-Length', true],
    ['chunked', false],
  ])('one byte over → 413 PAYLOAD_TOO_LARGE, Connection: close, the handler never runs (%s)', async (_, withLength) => {
    const before = handled
    const body = randomBytes(LIMIT + 1)
    const res = await send(split(body, 7_000), {
      'content-type': 'application/json',
      ...(withLength ? { 'content-length': body.length } : {}),
    })
    expect(res.status).toBe(413)
    expect(res.headers.connection).toBe('close')
    expect(res.body).toEqual({ errors: [{ message: expect.stringContaining('too large'), code: 'PAYLOAD_TOO_LARGE' }] })
    expect(handled).toBe(before)
  })

  it('a huge chunked body is refused at the limit, not read to its end', async () => {
    // 1000 × 64 KiB would be 64 MiB; the answer comes while the client is still sending.
    let written = 0
    const chunk = Buffer.alloc(LIMIT, 'a')
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/graphql', agent: false, headers: { 'content-type': 'application/json' } },
        (res) => {
          const parts: Buffer[] = []
          res.on('data', (c: Buffer) => parts.push(c))
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(parts).toString()) }))
        },
      )
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)))
      const write = () => {
        if (req.destroyed || written >= 1000) return req.end()
        written++
        req.write(chunk, write)
      }
      write()
    })
    expect(answer.status).toBe(413)
    expect(written).toBeLessThan(1000)
  })

  it('file uploads (multipart) are left to Payload’s own limit', async () => {
    const body = randomBytes(LIMIT * 2)
    const res = await send([body], { 'content-type': 'multipart/form-data; boundary=x', 'content-length': body.length })
    expect(res.status).toBe(200)
    expect(res.body.length).toBe(body.length)
  })

  it('requests without a body pass', async () => {
    const res = await send([], {})
    expect(res.status).toBe(200)
    expect(res.body.length).toBe(0)
  })
})
