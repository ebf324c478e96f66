/** Password policy, in one place for registration, profile updates and password resets. */
export const PASSWORD_MIN_LENGTH = 10
// PBKDF2 cost grows with input length; nobody types more than this.
export const PASSWORD_MAX_LENGTH = 256

/** Returns a message a person understands, or null when the password is acceptable. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'Password must be a string.'
  // Count characters, not UTF-16 code units, so an emoji is one character.
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH) {
    return `Password must be at least ${PASSWORD_MIN_LENGTH} characters long.`
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `Password must be at most ${PASSWORD_MAX_LENGTH} characters long.`
  }
  if (password.trim().length === 0) return 'Password cannot be only spaces.'
  return null
}
