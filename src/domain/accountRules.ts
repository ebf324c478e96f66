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

/** Payload's own email rule (fields/validations.js): what an account's address can look like at all. */
const EMAIL_SHAPE =
  /^(?!.*\.\.)[\w!#$%&'*+/=?^`{|}~-](?:[\w!#$%&'*+/=?^`{|}~.-]*[\w!#$%&'*+/=?^`{|}~-])?@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/i

/** An address some account could have (no NUL or other control bytes, no spaces, at most 254 characters). */
export const isAddressShaped = (email: string): boolean => email.length <= 254 && EMAIL_SHAPE.test(email)
