import { firstFreeSlug, slugify } from './slug'

describe('slugify', () => {
  it.each([
    ['Chalet with Matterhorn view', 'chalet-with-matterhorn-view'],
    ['  Zürich — Altstadt loft!  ', 'zurich-altstadt-loft'],
    ['Gràcia flat with terrace', 'gracia-flat-with-terrace'],
    ['Straße & Fjørd Æble', 'strasse-fjord-aeble'],
    ['東京のアパート', 'listing'],
    ['---', 'listing'],
    ['a'.repeat(100), 'a'.repeat(80)],
    [`${'word '.repeat(16)}end`, 'word-'.repeat(16).slice(0, 79)],
  ])('%s → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug)
  })
})

describe('firstFreeSlug', () => {
  it.each([
    [[], 'cabin'],
    [['cabin'], 'cabin-2'],
    [['cabin', 'cabin-2', 'cabin-3'], 'cabin-4'],
    [['cabin', 'cabin-3'], 'cabin-2'],
  ])('taken %j → %s', (taken, expected) => {
    expect(firstFreeSlug('cabin', new Set(taken))).toBe(expected)
  })
})
