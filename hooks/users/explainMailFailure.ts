import type { CollectionAfterErrorHook } from 'payload'

// nodemailer's error codes for "the mail server could not be reached or refused us".
const MAIL_ERROR_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EAUTH', 'EDNS', 'ETLS', 'EENVELOPE', 'EMESSAGE'])

/**
 * Registration and forgot-password send mail inside their transaction, so when the mail server is down
 * nothing is stored — but Payload would answer a bare 500. Say what happened instead: the client did
 * nothing wrong and may retry.
 */
export const explainMailFailure: CollectionAfterErrorHook = ({ error, req }) => {
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string' || !MAIL_ERROR_CODES.has(code)) return
  req.payload.logger.error({ err: error, msg: 'mail could not be sent; the operation was rolled back' })
  return {
    status: 503,
    response: { errors: [{ message: 'We could not send the email just now. Nothing was saved; please try again in a few minutes.', code: 'SERVICE_UNAVAILABLE' }] },
  }
}
