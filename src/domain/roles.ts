/** Who someone is on Staybase. Pure rules about roles; no Payload, no I/O. */
export const ROLES = ['guest', 'host', 'staff', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** Roles anyone may pick for themselves when they sign up. */
export const SELF_SERVICE_ROLES: readonly Role[] = ['guest', 'host']

export type WithRoles = { roles?: readonly string[] | null } | null | undefined

export function hasRole(user: WithRoles, ...roles: Role[]): boolean {
  return Boolean(user?.roles?.some((r) => (roles as string[]).includes(r)))
}

/** Staff work the back office; admins can do everything staff can. */
export const isStaffUser = (user: WithRoles): boolean => hasRole(user, 'staff', 'admin')
export const isAdminUser = (user: WithRoles): boolean => hasRole(user, 'admin')
/** Hosts, staff and admins use the admin panel; guests never do. */
export const canUseAdminPanel = (user: WithRoles): boolean => hasRole(user, 'host', 'staff', 'admin')

export type RegistrationDecision = { ok: true; roles: Role[] } | { ok: false; message: string }

/**
 * The roles a self-registration gets. Nothing asked → guest. Only guest and host can be chosen; asking
 * for anything else is refused outright rather than silently downgraded, so a client bug shows up.
 */
export function rolesForRegistration(requested: unknown): RegistrationDecision {
  if (requested === undefined || requested === null) return { ok: true, roles: ['guest'] }
  const list = Array.isArray(requested) ? requested : [requested]
  if (list.some((r) => typeof r !== 'string')) {
    return { ok: false, message: 'roles must be a list of role names.' }
  }
  const refused = list.filter((r) => !(SELF_SERVICE_ROLES as string[]).includes(r))
  if (refused.length > 0) {
    return {
      ok: false,
      message: `You can register as "guest" or "host" only; "${refused.join('", "')}" cannot be chosen.`,
    }
  }
  const roles = [...new Set(list)] as Role[]
  return { ok: true, roles: roles.length > 0 ? roles : ['guest'] }
}
