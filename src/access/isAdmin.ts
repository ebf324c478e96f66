import type { PayloadRequest } from 'payload'

import { isAdminUser } from '@/domain/roles'

/** Works as collection and as field access: both receive `req`. */
export const isAdmin = ({ req }: { req: PayloadRequest }): boolean => isAdminUser(req.user)
