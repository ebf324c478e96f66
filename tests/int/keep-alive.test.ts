import { randomBytes } from 'node:crypto'
import { Agent, type IncomingHttpHeaders, request as httpRequest } from 'node:http'
import { connect } from 'node:net'

import { type TestUser, signUp } from '../helpers/api'
import { makeImage } from '../helpers/images'
import { type Stack, startStack } from '../helpers/stack'

/**
 * An answer sent before the request's body was read (an upload over the size limit) must not leave
 * the unread rest of that body on a connection the client will reuse: the server says
 * `Connection: close`, and the client's next request, on the same keep-alive agent, goes through.
 */
let stack: Stack
let host: TestUser

beforeAll(async () => {
  stack = await startStack({ env: { MAX_UPLOAD_MB: '1' } })
  await signUp(stack, { label: 'first-admin' })
  host = await signUp(stack, { label: 'host', roles: ['host'] })
}, 120_000)
afterAll(async () => {
  await stack?.stop()
})

type Answer = { status: number; headers: IncomingHttpHeaders; body: string }

/** One request on the agent; resolves with the whole answer, rejects on any error before it. */
function send(
  agent: Agent,
  method: string,
  path: string,
  options: { headers?: Record<string, string | number>; body?: Buffer } = {},
): Promise<Answer> {
  const url = new URL(`${stack.url}${path}`)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method, agent, headers: options.headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    // The server reads and discards the rest of a refused body before it closes (a lingering close):
    // an error before the whole answer is in (a reset that lost it) fails the test at once.
    req.on('error', reject)
    req.end(options.body)
  })
}

function multipart(file: Buffer, fields: Record<string, unknown>): { body: Buffer; type: string } {
  const boundary = `----staybase${randomBytes(8).toString('hex')}`
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_payload"\r\n\r\n${JSON.stringify(fields)}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { body, type: `multipart/form-data; boundary=${boundary}` }
}

it('an upload over MAX_UPLOAD_MB → 413 with Connection: close, and the next request on the same keep-alive agent succeeds', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const first = await send(agent, 'GET', '/api/users/me', { headers: { authorization: `JWT ${host.token}` } })
    expect(first.status).toBe(200)
    expect(first.headers.connection).toBe('keep-alive')

    const photo = await makeImage(200, 150)
    const { body, type } = multipart(Buffer.concat([photo, randomBytes(3 * 1024 * 1024)]), { alt: 'Far too big' })
    const big = await send(agent, 'POST', '/api/media', {
      headers: { authorization: `JWT ${host.token}`, 'content-type': type, 'content-length': body.length },
      body,
    })
    expect(big.status).toBe(413)
    expect(JSON.parse(big.body).errors[0]).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    expect(big.headers.connection).toBe('close')

    // The same agent (one socket at a time) carries on: a new connection, not the poisoned one.
    for (let i = 0; i < 3; i++) {
      const next = await send(agent, 'GET', '/api/users/me', { headers: { authorization: `JWT ${host.token}` } })
      expect(next.status).toBe(200)
      expect(JSON.parse(next.body).user.id).toBe(host.id)
    }
  } finally {
    agent.destroy()
  }
})

it('an idle keep-alive connection outlives Node’s 5 s default: a request sent on it after 6 s idle is answered', async () => {
  const url = new URL(stack.url)
  const socket = connect({ host: url.hostname, port: Number(url.port) })
  const answers: string[] = []
  let pending = ''
  let closedByServer = false
  const answered = () =>
    new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        pending += chunk.toString()
        const end = pending.indexOf('\r\n\r\n')
        const length = Number(/content-length: (\d+)/i.exec(pending)?.[1] ?? NaN)
        if (end >= 0 && pending.length >= end + 4 + length) {
          socket.off('data', onData)
          answers.push(pending)
          pending = ''
          resolve(answers.at(-1)!)
        }
      }
      socket.on('data', onData)
      socket.once('error', reject)
      socket.once('end', () => reject(new Error('the server closed the connection before answering')))
    })
  socket.on('end', () => (closedByServer = true))
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n')
    const first = await answered()
    expect(first).toMatch(/^HTTP\/1\.1 200 /)
    expect(first.toLowerCase()).toContain('keep-alive: timeout=65')
    // The scenario is the idle time itself: longer than Node's default keep-alive timeout (5 s).
    await new Promise((resolve) => setTimeout(resolve, 6_000))
    expect(closedByServer).toBe(false)
    socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n')
    expect(await answered()).toMatch(/^HTTP\/1\.1 200 /)
  } finally {
    socket.destroy()
  }
})
