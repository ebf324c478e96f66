import { canUseAdminPanel, hasRole, isAdminUser, isStaffUser, rolesForRegistration } from './roles'

describe('rolesForRegistration', () => {
  it.each([
    ['nothing asked', undefined, ['guest']],
    ['null', null, ['guest']],
    ['empty list', [], ['guest']],
    ['guest', ['guest'], ['guest']],
    ['host', ['host'], ['host']],
    ['a bare string', 'host', ['host']],
    ['both, duplicated', ['host', 'guest', 'host'], ['host', 'guest']],
  ])('%s → granted %j', (_, requested, roles) => {
    expect(rolesForRegistration(requested)).toEqual({ ok: true, roles })
  })

  it.each([
    ['admin', ['admin']],
    ['staff', ['staff']],
    ['host plus admin', ['host', 'admin']],
    ['an unknown role', ['owner']],
    ['a number', [1]],
    ['an object', [{ role: 'admin' }]],
  ])('%s → refused', (_, requested) => {
    const decision = rolesForRegistration(requested)
    expect(decision.ok).toBe(false)
    if (!decision.ok) expect(decision.message).toMatch(/guest|role/)
  })
})

describe('role predicates', () => {
  it.each([
    [null, false, false, false],
    [{ roles: [] }, false, false, false],
    [{ roles: ['guest'] }, false, false, false],
    [{ roles: ['host'] }, false, false, true],
    [{ roles: ['staff'] }, true, false, true],
    [{ roles: ['admin'] }, true, true, true],
    [{ roles: ['guest', 'host'] }, false, false, true],
  ])('%j → staff %s, admin %s, panel %s', (user, staff, admin, panel) => {
    expect(isStaffUser(user)).toBe(staff)
    expect(isAdminUser(user)).toBe(admin)
    expect(canUseAdminPanel(user)).toBe(panel)
  })

  it('hasRole matches any of the given roles', () => {
    expect(hasRole({ roles: ['host'] }, 'guest', 'host')).toBe(true)
    expect(hasRole({ roles: ['host'] }, 'guest')).toBe(false)
    expect(hasRole(undefined, 'guest')).toBe(false)
  })
})
