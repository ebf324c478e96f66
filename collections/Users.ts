import type { CollectionConfig, FieldAccess } from 'payload'

import { assignRegistrationRoles } from '../hooks/users/assignRegistrationRoles'
import { enforcePasswordPolicy } from '../hooks/users/enforcePasswordPolicy'
import { answerLoginFailuresAlike } from '../hooks/users/answerLoginFailuresAlike'
import { announceEmailChange, confirmEmailChanges } from '../hooks/users/confirmEmailChanges'
import { exposeHostFlag } from '../hooks/users/exposeHostFlag'
import { invalidateDeletedHostProfile, invalidateHostProfile } from '../hooks/users/invalidateHostProfile'
import { disableInlineVerificationMail, queueVerificationMail } from '../hooks/users/queueVerificationMail'
import { rateLimitAuthAttempts } from '../hooks/users/rateLimitAuthAttempts'
import { anyone } from '@/access/anyone'
import { canUseAdminPanel } from '@/access/canUseAdminPanel'
import { isAdmin } from '@/access/isAdmin'
import { isSelf } from '@/access/isSelf'
import { isSelfField } from '@/access/isSelfField'
import { isStaff } from '@/access/isStaff'
import { never } from '@/access/never'
import { or } from '@/access/or'
import { ownMediaOnly } from '@/access/ownMediaOnly'
import { LOCK_TIME_MS, MAX_LOGIN_ATTEMPTS } from '@/domain/accountRules'
import { ROLES, type WithRoles, isStaffUser } from '@/domain/roles'
import { createOrRegisterUser, forgotPassword } from '@/endpoints/accountRequests'
import { authCookies } from '@/lib/env'
import { passwordResetEmail, verificationEmail } from '@/mail/templates'

const selfOrStaff: FieldAccess = or(isSelfField, isStaff)

export const Users: CollectionConfig = {
  slug: 'users',
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'email', 'roles', '_verified', 'createdAt'],
    // Hosts reach their own account through the panel's account page; the directory is for staff.
    hidden: ({ user }) => !isStaffUser(user as WithRoles),
    group: 'People',
  },
  // Mail is never sent inside a request: the templates below are used by the mail queue
  // (jobs/processors/accountMail.ts), which reads each token from the account.
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
    maxLoginAttempts: MAX_LOGIN_ATTEMPTS,
    lockTime: LOCK_TIME_MS,
    tokenExpiration: 2 * 60 * 60,
    // COOKIE_SAMESITE and COOKIE_SECURE (src/lib/env.ts refuses SameSite=None without Secure).
    cookies: authCookies,
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
  // Registration and forgot-password answer alike for known and unknown addresses (src/endpoints/accountRequests.ts).
  endpoints: [createOrRegisterUser, forgotPassword],
  hooks: {
    beforeOperation: [
      rateLimitAuthAttempts,
      answerLoginFailuresAlike,
      enforcePasswordPolicy,
      assignRegistrationRoles,
      disableInlineVerificationMail,
      confirmEmailChanges,
    ],
    beforeRead: [exposeHostFlag],
    afterChange: [queueVerificationMail, announceEmailChange, invalidateHostProfile],
    afterDelete: [invalidateDeletedHostProfile],
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
      options: ROLES.map((role) => ({ label: role[0]!.toUpperCase() + role.slice(1), value: role })),
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
    // Payload's sessions field lets anyone filter and sort on it (its read access compares two
    // undefined ids when there is no document); merged here so only the owner and staff read it and
    // only staff query it. The other auth fields (hash, salt, tokens, loginAttempts, lockUntil) are
    // hidden, which Payload refuses in where and sort for everyone.
    {
      name: 'sessions',
      type: 'array',
      access: { read: selfOrStaff, create: never, update: never },
      admin: { disabled: true },
      fields: [
        { name: 'id', type: 'text', required: true },
        { name: 'createdAt', type: 'date' },
        { name: 'expiresAt', type: 'date', required: true },
      ],
    },
    // An email change waits here until the new address is confirmed (hooks/users/confirmEmailChanges.ts).
    {
      name: 'pendingEmail',
      type: 'email',
      access: { read: selfOrStaff, create: never, update: never },
      admin: { readOnly: true, position: 'sidebar', description: 'Waiting for confirmation through the link mailed to it.' },
    },
    { name: 'emailChangeToken', type: 'text', hidden: true, access: { create: never, update: never } },
    { name: 'emailChangeExpiration', type: 'date', hidden: true, access: { create: never, update: never } },
    // Asked for (never stored) when an account changes its own email address.
    {
      name: 'currentPassword',
      type: 'text',
      virtual: true,
      access: { read: never },
      admin: { description: 'Needed to change your own email address.' },
    },
  ],
  // Duplicating an account would copy its private fields (phone) into an account the caller controls.
  disableDuplicate: true,
  // Edit locks are writable by any signed-in user (see Properties).
  lockDocuments: false,
  timestamps: true,
}
