import type { CollectionBeforeValidateHook } from 'payload'

import { firstFreeSlug, slugify } from '@/domain/slug'

/**
 * The slug follows the title until the listing is first published; from then on links to it must keep
 * working, so it never changes again.
 */
export const deriveSlug: CollectionBeforeValidateHook = async ({ data, operation, originalDoc: stored, req }) => {
  if (!data) return data
  // On create (a duplicate included) there is no listing of our own yet.
  const originalDoc = operation === 'update' ? stored : undefined
  const title = typeof data.title === 'string' ? data.title : undefined
  const frozen = Boolean(originalDoc?.publishedAt)
  const titleChanged = title !== undefined && title !== originalDoc?.title
  if (frozen || !title || (operation === 'update' && !titleChanged && originalDoc?.slug)) {
    if (originalDoc?.slug) data.slug = originalDoc.slug
    return data
  }

  const base = slugify(title)
  const similar = await req.payload.find({
    collection: 'properties',
    where: { slug: { like: base } },
    select: { slug: true },
    pagination: false,
    overrideAccess: true,
    draft: true,
    req,
  })
  const taken = new Set(similar.docs.filter((doc) => String(doc.id) !== String(originalDoc?.id)).map((doc) => doc.slug as string))
  data.slug = firstFreeSlug(base, taken)
  return data
}
