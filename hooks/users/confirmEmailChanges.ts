import { randomBytes } from 'node:crypto'

import { type CollectionAfterChangeHook, type CollectionBeforeOperationHook, ValidationError } from 'payload'

import { EMAIL_CHANGE_TTL_MS, normalizeEmail } from '@/domain/accountRules'
import { sameId } from '@/domain/ids'
import { isAdminUser } from '@/domain/roles'
import { badRequest } from '@/lib/errors'
import { enqueueAccountMailQuietly, fingerprint } from '@/services/accountMail'
import { passwordMatches } from '@/services/passwordHash'

type Stored = { id: number; email: string; hash?: string | null; salt?: string | null }

/**
 * An account's own email change needs the current password and only takes effect once the new address
 * is confirmed: the new address waits in `pendingEmail` and gets a link (/account/confirm-email), the old
 * one is told, and the old one keeps signing in until then. Admins changing someone else's address (a
 * support case) and trusted server code (overrideAccess) set it directly; the old address is told
 * (announceEmailChange). `currentPassword` is never stored.
 */
export const confirmEmailChanges: CollectionBeforeOperationHook = async ({ args, collection, operation, req }) => {
  if (operation !== 'update' && operation !== 'updateByID') return args
  const update = args as { id?: number | string; data?: unknown; overrideAccess?: boolean }
  if (!update.data || typeof update.data !== 'object' || Array.isArray(update.data)) return args
  const data = update.data as Record<string, unknown>
  const currentPassword = data.currentPassword
  delete data.currentPassword
  if (data.email === undefined || update.overrideAccess === true) return args

  // Payload runs PATCH /api/users/:id as operation 'update' too; only a bulk update has no id.
  if (update.id === undefined) {
    if (isAdminUser(req.user)) return args
    throw badRequest('Change an email address one account at a time: PATCH /api/users/:id with "email" and "currentPassword".', {
      field: 'email',
    })
  }
  const target = (await req.payload.db.findOne({ collection: collection.slug, where: { id: { equals: update.id } }, req })) as Stored | null
  // No such account, or not the caller's: Payload's own checks answer (404, 403).
  if (!target || !req.user) return args
  const isOwn = sameId(req.user, target)
  if (!isOwn) return args

  const newEmail = normalizeEmail(data.email)
  if (newEmail === null || !/^[^\s@"]+@[^\s@"]+\.[^\s@"]+$/.test(newEmail)) {
    throw new ValidationError({ collection: collection.slug, errors: [{ path: 'email', message: 'Enter a valid email address.' }] })
  }
  if (newEmail === target.email) {
    delete data.email
    return args
  }
  if (typeof currentPassword !== 'string' || !(await passwordMatches(currentPassword, target.hash, target.salt))) {
    throw new ValidationError({
      collection: collection.slug,
      errors: [{ path: 'currentPassword', message: 'Enter your current password to change your email address.' }],
    })
  }
  delete data.email
  const token = randomBytes(24).toString('hex')
  await req.payload.db.updateOne({
    collection: collection.slug,
    id: target.id,
    data: {
      pendingEmail: newEmail,
      emailChangeToken: token,
      emailChangeExpiration: new Date(Date.now() + EMAIL_CHANGE_TTL_MS).toISOString(),
    },
    req,
    returning: false,
  })
  await enqueueAccountMailQuietly(req.payload, { kind: 'confirm-email-change', userId: target.id }, fingerprint(token))
  await enqueueAccountMailQuietly(
    req.payload,
    { kind: 'email-change-requested', userId: target.id, oldEmail: target.email, newEmail },
    fingerprint(token),
  )
  return args
}

/** Whenever `email` did change (confirmed link, an admin, server code), the old address is told. */
export const announceEmailChange: CollectionAfterChangeHook = async ({ doc, operation, previousDoc, req }) => {
  if (operation !== 'update' || !previousDoc?.email || !doc.email || previousDoc.email === doc.email) return doc
  await enqueueAccountMailQuietly(
    req.payload,
    { kind: 'email-changed', userId: doc.id, oldEmail: previousDoc.email, newEmail: doc.email },
    fingerprint(`${previousDoc.email}>${doc.email}@${doc.updatedAt}`),
  )
  return doc
}
