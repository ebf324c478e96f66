import { type Endpoint, type PayloadRequest, ValidationError, addDataAndFileToRequest } from 'payload'
import type { GraphQLFieldConfig } from 'graphql'

import { REGISTRATION_ANSWER, isAddressShaped, normalizeEmail } from '@/domain/accountRules'
import { isStaffUser } from '@/domain/roles'
import { badRequest } from '@/lib/errors'
import { enqueueAccountMailQuietly } from '@/services/accountMail'
import { spendPasswordCheck } from '@/services/passwordHash'
import { VERIFICATION_MAIL_QUEUED_BY_CALLER } from '../../hooks/users/queueVerificationMail'
import { limitAuthAttempt } from '../../hooks/users/rateLimitAuthAttempts'

/**
 * Registration and forgot-password answer the same whether an address has an account or not, in
 * content and in time, and send no mail inside the request (see jobs/processors/accountMail.ts).
 * Staff and admins creating accounts get the document as before.
 */

const isAlreadyRegistered = (error: unknown, req: PayloadRequest) => {
  if (!(error instanceof ValidationError)) return false
  const errors = (error.data as { errors?: { path?: string; message?: string }[] })?.errors ?? []
  const taken = [req.t('error:userEmailAlreadyRegistered'), req.t('error:valueMustBeUnique')]
  return errors.length > 0 && errors.every((e) => e.path === 'email' && taken.includes(e.message ?? ''))
}

/** An hour's bucket: someone retrying a known address is told once an hour, not once a request. */
const hourBucket = () => Math.floor(Date.now() / 3_600_000)

/**
 * Anonymous (and non-staff) sign-up. A new address gets an unverified account and its link; a known
 * address changes nothing and its owner is told someone tried. Both spend one password hash. Bad input
 * (a short password, no name, an invalid address) is refused alike for both, before the address is
 * looked up.
 */
export async function registerAccount(req: PayloadRequest, data: unknown): Promise<void> {
  try {
    const doc = await req.payload.create({
      collection: 'users',
      data: data as never,
      req,
      overrideAccess: false,
      depth: 0,
      disableVerificationEmail: true,
      context: { [VERIFICATION_MAIL_QUEUED_BY_CALLER]: true },
    })
    // Committed by now: the worker will find the account.
    await enqueueAccountMailQuietly(req.payload, { kind: 'verify-email', userId: doc.id }, Date.parse(doc.createdAt))
  } catch (error) {
    if (!isAlreadyRegistered(error, req)) throw error
    const password = (data as { password?: unknown }).password
    await spendPasswordCheck(typeof password === 'string' ? password : '')
    const email = normalizeEmail((data as { email?: unknown }).email)
    const owner = email ? await req.payload.db.findOne<{ id: number }>({ collection: 'users', where: { email: { equals: email } } }) : null
    if (owner) await enqueueAccountMailQuietly(req.payload, { kind: 'registration-attempt', userId: owner.id }, hourBucket())
  }
}

/** Queues the reset; the worker makes the token (only for a known address) and mails it. */
export async function requestPasswordReset(req: PayloadRequest, rawEmail: unknown): Promise<void> {
  await limitAuthAttempt(req, 'forgot-password')
  const email = normalizeEmail(rawEmail)
  if (!email) throw badRequest('Missing email.', { field: 'email' })
  // Refused before anything is queued: the worker would look the address up (a NUL breaks Postgres).
  if (!isAddressShaped(email)) throw badRequest('The email must be an email address.', { field: 'email' })
  // One request per address and minute is acted on (Payload's minRequestInterval does the same).
  await enqueueAccountMailQuietly(req.payload, { kind: 'password-reset-request', email }, Math.floor(Date.now() / 60_000))
}

async function readJsonBody(req: PayloadRequest): Promise<Record<string, unknown>> {
  await addDataAndFileToRequest(req).catch(() => {
    throw badRequest('The body must be JSON.')
  })
  const data = req.data as unknown
  if (data === undefined) return {}
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw badRequest('Send the account as a JSON object: {"email", "password", "name"}.')
  }
  return data as Record<string, unknown>
}

/** POST /api/users (in front of Payload's create). */
export const createOrRegisterUser: Endpoint = {
  path: '/',
  method: 'post',
  handler: async (req) => {
    const data = await readJsonBody(req)
    if (isStaffUser(req.user)) {
      const depth = Number(req.query?.depth)
      const doc = await req.payload.create({
        collection: 'users',
        data: data as never,
        req,
        overrideAccess: false,
        ...(Number.isInteger(depth) ? { depth } : {}),
      })
      return Response.json({ doc, message: 'User successfully created.' }, { status: 201 })
    }
    await registerAccount(req, data)
    return Response.json({ message: REGISTRATION_ANSWER }, { status: 201 })
  },
}

/** POST /api/users/forgot-password (in front of Payload's). Same answer as Payload's for any address. */
export const forgotPassword: Endpoint = {
  path: '/forgot-password',
  method: 'post',
  handler: async (req) => {
    const data = await readJsonBody(req)
    await requestPasswordReset(req, data.email)
    return Response.json({ message: req.t('general:success') }, { status: 200 })
  },
}

type Fields = Record<string, GraphQLFieldConfig<unknown, { req: PayloadRequest }>>

/**
 * GraphQL's createUser and forgotPasswordUser behave like their REST routes: Payload's own field
 * definitions, with the resolver in front. Anonymous createUser answers null (no id) for any address.
 */
export const accountMutations = (_graphQL: unknown, schema: { Mutation: { fields: Fields } }): Fields => {
  const { createUser, forgotPasswordUser } = schema.Mutation.fields
  if (!createUser || !forgotPasswordUser) throw new Error('Payload built no createUser or forgotPasswordUser mutation to wrap.')
  return {
    createUser: {
      ...createUser,
      resolve: async (source, args, context, info) => {
        if (isStaffUser(context.req.user)) return createUser.resolve!(source, args, context, info)
        const data = (args as { data?: unknown }).data ?? {}
        await registerAccount(context.req, data)
        return null
      },
    },
    forgotPasswordUser: {
      ...forgotPasswordUser,
      resolve: async (_source, args, context) => {
        await requestPasswordReset(context.req, (args as { email?: unknown }).email)
        return true
      },
    },
  }
}
