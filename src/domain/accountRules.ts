/** Account lockout: after this many wrong passwords in a row the account is locked for LOCK_TIME_MS. */
export const MAX_LOGIN_ATTEMPTS = 5
export const LOCK_TIME_MS = 10 * 60 * 1000

/** A link to confirm a new email address works this long. */
export const EMAIL_CHANGE_TTL_MS = 24 * 60 * 60 * 1000

/** What anonymous registration answers, whether the address was new or already had an account. */
export const REGISTRATION_ANSWER = 'Check your email to finish signing up.'

/** Addresses compare as Payload stores them: trimmed and lower-cased. */
export const normalizeEmail = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null
