import { isOnModerationHold } from './moderation'

describe('isOnModerationHold', () => {
  it.each([
    ['never moderated', undefined, false],
    ['empty group', { unpublishedAt: null, reinstatedAt: null }, false],
    ['unpublished', { unpublishedAt: '2026-11-01T10:00:00Z' }, true],
    ['reinstated after', { unpublishedAt: '2026-11-01T10:00:00Z', reinstatedAt: '2026-11-02T10:00:00Z' }, false],
    ['unpublished again after a reinstatement', { unpublishedAt: '2026-11-03T10:00:00Z', reinstatedAt: '2026-11-02T10:00:00Z' }, true],
  ])('%s → %s', (_, moderation, held) => {
    expect(isOnModerationHold(moderation)).toBe(held)
  })
})
