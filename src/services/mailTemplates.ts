import { env } from '../lib/env'
import { escapeHtml } from '../lib/htmlPage'


/** Public links in mail always point at SERVER_URL, never at whatever Host header a request carried. */
export const accountLink = (path: string, token: string) =>
  `${env.SERVER_URL.replace(/\/$/, '')}${path}?token=${encodeURIComponent(token)}`

function layout(title: string, name: string | undefined, body: string, link: string, button: string): string {
  const greeting = name ? `Hi ${escapeHtml(name)},` : 'Hi,'
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:auto">
<h1 style="font-size:20px">${escapeHtml(title)}</h1>
<p>${greeting}</p>
<p>${body}</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 18px;background:#0f766e;color:#fff;text-decoration:none;border-radius:6px">${escapeHtml(button)}</a></p>
<p style="font-size:13px;color:#52606d">Or paste this link into your browser:<br>${escapeHtml(link)}</p>
<p style="font-size:13px;color:#52606d">If you did not ask for this, ignore this mail.</p>
<p>— Staybase</p>
</body></html>`
}

type UserLike = { name?: unknown } | undefined | null
const nameOf = (user: UserLike) => (typeof user?.name === 'string' ? user.name : undefined)

export const verificationEmail = {
  subject: 'Confirm your email address for Staybase',
  html: (token: string, user: UserLike) =>
    layout(
      'Confirm your email address',
      nameOf(user),
      'Welcome to Staybase. Confirm your email address to finish creating your account.',
      accountLink('/account/verify', token),
      'Confirm my email',
    ),
}

export const passwordResetEmail = {
  subject: 'Reset your Staybase password',
  html: (token: string, user: UserLike) =>
    layout(
      'Reset your password',
      nameOf(user),
      'Someone asked to reset the password of your Staybase account. The link works for one hour.',
      accountLink('/account/reset-password', token),
      'Choose a new password',
    ),
}
