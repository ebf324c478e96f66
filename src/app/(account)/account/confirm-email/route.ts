import config from '@payload-config'
import { getPayload } from 'payload'

import { confirmPendingEmail } from '@/services/emailChange'
import { htmlPage } from '@/lib/htmlPage'

export const dynamic = 'force-dynamic'

/** The link mailed to a new address lands here: the address replaces the old one, then we say so. */
export async function GET(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get('token')
  if (!token) return htmlPage('Email not changed', '<p class="error">This link has no token.</p>', 400)
  const payload = await getPayload({ config })
  const outcome = await confirmPendingEmail(payload, token)
  if (outcome === 'confirmed') {
    return htmlPage('Email changed', '<p class="ok">Your new email address is confirmed. Use it to log in from now on.</p>')
  }
  if (outcome === 'taken') {
    return htmlPage(
      'Email not changed',
      '<p class="error">Another account uses this address now, so your address was not changed.</p>',
      409,
    )
  }
  return htmlPage('Email not changed', '<p class="error">This link is invalid, expired or was already used.</p>', 400)
}
