import type { Payload } from 'payload'

import type { User } from '@/payload-types'
import { env } from '@/lib/env'
import { type MailMessage, accountMail, passwordResetEmail, verificationEmail } from '@/mail/templates'
import { fingerprint } from '@/services/accountMail'
import { LOCK_TIME_MS } from '@/domain/accountRules'
import type { MailJobs } from '@/jobs/registry'

type Account = User & {
  _verificationToken?: string | null
  resetPasswordToken?: string | null
  emailChangeToken?: string | null
  emailChangeExpiration?: string | null
  lockUntil?: string | null
}

/** Thrown when the account is not (yet) in the state the job was enqueued for: BullMQ retries. */
class NotYetVisible extends Error {}

async function readAccount(payload: Payload, id: number): Promise<Account | null> {
  const user = await payload.findByID({
    collection: 'users',
    id,
    overrideAccess: true,
    showHiddenFields: true,
    depth: 0,
    disableErrors: true,
  })
  return (user as Account | null) ?? null
}

/** What to send, or why nothing is sent. Reads the account as it is now (see src/jobs/registry.ts). */
async function compose(payload: Payload, data: MailJobs['account'], jobId: string): Promise<{ to: string; message: MailMessage } | string> {
  if (data.kind === 'password-reset-request') {
    // Payload's own operation makes and stores the token; it answers null for an unknown address.
    const token = await payload.forgotPassword({ collection: 'users', data: { email: data.email }, disableEmail: true })
    if (!token) return 'no account with that address'
    const user = (
      await payload.find({ collection: 'users', where: { email: { equals: data.email } }, overrideAccess: true, depth: 0, limit: 1 })
    ).docs[0]
    if (!user) return 'account gone'
    return { to: user.email, message: { subject: passwordResetEmail.subject, html: passwordResetEmail.html(token, user), text: '' } }
  }

  const user = await readAccount(payload, data.userId)
  // The request that enqueued the job may not have committed yet (or was rolled back: then the retries
  // run out and nothing is sent).
  if (!user) throw new NotYetVisible(`user ${data.userId} not found`)
  switch (data.kind) {
    case 'verify-email':
      if (user._verified) return 'already verified'
      if (!user._verificationToken) throw new NotYetVisible('no verification token yet')
      return {
        to: user.email,
        message: { subject: verificationEmail.subject, html: verificationEmail.html(user._verificationToken, user), text: '' },
      }
    case 'confirm-email-change': {
      const token = user.emailChangeToken
      if (!token || !user.pendingEmail) throw new NotYetVisible('no pending email change')
      if (!jobId.endsWith(fingerprint(token))) throw new NotYetVisible('a different email change is pending')
      return { to: user.pendingEmail, message: accountMail.confirmEmailChange(token, user, user.pendingEmail) }
    }
    case 'email-change-requested':
      if (user.pendingEmail !== data.newEmail) throw new NotYetVisible('that email change is not pending')
      return { to: data.oldEmail, message: accountMail.emailChangeRequested(user, data.newEmail) }
    case 'email-changed':
      return { to: data.oldEmail, message: accountMail.emailChanged(user, data.newEmail) }
    case 'account-locked':
      return { to: user.email, message: accountMail.accountLocked(user, Math.round(LOCK_TIME_MS / 60_000)) }
    case 'registration-attempt':
      return { to: user.email, message: accountMail.registrationAttempt(user) }
  }
}

export async function processAccountMailJob(payload: Payload, data: MailJobs['account'], jobId: string): Promise<string> {
  const composed = await compose(payload, data, jobId)
  if (typeof composed === 'string') return `${data.kind}: ${composed}`
  const messageId = `<${jobId}@${new URL(env.SERVER_URL).hostname}>`
  const { message } = composed
  await payload.sendEmail({
    to: composed.to,
    subject: message.subject,
    html: message.html,
    ...(message.text ? { text: message.text } : {}),
    messageId,
  })
  return `${data.kind} sent`
}
