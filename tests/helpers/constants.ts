export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long'
/** Long enough for the password policy. */
export const GOOD_PASSWORD = 'correct horse battery staple'
