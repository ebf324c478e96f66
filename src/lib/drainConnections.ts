import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

/**
 * How long a kept-alive connection may stay idle once the server drains. A client that has just had an
 * answer may already be sending its next request on the same connection; closing the connection under it
 * would reset a request the server never read, and the client could not tell whether it was carried out.
 * Within this grace such a request is answered, with `Connection: close`.
 */
export const IDLE_GRACE_MS = 1_000

export type Drainer = {
  /**
   * Stops accepting connections (new ones are refused at connect), lets every request under way — and any
   * arriving within the grace on a connection already open — finish with `Connection: close`, and
   * closes each connection once it is idle past IDLE_GRACE_MS. Resolves when every connection is closed:
   * 'drained', or 'forced' when connections were still busy at `deadlineMs` and were cut.
   */
  drain: (deadlineMs: number) => Promise<'drained' | 'forced'>
}

/**
 * Graceful close of an HTTP server without losing requests: what Node's server.close() does not do on
 * its own. Since Node 19 server.close() destroys every idle keep-alive connection at once, and the
 * answers it lets finish still say `keep-alive`, so clients go on sending on connections that are about
 * to close. Call before the server takes its first connection.
 */
export function drainConnections(server: Server, options: { idleGraceMs?: number } = {}): Drainer {
  const idleGraceMs = options.idleGraceMs ?? IDLE_GRACE_MS
  /** Every open connection: the answer under way on it, or since when it has been idle. */
  const connections = new Map<Socket, { answering: ServerResponse | null; idleSince: number }>()
  let draining = false

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { answering: null, idleSince: Date.now() })
    socket.once('close', () => connections.delete(socket))
  })
  // Before the application's listener, so the header is set before anything is answered.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const connection = connections.get(req.socket)
    if (connection) connection.answering = res
    if (draining) res.setHeader('connection', 'close')
    res.once('close', () => {
      if (connection?.answering === res) Object.assign(connection, { answering: null, idleSince: Date.now() })
    })
  })

  function closeIdle(): void {
    const now = Date.now()
    for (const [socket, { answering, idleSince }] of connections) if (!answering && now - idleSince >= idleGraceMs) socket.destroy()
  }

  return {
    async drain(deadlineMs) {
      draining = true
      for (const { answering } of connections.values()) if (answering && !answering.headersSent) answering.setHeader('connection', 'close')
      // net.Server's close: stop listening, and call back once the last connection has closed. Not
      // http.Server's, which would also destroy the idle connections at once (see above).
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()))
      closeIdle()
      const sweeper = setInterval(closeIdle, Math.min(100, idleGraceMs))
      let forced = false
      const deadline = setTimeout(() => {
        forced = true
        for (const socket of connections.keys()) socket.destroy()
      }, deadlineMs)
      await closed
      clearInterval(sweeper)
      clearTimeout(deadline)
      return forced ? 'forced' : 'drained'
    },
  }
}
