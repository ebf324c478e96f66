import { stat } from 'node:fs/promises'
import path from 'node:path'

import { type CollectionConfig, type CollectionSlug, type PayloadRequest, type Where, headersWithCors } from 'payload'

import { env } from '@/lib/env'

type UploadHandler = NonNullable<Exclude<CollectionConfig['upload'], boolean | undefined>['handlers']>[number]

/**
 * `GET /api/media/file/<name>` serves a file only if a media record names it, as its original or as
 * one of its image sizes. Payload by itself serves whatever is in the media folder (a stray or
 * left-over file) and answers 500 for a name that is not on disk; both are a 404 here.
 * Runs before the storage handlers (S3) and Payload's own disk fallback, which then serve the file.
 */
// Payload types a handler's result as Promise<Response> | Promise<void>; an async function that may
// answer or pass on is Promise<Response | void>, the same thing at run time.
export const serveRecordedFilesOnly = (async (req: PayloadRequest, { params: { collection, filename } }: Parameters<UploadHandler>[1]) => {
  if (!filename || filename.length > 255 || filename.includes('\0') || !(await isRecorded(req, collection, filename))) {
    return notFound(req)
  }
  if (env.S3_BUCKET) return
  const { staticDir } = req.payload.collections[collection as CollectionSlug].config.upload
  try {
    await stat(path.resolve(staticDir || collection, filename))
  } catch {
    req.payload.logger.error({ collection, filename }, 'a media record names a file that is missing from the media folder')
    return notFound(req)
  }
}) as UploadHandler

async function isRecorded(req: PayloadRequest, collection: string, filename: string): Promise<boolean> {
  const { imageSizes = [] } = req.payload.collections[collection as CollectionSlug].config.upload
  const where: Where = {
    or: [{ filename: { equals: filename } }, ...imageSizes.map(({ name }) => ({ [`sizes.${name}.filename`]: { equals: filename } }))],
  }
  const doc = await req.payload.db.findOne({ collection: collection as CollectionSlug, req, where })
  return Boolean(doc)
}

function notFound(req: PayloadRequest): Response {
  return Response.json(
    { errors: [{ message: 'There is no such file.', code: 'NOT_FOUND' }] },
    { status: 404, headers: headersWithCors({ headers: new Headers(), req }) },
  )
}
