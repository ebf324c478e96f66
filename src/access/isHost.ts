import type { PayloadRequest } from 'payload'

import { hasRole } from '@/domain/roles'

/** Hosts, staff and admins: the people who may create listings. */
export const isHostOrStaff = ({ req }: { req: PayloadRequest }): boolean => hasRole(req.user, 'host', 'staff', 'admin')
