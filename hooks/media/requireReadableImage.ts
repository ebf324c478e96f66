import type { CollectionBeforeOperationHook } from 'payload'
import sharp, { type Metadata } from 'sharp'

import { badRequest } from '@/lib/errors'

// sharp reports AVIF as the HEIF container with AV1 compression.
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'heif'])
const MAX_SIDE = 12_000

/**
 * Payload checks the type by content; this also decodes the header, so a truncated or corrupt image is
 * refused with a 400 before sharp would fail while resizing it (a 500).
 */
export const requireReadableImage: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'create' && operation !== 'update' && operation !== 'updateByID') return args
  const file = req.file
  if (!file?.data) {
    // A media document is a file; without one Payload would try to fetch `url` from the server.
    if (operation === 'create') throw badRequest('Send the photo as a file (multipart/form-data field "file").', { field: 'file' })
    return args
  }
  const unreadable = () => badRequest('The file is not a readable image. Upload a JPEG, PNG, WebP or AVIF photo.', { field: 'file' })
  let meta: Metadata
  try {
    meta = await sharp(file.data).metadata()
  } catch {
    throw unreadable()
  }
  if (!meta.format || !ACCEPTED.has(meta.format) || (meta.format === 'heif' && meta.compression !== 'av1')) {
    throw badRequest(`Images must be JPEG, PNG, WebP or AVIF; this file is ${meta.format ?? 'unknown'}.`, { field: 'file' })
  }
  // Checked before decoding, so a huge image is refused without spending the memory to read it.
  if ((meta.width ?? 0) > MAX_SIDE || (meta.height ?? 0) > MAX_SIDE) {
    throw badRequest(`Images may be at most ${MAX_SIDE} pixels on a side.`, { field: 'file' })
  }
  try {
    // Decoding the pixels catches files whose header is fine but whose data is cut off.
    await sharp(file.data).resize(16, 16, { fit: 'inside' }).raw().toBuffer()
  } catch {
    throw unreadable()
  }
  return args
}
