import { stat } from 'node:fs/promises'
import path from 'node:path'

import type { PayloadRequest } from 'payload'

/**
 * Upload handler for local storage: a file name that is not on disk is a 404 with the API's error shape.
 * Payload's own fallback answers 500 "Something went wrong." for it (getFile.js), so any guessed name
 * looked like a server fault. Existing files fall through to Payload, which streams them.
 */
export function missingFileIsNotFound(staticDir: string) {
  const root = path.resolve(staticDir)
  // Payload's handler type wants Promise<Response> | Promise<void>, not Promise<Response | void>.
  return (_req: PayloadRequest, { params }: { params: { filename: string } }): Promise<Response> =>
    (async () => {
      const file = path.resolve(root, params.filename)
      const inside = file.startsWith(root + path.sep)
      const exists = inside && (await stat(file).then((s) => s.isFile(), () => false))
      return exists
        ? (undefined as unknown as Response)
        : Response.json({ errors: [{ message: `No file named ${JSON.stringify(params.filename.slice(0, 100))}.`, code: 'NOT_FOUND' }] }, { status: 404 })
    })()
}
