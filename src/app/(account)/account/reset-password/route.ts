import config from '@payload-config'
import { getPayload } from 'payload'

import { PASSWORD_MIN_LENGTH } from '@/domain/password'
import { errorMessage, escapeHtml, htmlPage } from '@/lib/htmlPage'
import { recentlyUsedLink, rememberUsedLink } from '@/services/usedLinks'

export const dynamic = 'force-dynamic'

function form(token: string, message = ''): string {
  return `${message}
<form method="post" action="/account/reset-password">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" required>
<label for="confirm">Repeat the new password</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" required>
<button type="submit">Set new password</button>
</form>`
}

const changed = () => htmlPage('Password changed', '<p class="ok">Your password is changed. You can now log in with it.</p>')
const changedBefore = () =>
  htmlPage(
    'Password changed',
    '<p class="ok">Your password was changed with this link a few minutes ago. You can log in with the password you chose then.</p>',
  )

/** The link in the password-reset mail lands here; the API equivalent is POST /api/users/reset-password. */
export async function GET(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get('token')
  if (!token) return htmlPage('Reset your password', '<p class="error">This link has no token.</p>', 400)
  // Opened again soon after the password was changed with it: say so instead of a form that would fail.
  if (await recentlyUsedLink('reset-password', token)) return changedBefore()
  return htmlPage('Reset your password', form(token))
}

export async function POST(request: Request): Promise<Response> {
  let fields: FormData
  try {
    fields = await request.formData()
  } catch {
    return htmlPage('Reset your password', '<p class="error">The form could not be read.</p>', 400)
  }
  const token = String(fields.get('token') ?? '')
  const password = String(fields.get('password') ?? '')
  if (!token) return htmlPage('Reset your password', '<p class="error">This link has no token.</p>', 400)
  if (password !== String(fields.get('confirm') ?? '')) {
    return htmlPage('Reset your password', form(token, '<p class="error">The two passwords differ.</p>'), 400)
  }
  const payload = await getPayload({ config })
  try {
    const { user } = await payload.resetPassword({ collection: 'users', data: { token, password }, overrideAccess: true })
    if (user?.id) await rememberUsedLink('reset-password', token, Number(user.id))
  } catch (error) {
    // The same form sent again (a reload, a browser retry) after it worked: it did work.
    if (await recentlyUsedLink('reset-password', token)) return changedBefore()
    const message = `<p class="error">${escapeHtml(errorMessage(error))}</p>`
    return htmlPage('Reset your password', form(token, message), 400)
  }
  return changed()
}
