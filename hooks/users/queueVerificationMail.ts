import type { CollectionAfterChangeHook, CollectionBeforeOperationHook } from 'payload'

import { enqueueAccountMailQuietly } from '@/services/accountMail'

/** Set by code that queues the verification mail itself, after its transaction committed. */
export const VERIFICATION_MAIL_QUEUED_BY_CALLER = 'verificationMailQueuedByCaller'

/**
 * Payload sends the verification mail inside the create request (and its transaction), so an SMTP
 * outage failed registration. It never sends it now; the mail queue does (jobs/processors/accountMail.ts).
 */
export const disableInlineVerificationMail: CollectionBeforeOperationHook = ({ args, operation }) => {
  if (operation === 'create') (args as { disableVerificationEmail?: boolean }).disableVerificationEmail = true
  return args
}

/** Every new unverified account (staff-made, the admin panel's, the Local API's) gets its link by the queue. */
export const queueVerificationMail: CollectionAfterChangeHook = async ({ doc, operation, req }) => {
  if (operation !== 'create' || doc._verified || req.context[VERIFICATION_MAIL_QUEUED_BY_CALLER]) return doc
  await enqueueAccountMailQuietly(req.payload, { kind: 'verify-email', userId: doc.id }, Date.parse(doc.createdAt))
  return doc
}
