import { type Payload, ValidationError } from 'payload'

import { recentlyUsedLink, rememberUsedLink } from './usedLinks'

/**
 * Moves a confirmed `pendingEmail` into `email` (hooks/users/confirmEmailChanges.ts put it there). Runs
 * as trusted server code, so the update sets the address directly and announceEmailChange tells the old
 * address. The token works once and until its expiration; opened again by a reload or a second click
 * within REOPEN_WINDOW_MS (src/services/usedLinks.ts) it still says 'confirmed'.
 */
export async function confirmPendingEmail(payload: Payload, token: string): Promise<'confirmed' | 'taken' | 'invalid'> {
  if (!/^[0-9a-f]{16,128}$/.test(token)) return 'invalid'
  const { docs } = await payload.find({
    collection: 'users',
    where: { emailChangeToken: { equals: token } },
    overrideAccess: true,
    showHiddenFields: true,
    depth: 0,
    limit: 1,
  })
  const user = docs[0] as (typeof docs)[number] & { emailChangeExpiration?: string | null }
  if (!user?.pendingEmail || !user.emailChangeExpiration || Date.parse(user.emailChangeExpiration) < Date.now()) {
    return (await recentlyUsedLink('confirm-email', token)) ? 'confirmed' : 'invalid'
  }
  try {
    await payload.update({
      collection: 'users',
      id: user.id,
      overrideAccess: true,
      data: { email: user.pendingEmail, pendingEmail: null, emailChangeToken: null, emailChangeExpiration: null } as never,
    })
  } catch (error) {
    if (error instanceof ValidationError) return 'taken'
    throw error
  }
  await rememberUsedLink('confirm-email', token, Number(user.id))
  return 'confirmed'
}
