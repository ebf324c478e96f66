import type { CollectionConfig, Field, PayloadRequest } from 'payload'

import { nullGroupsAreAbsent } from '../hooks/shared/nullGroupsAreAbsent'
import { prepareReview } from '../hooks/reviews/prepareReview'
import { revealWhenBothIn } from '../hooks/reviews/revealWhenBothIn'
import { isSignedIn } from '@/access/isSignedIn'
import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { ownedBy } from '@/access/ownedBy'
import { or } from '@/access/or'
import { humanize } from '@/domain/listing'
import { COMMENT_MAX, COMMENT_MIN, REVIEW_STATUSES, REVIEW_SUBJECTS, RESPONSE_MAX, SUB_RATINGS } from '@/domain/reviews'
import { numberRule } from '@/lib/validators'
import { sameId } from '@/domain/ids'
import { hideReview, respondToReview, unhideReview } from '@/endpoints/reviewActions'

const serverOwned = { create: never, update: never }
const fixedAfterCreate = { update: never }
const stars = (name: string, label: string, required = false): Field => ({
  name,
  label,
  type: 'number',
  required,
  access: fixedAfterCreate,
  validate: numberRule({ label, required, integer: true, min: 1, max: 5 }),
})
// Why staff hid a review: for staff and the review's author.
const staffOrAuthor = {
  read: ({ req, doc }: { req: PayloadRequest; doc?: { author?: unknown } }) =>
    isStaff({ req }) || (!!req.user && sameId(doc?.author, req.user)),
  create: never,
  update: never,
}

/**
 * Reviews of real stays, two-sided and blind: the guest reviews the stay (`property`), the host the
 * guest (`guest`). A review is `pending` — readable by its author and staff only — until the other side
 * has written theirs or the window closes; then both are `published` at once. Anyone reads published
 * reviews; staff hide them with a reason. Writes after creation go through the endpoints.
 */
export const Reviews: CollectionConfig = {
  slug: 'reviews',
  admin: {
    useAsTitle: 'comment',
    defaultColumns: ['property', 'subject', 'rating', 'status', 'author', 'publishedAt'],
    group: 'Hosting',
  },
  access: {
    read: or(isStaff, () => ({ status: { equals: 'published' } }), ownedBy('author')),
    create: isSignedIn,
    update: never,
    // Reviews are not deleted (ratings are computed from them); staff hide them instead.
    delete: never,
  },
  defaultSort: '-publishedAt',
  indexes: [{ fields: ['booking', 'subject'], unique: true }],
  endpoints: [respondToReview, hideReview, unhideReview],
  hooks: {
    beforeOperation: [nullGroupsAreAbsent],
    beforeChange: [prepareReview],
    afterChange: [revealWhenBothIn],
  },
  lockDocuments: false,
  disableDuplicate: true,
  fields: [
    // Staff: Hide… / Unhide, through the moderation endpoints.
    {
      name: 'moderationActions',
      type: 'ui',
      admin: {
        position: 'sidebar',
        components: { Field: { path: '/components/ModerationActions#ModerationActions', clientProps: { collection: 'reviews' } } },
      },
    },
    { name: 'booking', type: 'relationship', relationTo: 'bookings', required: true, index: true, access: fixedAfterCreate },
    { name: 'property', type: 'relationship', relationTo: 'properties', index: true, access: serverOwned, admin: { readOnly: true } },
    { name: 'author', type: 'relationship', relationTo: 'users', index: true, access: serverOwned, admin: { readOnly: true } },
    {
      name: 'subject',
      type: 'select',
      required: true,
      access: fixedAfterCreate,
      options: [
        { label: 'The stay (guest reviews the listing)', value: REVIEW_SUBJECTS[0] },
        { label: 'The guest (host reviews the guest)', value: REVIEW_SUBJECTS[1] },
      ],
    },
    stars('rating', 'Rating', true),
    {
      name: 'subRatings',
      type: 'group',
      access: fixedAfterCreate,
      admin: { condition: (data) => data?.subject !== 'guest' },
      fields: SUB_RATINGS.map((key) => stars(key, humanize(key === 'checkIn' ? 'check_in' : key))),
    },
    {
      name: 'comment',
      type: 'textarea',
      required: true,
      access: fixedAfterCreate,
      admin: { description: `Plain text, ${COMMENT_MIN}–${COMMENT_MAX} characters` },
      // Payload's own length check lets numbers and booleans through; a comment is text.
      validate: (value: unknown) =>
        typeof value === 'string' && value.trim().length >= COMMENT_MIN && value.length <= COMMENT_MAX
          ? true
          : `Comment must be text of ${COMMENT_MIN} to ${COMMENT_MAX} characters.`,
    },
    {
      name: 'hostResponse',
      type: 'group',
      access: serverOwned,
      admin: { readOnly: true },
      fields: [
        { name: 'text', type: 'textarea', maxLength: RESPONSE_MAX },
        { name: 'respondedAt', type: 'date' },
      ],
    },
    {
      name: 'status',
      type: 'select',
      index: true,
      options: REVIEW_STATUSES.map((s) => ({ label: humanize(s), value: s })),
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar' },
    },
    {
      name: 'publishedAt',
      label: 'Published',
      type: 'date',
      index: true,
      access: serverOwned,
      admin: { readOnly: true, position: 'sidebar' },
    },
    { name: 'hiddenReason', label: 'Why hidden', type: 'textarea', access: staffOrAuthor, admin: { readOnly: true, position: 'sidebar' } },
  ],
}
