import type { CollectionAfterErrorHook } from 'payload'

import { env } from '@/lib/env'

/**
 * Payload stops reading an upload at the size limit and answers 413, but its message gets lost on the
 * way out ("An unknown error occurred."). Say what the limit is.
 */
export const explainUploadLimit: CollectionAfterErrorHook = ({ error }) => {
  if ((error as { status?: unknown }).status !== 413) return
  return {
    status: 413,
    response: {
      errors: [
        { message: `The file is too large: photos may be at most ${env.MAX_UPLOAD_MB} MB.`, code: 'PAYLOAD_TOO_LARGE', field: 'file' },
      ],
    },
  }
}
