import { decodeCursor, encodeCursor } from './searchCursor'
import { parseSearch } from './searchParams'

const SECRET = 'test-secret-test-secret-test-secret'
const criteria = (params: Record<string, string>) => {
  const parsed = parseSearch((name) => params[name] ?? null)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.criteria
}

describe('search cursors', () => {
  const byPrice = criteria({ sort: 'price', city: 'Porto', limit: '10' })

  it.each([
    ['price', { sort: 'price' as const, rate: 12000, id: 7 }, {}],
    ['-price', { sort: '-price' as const, rate: 0, id: 1 }, {}],
    ['rating', { sort: 'rating' as const, rating: '4.3333333333333333', reviews: 12, id: 9 }, {}],
    ['rating', { sort: 'rating' as const, rating: null, reviews: 0, id: 9 }, {}],
    ['distance', { sort: 'distance' as const, chord: 1234.5678901234567, id: 3 }, { lat: '46.8', lng: '8.2' }],
  ])('round-trips a %s key exactly', (sort, key, extra) => {
    const c = criteria({ sort, ...extra })
    const cursor = encodeCursor(SECRET, c, key, 4)
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(SECRET, c, cursor)).toEqual({ ok: true, after: { page: 4, key } })
  })

  it('refuses edits, other secrets, other sorts and other filters', () => {
    const cursor = encodeCursor(SECRET, byPrice, { sort: 'price', rate: 12000, id: 7 }, 2)
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString())
    const edited = Buffer.from(JSON.stringify({ ...body, k: [1, 7] })).toString('base64url')
    expect(decodeCursor(SECRET, byPrice, edited).ok).toBe(false)
    expect(decodeCursor('another-secret-another-secret-12345', byPrice, cursor).ok).toBe(false)
    expect(decodeCursor(SECRET, criteria({ sort: '-price', city: 'Porto', limit: '10' }), cursor)).toMatchObject({
      ok: false,
      message: expect.stringContaining('sort=price'),
    })
    expect(decodeCursor(SECRET, criteria({ sort: 'price', city: 'Lisbon', limit: '10' }), cursor).ok).toBe(false)
    expect(decodeCursor(SECRET, criteria({ sort: 'price', city: 'PORTO', limit: '10' }), cursor).ok).toBe(true)
    for (const junk of [
      '',
      '!!',
      'e30',
      Buffer.from('null').toString('base64url'),
      Buffer.from('{"v":1,"s":"price","f":"x","p":2,"k":[1,2],"m":"y","x":1}').toString('base64url'),
    ]) {
      expect(decodeCursor(SECRET, byPrice, junk).ok).toBe(false)
    }
  })

  it('refuses a key of the wrong shape even with a valid MAC', () => {
    // A key the server would never write (a negative id) cannot come back, signed or not.
    const cursor = encodeCursor(SECRET, byPrice, { sort: 'price', rate: 12000, id: -1 }, 2)
    expect(decodeCursor(SECRET, byPrice, cursor).ok).toBe(false)
  })
})

describe('parseSearch and cursors', () => {
  it('keeps the cursor and refuses it together with page', () => {
    expect(parseSearch((n) => ({ cursor: 'abc' })[n] ?? null)).toMatchObject({ ok: true, criteria: { cursor: 'abc' } })
    expect(parseSearch((n) => ({ cursor: 'abc', page: '2' })[n] ?? null)).toMatchObject({ ok: false, field: 'cursor' })
  })
})
