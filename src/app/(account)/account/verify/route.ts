import config from '@payload-config'
import { getPayload } from 'payload'

import { errorMessage, htmlPage } from '@/lib/htmlPage'
import { recentlyUsedLink, rememberUsedLink } from '@/services/usedLinks'

export const dynamic = 'force-dynamic'

const confirmed = () => htmlPage('Email confirmed', '<p class="ok">Thank you — your email address is confirmed. You can now log in.</p>')

/** The link in the verification mail lands here: verify, then say so in plain words. */
export async function GET(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get('token')
  if (!token) return htmlPage('Email not confirmed', '<p class="error">This link has no token.</p>', 400)
  const payload = await getPayload({ config })
  try {
    const owner = await payload.db.findOne<{ id: number }>({ collection: 'users', where: { _verificationToken: { equals: token } } })
    await payload.verifyEmail({ collection: 'users', token })
    if (owner) await rememberUsedLink('verify-email', token, Number(owner.id))
  } catch (error) {
    // Opened again soon after it worked (a reload, a second click): it still worked.
    const used = await recentlyUsedLink('verify-email', token)
    if (used && (await isVerified(used.userId))) return confirmed()
    payload.logger.info({ msg: 'email verification refused', reason: errorMessage(error) })
    return htmlPage(
      'Email not confirmed',
      '<p class="error">This confirmation link is invalid or was already used.</p><p>If your email is confirmed you can simply log in.</p>',
      400,
    )
  }
  return confirmed()

  async function isVerified(userId: number): Promise<boolean> {
    const user = await payload.db.findOne<{ id: number; _verified?: boolean | null }>({
      collection: 'users',
      where: { id: { equals: userId } },
    })
    return user?._verified === true
  }
}
