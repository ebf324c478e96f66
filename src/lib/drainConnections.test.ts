import { Agent, type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'

import { type Drainer, drainConnections } from './drainConnections'

/**
 * A server draining on shutdown, against a keep-alive client: what it had taken is answered, what comes
 * on a connection it still keeps is answered with `Connection: close`, new connections are refused, and
 * no request is cut off unanswered.
 */
// Long enough that a stalled CPU on a loaded machine never makes the second test's connection count as idle
// before its next request; only the idle-closing test waits it out.
const GRACE_MS = 2_000
let server: Server
let drainer: Drainer
let url: string
/** Requests the handler holds until the test lets them go, by path. */
const held = new Map<string, () => void>()

beforeEach(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = () => res.end(`answer to ${req.url}`)
    if (req.url?.startsWith('/held')) held.set(req.url, answer)
    else answer()
  })
  drainer = drainConnections(server, { idleGraceMs: GRACE_MS })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(() => {
  server.closeAllConnections()
  server.close()
})

/** A client that keeps one connection alive and sends every request on it. */
const keepAlive = () => new Agent({ keepAlive: true, maxSockets: 1 })
const get = (agent: Agent | false, path: string) =>
  new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
    request(`${url}${path}`, { agent }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }))
    })
      .on('error', reject)
      .end()
  })
const waitUntil = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 5))
}

it('answers the request under way with Connection: close, refuses new connections, and resolves once all is closed', async () => {
  const client = keepAlive()
  expect(await get(client, '/before')).toEqual({ status: 200, connection: 'keep-alive', text: 'answer to /before' })
  const inFlight = get(client, '/held-1')
  await waitUntil(() => held.has('/held-1'))
  const drained = drainer.drain(10_000)
  await expect(get(false, '/after')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  held.get('/held-1')!()
  expect(await inFlight).toEqual({ status: 200, connection: 'close', text: 'answer to /held-1' })
  expect(await drained).toBe('drained')
  client.destroy()
})

it('a request sent on a kept-alive connection just as the drain begins is answered, not reset', async () => {
  const client = keepAlive()
  expect((await get(client, '/first')).connection).toBe('keep-alive')
  // The connection is idle (for Node, server.close() would destroy it now) while the next request is on its way.
  const drained = drainer.drain(10_000)
  expect(await get(client, '/next')).toEqual({ status: 200, connection: 'close', text: 'answer to /next' })
  expect(await drained).toBe('drained')
  client.destroy()
})

it('closes a connection left idle once the grace has passed, without waiting for the deadline', async () => {
  const idle = keepAlive()
  await get(idle, '/idle')
  expect(await drainer.drain(60_000)).toBe('drained')
  idle.destroy()
})

it('cuts a request still under way at the deadline ("forced")', async () => {
  const busy = get(false, '/held-2')
  await waitUntil(() => held.has('/held-2'))
  expect(await drainer.drain(GRACE_MS)).toBe('forced')
  await expect(busy).rejects.toMatchObject({ code: 'ECONNRESET' })
})
