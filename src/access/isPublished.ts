import type { Access } from 'payload'

/** Only the published version of versioned documents. */
export const isPublished: Access = () => ({ _status: { equals: 'published' } })
