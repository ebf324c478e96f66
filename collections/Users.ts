import type { CollectionConfig, FieldAccess } from 'payload'

import { assignRegistrationRoles } from '../hooks/users/assignRegistrationRoles'
import { enforcePasswordPolicy } from '../hooks/users/enforcePasswordPolicy'
import { explainMailFailure } from '../hooks/users/explainMailFailure'
import { exposeHostFlag } from '../hooks/users/exposeHostFlag'
import { rateLimitAuthAttempts } from '../hooks/users/rateLimitAuthAttempts'
import { anyone } from '../src/access/anyone'
import { canUseAdminPanel } from '../src/access/canUseAdminPanel'
import { isAdmin } from '../src/access/isAdmin'
import { isSelf } from '../src/access/isSelf'
import { isSelfField } from '../src/access/isSelfField'
import { isStaff } from '../src/access/isStaff'
import { never } from '../src/access/never'
import { or } from '../src/access/or'
import { ownMediaOnly } from '../src/access/ownMediaOnly'
import { ROLES, type WithRoles, isStaffUser } from '../src/domain/roles'
import { env } from '../src/lib/env'
import { passwordResetEmail, verificationEmail } from '../src/services/mailTemplates'

const selfOrStaff: FieldAccess = or(isSelfField, isStaff)

export const Users: CollectionConfig = {
  slug: 'users',
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'email', 'roles', '_verified', 'createdAt'],
    // Hosts reach their own account through the panel's account page; the directory is for staff.
    hidden: ({ user }) => !isStaffUser(user as WithRoles),
    group: 'Accounts',
  },
  auth: {
    verify: {
      generateEmailSubject: () => verificationEmail.subject,
      generateEmailHTML: ({ token, user }) => verificationEmail.html(token, user),
    },
    forgotPassword: {
      expiration: 60 * 60 * 1000,
      generateEmailSubject: () => passwordResetEmail.subject,
      generateEmailHTML: (args) => passwordResetEmail.html(args?.token ?? '', args?.user),
    },
    maxLoginAttempts: 5,
    lockTime: 10 * 60 * 1000,
    tokenExpiration: 2 * 60 * 60,
    cookies: { secure: env.COOKIE_SECURE, sameSite: 'Lax' },
    useAPIKey: true,
  },
  access: {
    admin: canUseAdminPanel,
    create: anyone,
    // Public profiles: field access below hides everything but name, bio, avatar and isHost.
    read: anyone,
    update: or(isAdmin, isSelf),
    delete: isAdmin,
    unlock: isStaff,
  },
  hooks: {
    beforeOperation: [rateLimitAuthAttempts, enforcePasswordPolicy, assignRegistrationRoles],
    beforeRead: [exposeHostFlag],
    afterError: [explainMailFailure],
  },
  fields: [
    { name: 'name', type: 'text', required: true, minLength: 1, maxLength: 120 },
    // Merged into Payload's own email field: only the owner and staff see an address.
    { name: 'email', type: 'email', access: { read: selfOrStaff } },
    {
      name: 'roles',
      type: 'select',
      hasMany: true,
      required: true,
      defaultValue: ['guest'],
      options: ROLES.map((role) => ({ label: role[0].toUpperCase() + role.slice(1), value: role })),
      // Registration roles are decided by assignRegistrationRoles; afterwards only admins change them.
      access: { read: selfOrStaff, update: isAdmin },
      saveToJWT: true,
      admin: { position: 'sidebar' },
    },
    {
      name: 'isHost',
      type: 'checkbox',
      virtual: true,
      access: { create: never, update: never },
      admin: { hidden: true },
    },
    {
      name: 'phone',
      type: 'text',
      maxLength: 32,
      access: { read: selfOrStaff },
      validate: (value: string | null | undefined) =>
        !value || /^\+?[0-9 ()\-.]{6,32}$/.test(value) || 'Phone must contain digits, spaces, ()-. and an optional leading +.',
    },
    {
      name: 'avatar',
      type: 'upload',
      relationTo: 'media',
      // One's own uploads only, so nobody can wear someone else's photo.
      filterOptions: ownMediaOnly,
    },
    { name: 'bio', type: 'textarea', maxLength: 1000 },
    // Only staff vouch for an address by hand; everyone else verifies through the mailed link.
    { name: '_verified', type: 'checkbox', access: { create: isStaff, update: isStaff, read: selfOrStaff } },
    // API keys are for staff integrations; Payload alone would let any panel user (hosts) enable one.
    { name: 'enableAPIKey', type: 'checkbox', access: { create: isStaff, update: isStaff, read: selfOrStaff } },
    { name: 'apiKey', type: 'text', access: { create: isStaff, update: isStaff } },
  ],
  // Duplicating an account would copy its private fields (phone) into an account the caller controls.
  disableDuplicate: true,
  // Edit locks are writable by any signed-in user (see Properties).
  lockDocuments: false,
  timestamps: true,
}
