import type { Server } from 'node:http'
import { type AddressInfo, connect } from 'node:net'

import express from 'express'

import { closeIfBodyUnread } from './closeIfBodyUnread'
import { limitBodySize } from '@/middleware/limitBodySize'

/**
 * A client that writes its whole body before it reads anything (many do: the body is in the kernel's
 * buffers before the answer arrives) must still read the 413, then see the connection end — not a
 * reset that throws the answer away.
 */
const LIMITS = { bytes: 16 * 1024 * 1024, ms: 5_000 }
let server: Server
let port: number

beforeAll(async () => {
  const app = express()
  app.use((req, res, next) => closeIfBodyUnread(req, res, next, LIMITS))
  app.use(limitBodySize(64 * 1024))
  // Like Payload's upload limit: read a little, abandon the body (destroying the request), answer 413.
  app.post('/abandon', (req, res) => {
    req.once('data', () => {
      req.destroy()
      setImmediate(() => res.status(413).json({ errors: [{ message: 'too big', code: 'PAYLOAD_TOO_LARGE' }] }))
    })
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

/**
 * Raw HTTP/1.1: writes the head and `bodyBytes` of body (as fast as the socket takes them, answer or
 * not), then resolves with everything the server sent once it ends the connection. Rejects on any
 * socket error (a reset) — there is no tolerance for losing the answer.
 */
function writeAllThenRead(path: string, bodyBytes: number, chunked = false): Promise<{ text: string; written: number }> {
  return new Promise((resolve, reject) => {
    // Half-open: the server's FIN after its answer does not stop the client from sending the rest.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    const received: Buffer[] = []
    let written = 0
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    socket.on('error', (error) => reject(Object.assign(error, { received: Buffer.concat(received).toString(), written })))
    socket.on('close', () => resolve({ text: Buffer.concat(received).toString(), written }))
    const framing = chunked ? 'transfer-encoding: chunked' : `content-length: ${bodyBytes}`
    socket.write(`POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`)
    const piece = Buffer.alloc(64 * 1024, 0x20)
    const step = () => {
      if (socket.destroyed) return
      if (written >= bodyBytes) {
        socket.end(chunked ? '0\r\n\r\n' : '')
        return
      }
      const size = Math.min(piece.length, bodyBytes - written)
      written += size
      const data = chunked
        ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece.subarray(0, size), Buffer.from('\r\n')])
        : piece.subarray(0, size)
      socket.write(data, (error) => (error ? undefined : step()))
    }
    step()
  })
}

describe('closeIfBodyUnread: lingering close after an early answer', () => {
  it.each([
    ['our 413 from Content-Length', '/api/x', false],
    ['our 413 for a chunked body', '/api/x', true],
    ['a handler that abandons the body (like Payload’s upload limit)', '/abandon', false],
  ])('%s: the client reads the whole 413 after writing its 8 MB body, then the connection ends', async (_, path, chunked) => {
    const { text, written } = await writeAllThenRead(path, 8 * 1024 * 1024, chunked)
    expect(written).toBe(8 * 1024 * 1024)
    expect(text).toMatch(/^HTTP\/1\.1 413 /)
    expect(text.toLowerCase()).toContain('connection: close')
    expect(text).toContain('"code":"PAYLOAD_TOO_LARGE"')
  })

  it('a body beyond the drain limit is not read to its end: the socket closes at the cap', async () => {
    const started = Date.now()
    const outcome = await writeAllThenRead('/api/x', 200 * 1024 * 1024).then(
      (answer) => ({ ...answer, error: undefined }),
      (error: NodeJS.ErrnoException & { received: string; written: number }) => ({
        text: error.received,
        written: error.written,
        error: error.code,
      }),
    )
    // The 413 was read before the server gave up on the body.
    expect(outcome.text).toMatch(/^HTTP\/1\.1 413 /)
    expect(outcome.written).toBeLessThan(200 * 1024 * 1024)
    expect(Date.now() - started).toBeLessThan(LIMITS.ms + 10_000)
  })
})
