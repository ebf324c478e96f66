import { parseId, sameId } from './ids'

describe('parseId', () => {
  it.each([
    [42, 42],
    ['42', 42],
    [{ id: 42 }, 42],
    [{ id: '42' }, 42],
    [0, null],
    [-1, null],
    ['042', null],
    ['4.2', null],
    [1_000_000_000, null],
    [null, null],
    [undefined, null],
    [{}, null],
    [true, null],
  ])('%o → %o', (value, id) => expect(parseId(value)).toBe(id))
})

describe('sameId: is this the same document (the user the guest, the host…)?', () => {
  it.each([
    [7, 7, true],
    [7, '7', true],
    ['7', { id: 7 }, true],
    [{ id: 7, email: 'a@b.c' }, { id: '7' }, true],
    // Any id Postgres stores, also past the billion parseId refuses from clients.
    [1_000_000_000, { id: 1_000_000_000 }, true],
    [{ id: '2147483647' }, 2_147_483_647, true],
    [2_147_483_648, 2_147_483_648, false],
    [7, 8, false],
    [7, { id: 8 }, false],
    // Nothing is nobody's: a missing reference never matches, not even another missing one.
    [null, null, false],
    [undefined, undefined, false],
    [null, { id: 7 }, false],
    [{ id: undefined }, { id: undefined }, false],
    ['abc', 'abc', false],
  ])('%o and %o → %s', (a, b, same) => expect(sameId(a, b)).toBe(same))
})
