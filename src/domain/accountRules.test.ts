import { isAddressShaped } from './accountRules'

describe('isAddressShaped', () => {
  it.each([
    ['plain', 'guest@example.test'],
    ['plus alias and subdomain', 'first.last+stay@mail.example.co.uk'],
    ['254 characters', `${'a'.repeat(64)}@${'b'.repeat(181)}.example`],
  ])('%s → yes', (_, email) => {
    expect(isAddressShaped(email)).toBe(true)
  })

  it.each([
    ['a NUL byte', 'a\u0000@example.test'],
    ['another control byte', 'a\u0007b@example.test'],
    ['a space', 'a b@example.test'],
    ['no @', 'example.test'],
    ['no domain dot', 'a@localhost'],
    ['two dots', 'a..b@example.test'],
    ['255 characters', `${'a'.repeat(64)}@${'b'.repeat(182)}.example`],
  ])('%s → no', (_, email) => {
    expect(isAddressShaped(email)).toBe(false)
  })
})
