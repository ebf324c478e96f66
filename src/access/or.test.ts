import { or } from './or'

describe('or', () => {
  const yes = () => true
  const no = () => false
  const mine = () => ({ guest: { equals: 1 } })
  const theirs = async () => ({ host: { equals: 1 } })

  it.each([
    ['any true wins', [no, yes, mine], true],
    ['all false', [no, no], false],
    ['no rules', [], false],
    ['one where', [no, mine], { guest: { equals: 1 } }],
    ['wheres are OR-ed', [mine, theirs], { or: [{ guest: { equals: 1 } }, { host: { equals: 1 } }] }],
  ])('%s', async (_, rules, expected) => {
    expect(await or(...(rules as (() => boolean)[]))({})).toEqual(expected)
  })
})
