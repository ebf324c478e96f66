import { type CollectionBeforeOperationHook, ValidationError } from 'payload'

import { passwordProblem } from '@/domain/password'

/**
 * Payload's own check only asks for 3 characters. This runs before create, update and reset-password,
 * so every way of setting a password meets the same policy.
 */
export const enforcePasswordPolicy: CollectionBeforeOperationHook = ({ args, collection, operation }) => {
  if (!['create', 'update', 'updateByID', 'resetPassword'].includes(operation)) return args
  const data = (args as { data?: Record<string, unknown> }).data
  if (!data || data.password === undefined || data.password === null) return args
  const problem = passwordProblem(data.password)
  if (problem) {
    throw new ValidationError({ collection: collection.slug, errors: [{ message: problem, path: 'password' }] })
  }
  return args
}
