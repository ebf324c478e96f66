import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * An answer sent before the request's body was read to the end — an upload over MAX_UPLOAD_MB, a body
 * refused before parsing — closes the connection (`Connection: close`). Node would otherwise announce
 * keep-alive and then reset the socket on the unread rest, and a client that reuses the connection
 * (every HTTP client with a keep-alive pool) fails its next request with ECONNRESET.
 *
 * Headers are written by writeHead, which Node also calls for implicit headers (res.write/res.end),
 * so this sees every response, whoever answers it (express, Next, Payload).
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const writeHead = res.writeHead
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (hasBody(req) && !req.complete && !this.headersSent) this.setHeader('connection', 'close')
    return writeHead.apply(this, args)
  } as ServerResponse['writeHead']
  next()
}

const hasBody = (req: IncomingMessage) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
