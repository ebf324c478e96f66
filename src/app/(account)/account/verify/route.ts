import config from '@payload-config'
import { getPayload } from 'payload'

import { errorMessage, htmlPage } from '../../../../lib/htmlPage'

export const dynamic = 'force-dynamic'

/** The link in the verification mail lands here: verify, then say so in plain words. */
export async function GET(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get('token')
  if (!token) return htmlPage('Email not confirmed', '<p class="error">This link has no token.</p>', 400)
  const payload = await getPayload({ config })
  try {
    await payload.verifyEmail({ collection: 'users', token })
  } catch (error) {
    payload.logger.info({ msg: 'email verification refused', reason: errorMessage(error) })
    return htmlPage(
      'Email not confirmed',
      '<p class="error">This confirmation link is invalid or was already used.</p><p>If your email is confirmed you can simply log in.</p>',
      400,
    )
  }
  return htmlPage('Email confirmed', '<p class="ok">Thank you — your email address is confirmed. You can now log in.</p>')
}
