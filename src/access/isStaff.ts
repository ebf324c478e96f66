import type { PayloadRequest } from 'payload'

import { isStaffUser } from '@/domain/roles'

/** Staff or admin. Works as collection and as field access. */
export const isStaff = ({ req }: { req: PayloadRequest }): boolean => isStaffUser(req.user)
