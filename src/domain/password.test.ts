import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password'

describe('passwordProblem', () => {
  it.each([
    ['exactly the minimum', 'a'.repeat(PASSWORD_MIN_LENGTH)],
    ['a passphrase', 'correct horse battery staple'],
    ['exactly the maximum', 'b'.repeat(PASSWORD_MAX_LENGTH)],
    ['ten emoji count as ten characters', '🏠'.repeat(10)],
  ])('%s → accepted', (_, password) => {
    expect(passwordProblem(password)).toBeNull()
  })

  it.each([
    ['empty', '', /at least 10/],
    ['one short', 'a'.repeat(PASSWORD_MIN_LENGTH - 1), /at least 10/],
    ['five emoji (10 UTF-16 units)', '🏠'.repeat(5), /at least 10/],
    ['too long', 'c'.repeat(PASSWORD_MAX_LENGTH + 1), /at most 256/],
    ['only spaces', ' '.repeat(12), /only spaces/],
    ['not a string', 12345678901, /string/],
  ])('%s → refused', (_, password, message) => {
    expect(passwordProblem(password)).toMatch(message)
  })
})
