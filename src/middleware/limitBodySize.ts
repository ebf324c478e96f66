import type { IncomingMessage } from 'node:http'

import type { NextFunction, Request, RequestHandler, Response } from 'express'

import { apiError, sendError } from '@/lib/errorCodes'

/** JSON, GraphQL and every other body that is not a file upload. */
export const MAX_BODY_BYTES = 1024 * 1024

const MULTIPART = /^\s*multipart\/form-data\b/i

/**
 * Refuses request bodies above `maxBytes` with a 413 before anyone parses them. File uploads
 * (multipart/form-data) are left to Payload, which cuts them off at MAX_UPLOAD_MB while streaming.
 *
 * Nothing here reads or copies the body that Next and Payload will see: the Stripe webhook checks its
 * signature over the exact bytes, and uploads stream.
 * - With a Content-Length the decision is made from the header alone (Node's parser never delivers more
 *   than the header announced).
 * - A chunked body announces nothing, so its chunks are held back as the parser delivers them and
 *   counted; the request goes on to Next only once the whole body is in and small enough, and then
 *   reads exactly the bytes that came. Holding at most `maxBytes` is the price of knowing the size.
 *
 * A 413 answered before the body was read says `Connection: close`: the rest of the body is still on
 * its way, and must not be mistaken for the next request on a kept-alive connection.
 */
export function limitBodySize(maxBytes = MAX_BODY_BYTES): RequestHandler {
  const refuse = (req: Request, res: Response) => {
    res.setHeader('connection', 'close')
    sendError(
      req,
      res,
      apiError('PAYLOAD_TOO_LARGE', `The request body is too large: at most ${formatBytes(maxBytes)} (file uploads have their own limit).`),
    )
  }

  return (req: Request, res: Response, next: NextFunction) => {
    if (MULTIPART.test(req.headers['content-type'] ?? '')) return next()
    const declared = req.headers['content-length']
    if (declared !== undefined) {
      // Node's parser has already refused a Content-Length that is not a number.
      return Number(declared) > maxBytes ? refuse(req, res) : next()
    }
    if (req.headers['transfer-encoding'] === undefined) return next()
    if (req.complete) return req.readableLength > maxBytes ? refuse(req, res) : next()
    holdUntilComplete(req, maxBytes, {
      complete: next,
      tooLarge: () => refuse(req, res),
    })
  }
}

/**
 * Takes over `push` — the one method through which Node's HTTP parser hands a request its body — so the
 * chunks stay with us until the body is complete, then hands them to the stream in their order.
 */
function holdUntilComplete(req: IncomingMessage, maxBytes: number, on: { complete: () => void; tooLarge: () => void }): void {
  const push = req.push
  const held: Buffer[] = []
  // Anything the parser delivered before we got here is already in the stream's buffer, ahead of us.
  let received = req.readableLength
  let refused = false

  req.push = function holdChunk(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      req.push = push
      if (!refused) {
        for (const piece of held) push.call(req, piece)
        held.length = 0
      }
      const ended = push.call(req, null)
      // Carry on outside the parser's callback, as for any other request.
      if (!refused) process.nextTick(on.complete)
      return ended
    }
    if (refused) return true
    const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)
    received += piece.length
    if (received > maxBytes) {
      refused = true
      held.length = 0
      process.nextTick(on.tooLarge)
      // Stop reading from the socket; the answer closes the connection.
      return false
    }
    held.push(piece)
    return true
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${bytes} bytes`
}
