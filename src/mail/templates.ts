import { type WithRoles, canUseAdminPanel } from '@/domain/roles'
import { env } from '@/lib/env'
import { escapeHtml } from '@/lib/htmlPage'

/**
 * Where links in mail point. Never at whatever Host header a request carried: at FRONTEND_URL for guests
 * when a frontend is configured (it serves /account/verify, /account/reset-password and /bookings/:id and
 * calls the API), otherwise — and always for hosts, staff and admins, who work in the admin panel — at
 * Staybase's own pages on SERVER_URL.
 */
const serverBase = () => env.SERVER_URL.replace(/\/+$/, '')
const frontendFor = (user: WithRoles): string | null => (env.FRONTEND_URL && !canUseAdminPanel(user) ? env.FRONTEND_URL : null)

/** A one-time account link (verify, reset) for this user: the frontend's page for guests, if there is one. */
export const accountLink = (
  path: '/account/verify' | '/account/reset-password' | '/account/confirm-email',
  token: string,
  user?: WithRoles,
) => `${(path !== '/account/confirm-email' && frontendFor(user)) || serverBase()}${path}?token=${encodeURIComponent(token)}`

/**
 * The booking as its recipient opens it: the guest on the frontend (null without FRONTEND_URL: guests
 * have no page on Staybase itself), the host in the admin panel.
 */
export function bookingLink(bookingId: number, recipient: 'guest' | 'host'): string | null {
  if (recipient === 'host') return `${serverBase()}/admin/collections/bookings/${bookingId}`
  return env.FRONTEND_URL ? `${env.FRONTEND_URL}/bookings/${bookingId}` : null
}

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

type UserLike = { name?: unknown; roles?: readonly string[] | null } | undefined | null
const nameOf = (user: UserLike) => (typeof user?.name === 'string' ? user.name : undefined)

export const verificationEmail = {
  subject: 'Confirm your email address for Staybase',
  html: (token: string, user: UserLike) =>
    layout(
      'Confirm your email address',
      nameOf(user),
      'Welcome to Staybase. Confirm your email address to finish creating your account.',
      accountLink('/account/verify', token, user),
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
      accountLink('/account/reset-password', token, user),
      'Choose a new password',
    ),
}

/** Account notices: plain information, no button (a notice that carries a link invites phishing look-alikes). */
function notice(title: string, name: string | undefined, paragraphs: string[]): MailMessage {
  const greeting = name ? `Hi ${name},` : 'Hi,'
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:auto">
<h1 style="font-size:20px">${escapeHtml(title)}</h1>
<p>${escapeHtml(greeting)}</p>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p>— Staybase</p>
</body></html>`
  const text = [title, '', greeting, '', ...paragraphs.flatMap((p) => [p, '']), '— Staybase'].join('\n')
  return { subject: title, html, text }
}

export const accountMail = {
  confirmEmailChange: (token: string, user: UserLike, newEmail: string): MailMessage => {
    const link = accountLink('/account/confirm-email', token)
    const title = 'Confirm your new email address'
    return {
      subject: 'Confirm your new email address for Staybase',
      html: layout(
        title,
        nameOf(user),
        `Someone (we hope you) asked to use ${escapeHtml(newEmail)} for a Staybase account. Until you confirm, the account keeps its current address. The link works for 24 hours.`,
        link,
        'Use this address',
      ),
      text: `${title}\n\nConfirm ${newEmail} as the address of your Staybase account: ${link}\n\nIf you did not ask for this, ignore this mail.\n\n— Staybase`,
    }
  },
  emailChangeRequested: (user: UserLike, newEmail: string) =>
    notice('Someone asked to change your Staybase email address', nameOf(user), [
      `A request was made to change the email address of your Staybase account to ${newEmail}.`,
      'Nothing changes until the new address is confirmed through the link we sent to it; your account keeps this address until then.',
      'If this was not you, change your password and tell our support.',
    ]),
  emailChanged: (user: UserLike, newEmail: string) =>
    notice('Your Staybase email address was changed', nameOf(user), [
      `The email address of your Staybase account is now ${newEmail}. This address no longer signs in.`,
      'If this was not you, tell our support right away.',
    ]),
  accountLocked: (user: UserLike, minutes: number) =>
    notice('Your Staybase account was locked', nameOf(user), [
      `There were too many attempts to sign in to your account with a wrong password, so it is locked for ${minutes} minutes.`,
      'If this was you, wait and try again, or reset your password. If it was not you, your password held; consider choosing a longer one.',
    ]),
  registrationAttempt: (user: UserLike) =>
    notice('Someone tried to sign up with your email address', nameOf(user), [
      'Someone tried to create a Staybase account with this email address, which already has one. No new account was created.',
      'If it was you: you already have an account. Sign in, or reset your password if you forgot it.',
    ]),
}

// --- Booking and payment mail (sent by the worker's mail jobs) ----------------------------------------

export type BookingMailFacts = {
  bookingId: number
  listingTitle: string
  city?: string | null
  checkIn: string
  checkOut: string
  guests: number
  total: string
  guestName?: string | null
  hostName?: string | null
  refund?: string | null
  cancellationReason?: string | null
  cancelledBy?: string | null
  holdExpiresAt?: string | null
  failureMessage?: string | null
  /** Where the recipient opens the booking (bookingLink), if anywhere. */
  link?: string | null
}
export type MailMessage = { subject: string; html: string; text: string }

function bookingLayout(title: string, name: string | null | undefined, paragraphs: string[], facts: BookingMailFacts): MailMessage {
  const rows: [string, string][] = [
    ['Listing', `${facts.listingTitle}${facts.city ? `, ${facts.city}` : ''}`],
    ['Check-in', facts.checkIn],
    ['Check-out', facts.checkOut],
    ['Guests', String(facts.guests)],
    ['Total', facts.total],
    ['Booking', `#${facts.bookingId}`],
  ]
  return factsMail(title, name, paragraphs, rows, facts.link ?? null)
}

/** A mail of a greeting, some paragraphs, a table of facts and a button to the booking, as HTML and as text. */
function factsMail(
  title: string,
  name: string | null | undefined,
  paragraphs: string[],
  rows: [string, string][],
  link: string | null,
): MailMessage {
  const greeting = name ? `Hi ${name},` : 'Hi,'
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:auto">
<h1 style="font-size:20px">${escapeHtml(title)}</h1>
<p>${escapeHtml(greeting)}</p>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<table style="border-collapse:collapse;font-size:14px">${rows.map(([k, v]) => `<tr><td style="padding:4px 12px 4px 0;color:#52606d">${escapeHtml(k)}</td><td style="padding:4px 0">${escapeHtml(v)}</td></tr>`).join('')}</table>
${link ? `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 18px;background:#0f766e;color:#fff;text-decoration:none;border-radius:6px">View the booking</a></p>` : ''}
<p>— Staybase</p>
</body></html>`
  const text = [
    title,
    '',
    greeting,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...rows.map(([k, v]) => `${k}: ${v}`),
    ...(link ? ['', `View the booking: ${link}`] : []),
    '',
    '— Staybase',
  ].join('\n')
  return { subject: title, html, text }
}

export const bookingMail = {
  confirmedForGuest: (f: BookingMailFacts) =>
    bookingLayout(
      `Your stay at ${f.listingTitle} is confirmed`,
      f.guestName,
      [`Your payment of ${f.total} went through and your dates are yours.`],
      f,
    ),
  confirmedForHost: (f: BookingMailFacts) =>
    bookingLayout(
      `New confirmed booking at ${f.listingTitle}`,
      f.hostName,
      [`${f.guestName ?? 'A guest'} booked ${f.checkIn} to ${f.checkOut} and has paid.`],
      f,
    ),
  cancelledForGuest: (f: BookingMailFacts) =>
    bookingLayout(`Your booking at ${f.listingTitle} is cancelled`, f.guestName, cancellationLines(f, 'guest'), f),
  cancelledForHost: (f: BookingMailFacts) =>
    bookingLayout(`Booking at ${f.listingTitle} cancelled`, f.hostName, cancellationLines(f, 'host'), f),
  paymentFailed: (f: BookingMailFacts) =>
    bookingLayout(
      `Your payment for ${f.listingTitle} did not go through`,
      f.guestName,
      [
        `Stripe said: ${f.failureMessage ?? 'the payment failed'}.`,
        f.holdExpiresAt
          ? `Your dates are held until ${f.holdExpiresAt} (UTC); you can try again with another card until then.`
          : 'You can try again with another card.',
      ],
      f,
    ),
}

function cancellationLines(f: BookingMailFacts, to: 'guest' | 'host'): string[] {
  const by = f.cancelledBy === 'guest' ? 'the guest' : f.cancelledBy === 'host' ? 'the host' : 'Staybase support'
  const lines = [`The booking for ${f.checkIn} to ${f.checkOut} was cancelled by ${by}.`]
  if (f.cancellationReason) lines.push(`Reason given: ${f.cancellationReason}`)
  if (f.refund)
    lines.push(
      to === 'guest'
        ? `A refund of ${f.refund} is on its way to your card; banks usually show it within 5–10 days.`
        : `The guest is refunded ${f.refund}.`,
    )
  else lines.push(to === 'guest' ? 'No refund is due under the booking’s cancellation policy.' : 'No refund is due to the guest.')
  if (to === 'host') lines.push('The dates are open on your calendar again.')
  return lines
}

export type CalendarConflictFacts = {
  hostName?: string | null
  listingTitle: string
  feedName: string
  startDate: string
  endDate: string
  bookingId: number
  bookingNights: string
  link: string | null
}

/** An imported calendar says nights of one of our bookings are taken elsewhere too (src/services/calendarSync.ts). */
export function calendarConflictMail(f: CalendarConflictFacts): MailMessage {
  return factsMail(
    `Double booking at ${f.listingTitle}?`,
    f.hostName,
    [
      `The calendar “${f.feedName}” you imported has nights ${f.startDate} to ${f.endDate} taken, and they overlap Staybase booking #${f.bookingId} (${f.bookingNights}).`,
      'The Staybase booking stands: nothing was moved or cancelled. Please settle it with the other site (cancel or move the stay there, or contact the guest).',
    ],
    [
      ['Listing', f.listingTitle],
      ['Imported calendar', f.feedName],
      ['Taken there', `${f.startDate} to ${f.endDate}`],
      ['Booking', `#${f.bookingId}, ${f.bookingNights}`],
    ],
    f.link,
  )
}

// --- Booking messages (one mail per burst, jobs/processors/messageMail.ts) -------------------------------

export type MessageMailFacts = {
  recipientName?: string | null
  senderName?: string | null
  /** 'guest' or 'host': who wrote (the other side of the recipient). */
  from: 'guest' | 'host'
  listingTitle: string
  checkIn: string
  checkOut: string
  bookingId: number
  /** The burst's texts, oldest first, as the recipient may read them (masked while unconfirmed). */
  texts: string[]
  link: string | null
}

/** The texts as text, never as markup: the HTML part escapes every character a message could use to be HTML. */
export function messageMail(f: MessageMailFacts): MailMessage {
  const who = f.senderName ?? (f.from === 'guest' ? 'Your guest' : 'Your host')
  const title =
    f.texts.length === 1
      ? `New message from ${who} about ${f.listingTitle}`
      : `${f.texts.length} new messages from ${who} about ${f.listingTitle}`
  const greeting = f.recipientName ? `Hi ${f.recipientName},` : 'Hi,'
  const stay = `Booking #${f.bookingId}, ${f.checkIn} to ${f.checkOut}.`
  const reply = f.link ? `Read and answer: ${f.link}` : 'Read and answer in your Staybase account.'
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:auto">
<h1 style="font-size:20px">${escapeHtml(title)}</h1>
<p>${escapeHtml(greeting)}</p>
${f.texts.map((t) => `<blockquote style="white-space:pre-wrap;margin:0 0 12px;padding:8px 12px;border-left:3px solid #0f766e;background:#f5f7fa">${escapeHtml(t)}</blockquote>`).join('\n')}
<p style="font-size:13px;color:#52606d">${escapeHtml(stay)}</p>
${f.link ? `<p><a href="${escapeHtml(f.link)}" style="display:inline-block;padding:10px 18px;background:#0f766e;color:#fff;text-decoration:none;border-radius:6px">Read and answer</a></p>` : `<p>${escapeHtml(reply)}</p>`}
<p>— Staybase</p>
</body></html>`
  const text = [title, '', greeting, '', ...f.texts.flatMap((t) => [t, '']), stay, '', reply, '', '— Staybase'].join('\n')
  return { subject: title, html, text }
}
