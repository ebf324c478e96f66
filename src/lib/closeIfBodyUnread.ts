import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** How much of an unread body is read and thrown away after the answer, at most, before the socket closes. */
export const DRAIN_LIMITS = { bytes: 16 * 1024 * 1024, ms: 5_000 }

/**
 * An answer sent before the request's body was read to the end — our 413, Payload's upload 413, a
 * GraphQL body refused before parsing — closes the connection (`Connection: close`): the rest of the
 * body must not be taken for the next request on a kept-alive connection.
 *
 * Closing is a lingering close. A socket closed while received data is unread makes the kernel send a
 * reset, and a client that gets the reset before it has read the answer never sees the 413
 * (ECONNRESET). So after the answer the server half-closes (FIN), keeps reading and discarding the rest
 * of the body until the body ends, the client hangs up, or DRAIN_LIMITS is reached, and only then
 * closes. Code that abandons the body early (Payload's upload limit, a cancelled body stream) destroys
 * the request; that no longer takes the socket, and with it the answer, down.
 *
 * Headers are written by writeHead, which Node also calls for implicit headers (res.write/res.end),
 * so this sees every response, whoever answers it (express, Next, Payload).
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse, next: () => void, limits = DRAIN_LIMITS): void {
  if (hasBody(req)) keepSocketForTheAnswer(req)
  const writeHead = res.writeHead
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (hasBody(req) && !req.complete && !this.headersSent) {
      this.setHeader('connection', 'close')
      lingerOnClose(req, limits)
    }
    return writeHead.apply(this, args)
  } as ServerResponse['writeHead']
  next()
}

const hasBody = (req: IncomingMessage) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0

type Internal = IncomingMessage & {
  _destroy(error: Error | null, callback: (error?: Error | null) => void): void
  /** Node's parser drops body bytes for a dumped request (parserOnBody). */
  _dumped: boolean
}

/**
 * Node's IncomingMessage destroys its socket when it is destroyed before its end — received in full or
 * not. Abandoning the body must only stop delivering it: the bytes still arriving are dropped, and the
 * answer goes out. A client that hung up (socket already gone) is handled as before.
 */
function keepSocketForTheAnswer(req: IncomingMessage): void {
  const incoming = req as Internal
  const destroy = incoming._destroy
  incoming._destroy = function (error, callback) {
    const socket = this.socket
    // Node would also destroy the socket when the body was parsed (complete) but not read to its end:
    // a multipart parser that gives up on a small body does exactly that, and the answer is lost.
    if (!socket || socket.destroyed) return destroy.call(this, error, callback)
    this._dumped = true
    socket.resume()
    process.nextTick(() => callback(error))
  }
}

/**
 * When Node closes the connection after the answer (socket.destroySoon), it half-closes instead and
 * drains the unread body within `limits`, then destroys the socket.
 */
function lingerOnClose(req: IncomingMessage, limits: typeof DRAIN_LIMITS): void {
  const socket = req.socket as Socket & { destroySoon(): void }
  if (!socket || (socket as { lingering?: boolean }).lingering) return
  ;(socket as { lingering?: boolean }).lingering = true
  socket.destroySoon = function lingeringClose(this: typeof socket) {
    if (req.complete || this.destroyed) return Object.getPrototypeOf(this).destroySoon.call(this)
    const startBytes = this.bytesRead
    let timer: NodeJS.Timeout | undefined
    const close = () => {
      clearInterval(timer)
      req.push = () => true
      if (!this.destroyed) this.destroy()
    }
    // Node's parser hands over the end of the body with push(null); body bytes of a dumped request are dropped.
    const push = req.push
    req.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (chunk === null) {
        setImmediate(close)
        return req.destroyed ? false : push.call(req, chunk, encoding)
      }
      return true
    }
    ;(req as Internal)._dumped = true
    const started = Date.now()
    timer = setInterval(() => {
      if (this.bytesRead - startBytes > limits.bytes || Date.now() - started > limits.ms) close()
    }, 50)
    timer.unref()
    this.once('end', close)
    this.once('close', () => clearInterval(timer))
    this.once('error', close)
    this.end()
    this.resume()
  }
}
