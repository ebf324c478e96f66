import type { PayloadRequest } from 'payload'

import { canUseAdminPanel as allowed } from '@/domain/roles'

/** Hosts, staff and admins work in the admin panel; guests use the frontends only. */
export const canUseAdminPanel = ({ req }: { req: PayloadRequest }): boolean => allowed(req.user)
