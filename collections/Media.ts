import path from 'node:path'

import type { CollectionConfig } from 'payload'

import { explainUploadLimit } from '../hooks/media/explainUploadLimit'
import { invalidateDeletedListingPhotos, invalidateListingPhotos } from '../hooks/media/invalidateListingPhotos'
import { requireReadableImage } from '../hooks/media/requireReadableImage'
import { serveRecordedFilesOnly } from '../hooks/media/serveRecordedFilesOnly'
import { setOwner } from '../hooks/media/setOwner'
import { anyone } from '@/access/anyone'
import { isSignedIn } from '@/access/isSignedIn'
import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { or } from '@/access/or'
import { ownedBy } from '@/access/ownedBy'
import { type WithRoles, isStaffUser } from '@/domain/roles'
import { env } from '@/lib/env'

const webp = { format: 'webp' as const, options: { quality: 82 } }
const staticDir = path.resolve(/* turbopackIgnore: true */ process.cwd(), env.MEDIA_DIR)

export const Media: CollectionConfig = {
  slug: 'media',
  admin: {
    useAsTitle: 'alt',
    defaultColumns: ['filename', 'alt', 'owner', 'createdAt'],
    group: 'Hosting',
    // Files are public, but in the panel a host works with their own uploads only.
    baseFilter: ({ req }) => (isStaffUser(req.user as WithRoles) || !req.user ? null : { owner: { equals: req.user.id } }),
  },
  access: {
    // Photos are shown on public listing pages; the files and their metadata are public.
    read: anyone,
    // Anyone signed in: hosts upload listing photos, everyone may upload an avatar.
    create: isSignedIn,
    update: or(isStaff, ownedBy('owner')),
    delete: or(isStaff, ownedBy('owner')),
  },
  // A duplicate would make the caller owner of someone else's photo.
  disableDuplicate: true,
  lockDocuments: false,
  upload: {
    // Only files sent by the client; no server-side fetching of URLs (it would skip the checks below).
    pasteURL: false,
    staticDir,
    mimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/avif'],
    // Only files a media record names are served (not strays in the folder); a missing one is a 404.
    handlers: [serveRecordedFilesOnly],
    focalPoint: true,
    adminThumbnail: 'thumbnail',
    imageSizes: [
      { name: 'thumbnail', width: 400, height: 300, formatOptions: webp },
      { name: 'card', width: 800, height: 600, formatOptions: webp },
      { name: 'hero', width: 1600, formatOptions: webp, withoutEnlargement: true },
    ],
  },
  hooks: {
    beforeOperation: [requireReadableImage],
    beforeChange: [setOwner],
    afterChange: [invalidateListingPhotos],
    afterDelete: [invalidateDeletedListingPhotos],
    afterError: [explainUploadLimit],
  },
  fields: [
    {
      name: 'alt',
      type: 'text',
      required: true,
      minLength: 3,
      maxLength: 300,
      admin: { description: 'What the photo shows, for people using screen readers and when images do not load.' },
    },
    {
      name: 'owner',
      type: 'relationship',
      relationTo: 'users',
      index: true,
      access: { create: never, update: never },
      admin: { readOnly: true, position: 'sidebar' },
    },
  ],
}
