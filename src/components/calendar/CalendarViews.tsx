import { DefaultTemplate } from '@payloadcms/next/templates'
import { Gutter } from '@payloadcms/ui'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import type { AdminViewServerProps, Payload, TypedUser } from 'payload'
import type { ReactNode } from 'react'

import { daysFrom, formatMonth, monthOf, monthWeeks, nightsInMonth, parseMonth, shiftMonth } from '@/domain/calendar'
import { parseId, sameId } from '@/domain/ids'
import { formatMoneyShort, isCurrency } from '@/domain/money'
import { isWeekendNight, priceOfNight } from '@/domain/pricing'
import { isStaffUser } from '@/domain/roles'
import { utcDate, weekday } from '@/domain/stayDates'
import { NO_LISTINGS, calendarListings, readCalendar } from './calendarData'
import { Legend, MonthCalendar } from './MonthCalendar'
import { StayBars, calendarBars } from './StayBar'

type Query = Record<string, string | string[] | undefined>
const one = (q: Query | undefined, key: string): string | undefined => {
  const v = q?.[key]
  return Array.isArray(v) ? v[0] : v
}
const segmentsOf = (params: AdminViewServerProps['params']): string[] => {
  const s = params?.segments
  return Array.isArray(s) ? s : typeof s === 'string' ? [s] : []
}

/**
 * Payload serves a custom view whose path it matches literally (`/calendar`) as a public page: no login
 * redirect, no panel access check (@payloadcms/next isCustomAdminView). The calendars check both
 * themselves, as Payload's own views do: signed out → the login, and back here after it; a guest → the
 * panel's "for hosts and staff" page. (`/calendar/:listingId` gets Payload's checks too; this one is the same.)
 */
function admitted(view: AdminViewServerProps, path: string): TypedUser {
  const { req, permissions } = view.initPageResult
  const { routes } = req.payload.config
  const query = new URLSearchParams()
  for (const key of ['month', 'host', 'page']) {
    const value = one(view.searchParams, key)
    if (value !== undefined) query.set(key, value)
  }
  const back = `${routes.admin}${path}${query.size > 0 ? `?${query}` : ''}`
  if (!req.user) redirect(`${routes.admin}${req.payload.config.admin.routes.login}?redirect=${encodeURIComponent(back)}`)
  if (!permissions.canAccessAdmin) redirect(`${routes.admin}${req.payload.config.admin.routes.unauthorized}`)
  return req.user as TypedUser
}

/** /admin/calendar/:listingId — one listing's month, its prices, stays and blocks; blocks made and removed in place. */
export async function ListingCalendarView(view: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = view
  const { req } = initPageResult
  const listingId = parseId(segmentsOf(params)[1])
  const user = admitted(view, `/calendar/${listingId ?? ''}`)
  const today = utcDate(new Date())
  const month = parseMonth(one(searchParams, 'month')) ?? monthOf(today)
  const listing =
    listingId !== null
      ? await req.payload
          .findByID({
            collection: 'properties',
            id: listingId,
            // The listing as guests book it: a draft's unsaved prices are not what a night costs.
            depth: 0,
            user,
            overrideAccess: false,
            select: { title: true, host: true, pricing: true },
          })
          .catch(notFoundAsNull)
      : null
  // A host's calendar is theirs alone; another host's published listing is readable, its calendar is not.
  if (!listing || !(isStaffUser(user) || sameId(listing.host, user))) {
    return (
      <Page view={view} title="Calendar">
        <p>This listing does not exist or is not yours.</p>
        <Link href="/admin/calendar">All your listings</Link>
      </Page>
    )
  }
  const weeks = monthWeeks(month)
  const from = weeks[0]![0]!
  const { bookings, blocks, imported } = await readCalendar(req.payload, user, [listing.id], from, weeks.length * 7)
  const { pricing } = listing
  const currency = isCurrency(pricing.currency) ? pricing.currency : 'EUR'
  const here = `/admin/calendar/${listing.id}`
  return (
    <Page
      view={view}
      title={listing.title}
      kicker="Calendar"
      actions={
        <>
          <Link href={`/admin/collections/properties/${listing.id}`}>Edit listing</Link>
          <Link href={`/admin/calendar?month=${month}`}>All listings</Link>
        </>
      }
    >
      <MonthNav here={here} month={month} today={today} />
      {/* A new month is a new grid: focus and picks do not carry over. */}
      <MonthCalendar
        key={month}
        listingId={listing.id}
        weeks={weeks.map((week) =>
          week.map((date) => {
            const night = priceOfNight(pricing, date)
            return {
              date,
              day: Number(date.slice(8)),
              inMonth: monthOf(date) === month,
              past: date < today,
              price: formatMoneyShort(night.rate, currency),
              weekend: night.weekend && Boolean(pricing.weekendRate),
            }
          }),
        )}
        bookings={bookings}
        blocks={blocks}
        imported={imported}
      />
    </Page>
  )
}

/**
 * /admin/calendar — the multi-calendar: a row per listing, a column per night over two months, the same
 * bars and blocks as a listing's calendar. A host sees their listings; staff see everyone's, or one
 * host's by email.
 */
export async function AllListingsCalendarView(view: AdminViewServerProps) {
  const { initPageResult, searchParams } = view
  const { req } = initPageResult
  const user = admitted(view, '/calendar')
  const payload = req.payload
  const today = utcDate(new Date())
  const month = parseMonth(one(searchParams, 'month')) ?? monthOf(today)
  const page = Math.max(1, Math.min(10_000, Number.parseInt(one(searchParams, 'page') ?? '1', 10) || 1))
  const staff = isStaffUser(user)
  const hostEmail = staff ? (one(searchParams, 'host') ?? '').trim().toLowerCase().slice(0, 254) : ''
  const host = staff ? (EMAIL.test(hostEmail) ? await findHost(payload, user, hostEmail) : null) : user
  // Staff who typed an email no host has get no rows rather than everyone's.
  const listings = staff && hostEmail && !host ? NO_LISTINGS : await calendarListings(payload, user, host?.id ?? null, page)
  const days = nightsInMonth(month) + nightsInMonth(shiftMonth(month, 1))
  const nights = daysFrom(`${month}-01`, days)
  const { bookings, blocks, imported } = await readCalendar(
    payload,
    user,
    listings.docs.map((l) => l.id),
    nights[0]!,
    days,
  )
  const query = (changes: Record<string, string | number>) => {
    const q = new URLSearchParams({ month, ...(hostEmail ? { host: hostEmail } : {}) })
    for (const [k, v] of Object.entries(changes)) q.set(k, String(v))
    return `/admin/calendar?${q}`
  }
  return (
    <Page view={view} title="All listings" kicker="Calendar" actions={<Legend />}>
      {staff && (
        <form method="get" action="/admin/calendar" className="sb-cal__host-picker">
          <input type="hidden" name="month" value={month} />
          <label htmlFor="sb-cal-host">Host's email</label>
          <input id="sb-cal-host" name="host" type="email" defaultValue={hostEmail} placeholder="Everyone's listings" />
          <button type="submit" className="btn btn--style-secondary btn--size-small">
            Show
          </button>
          {hostEmail && !host && <span role="alert">No host has this email.</span>}
        </form>
      )}
      <MonthNav here="/admin/calendar" month={month} today={today} extra={hostEmail ? { host: hostEmail } : {}} span={2} />
      {listings.docs.length === 0 ? (
        page > 1 ? (
          <p>
            {'There are fewer pages of listings. '}
            <Link href={query({ page: 1 })}>Back to the first page</Link>
          </p>
        ) : (
          <p>{staff ? 'No listings to show.' : 'You have no listings yet.'}</p>
        )
      ) : (
        // A scrolling region is focusable so that keyboard users can scroll it (WCAG 2.1.1).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the region scrolls sideways; focus lets arrow keys scroll it
        <section className="sb-multi" aria-label="Listings by night" tabIndex={0}>
          <div
            className="sb-multi__row sb-multi__row--head"
            style={{ gridTemplateColumns: `var(--sb-multi-name) repeat(${days}, var(--sb-multi-day))` }}
          >
            <div className="sb-multi__name">Listing</div>
            {nights.map((night) => (
              <div
                key={night}
                className={`sb-multi__day${night === today ? ' sb-multi__day--today' : ''}${isWeekendNight(night) ? ' sb-multi__day--weekend' : ''}`}
                title={night}
              >
                {night.endsWith('-01') && <span className="sb-multi__month">{formatMonth(monthOf(night))}</span>}
                <span>{'SMTWTFS'[weekday(night)]}</span>
                <strong>{Number(night.slice(8))}</strong>
              </div>
            ))}
          </div>
          {listings.docs.map((listing) => (
            <div
              key={listing.id}
              className="sb-multi__row"
              style={{ gridTemplateColumns: `var(--sb-multi-name) repeat(${days}, var(--sb-multi-day))` }}
            >
              <div className="sb-multi__name" style={{ gridRow: 1, gridColumn: 1 }}>
                <Link href={`/admin/calendar/${listing.id}?month=${month}`}>{listing.title}</Link>
                <span>{listing.address?.city ?? ''}</span>
              </div>
              {nights.map((night, i) => (
                <div
                  key={night}
                  className={`sb-multi__cell${night < today ? ' sb-multi__cell--past' : ''}${night === today ? ' sb-multi__cell--today' : ''}`}
                  style={{ gridRow: 1, gridColumn: i + 2 }}
                />
              ))}
              <StayBars
                bars={calendarBars(
                  bookings.filter((b) => b.property === listing.id),
                  blocks.filter((b) => b.property === listing.id),
                  imported.filter((e) => e.property === listing.id),
                )}
                from={nights[0]!}
                days={days}
                row={1}
                columnOffset={2}
              />
            </div>
          ))}
        </section>
      )}
      {listings.totalPages > 1 && (
        <nav className="sb-cal__pages" aria-label="Pages of listings">
          {listings.hasPrevPage && <Link href={query({ page: page - 1 })}>← Previous listings</Link>}
          <span>{`Page ${listings.page} of ${listings.totalPages} · ${listings.totalDocs} listings`}</span>
          {listings.hasNextPage && <Link href={query({ page: page + 1 })}>Next listings →</Link>}
        </nav>
      )}
    </Page>
  )
}

/** A listing that does not exist and one the user may not read look the same; other errors are errors. */
function notFoundAsNull(error: unknown): null {
  const status = (error as { status?: number } | null)?.status
  if (status === 404 || status === 403) return null
  throw error
}

/** What staff typed as a host's email, if it could be one (nothing else reaches the database). */
const EMAIL = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,189}$/u

async function findHost(payload: Payload, user: TypedUser, email: string): Promise<{ id: number } | null> {
  const found = await payload.find({
    collection: 'users',
    where: { email: { equals: email } },
    limit: 1,
    depth: 0,
    select: { email: true },
    user,
    overrideAccess: false,
  })
  return found.docs[0] ?? null
}

/** A calendar page inside Payload's own frame (header, menu), as the collection views have. */
function Page({
  view,
  title,
  kicker,
  actions,
  children,
}: {
  view: AdminViewServerProps
  title: string
  kicker?: string
  actions?: ReactNode
  children: ReactNode
}) {
  const { req, permissions, locale, visibleEntities } = view.initPageResult
  return (
    <DefaultTemplate
      i18n={req.i18n}
      locale={locale}
      params={view.params}
      payload={req.payload}
      permissions={permissions}
      req={req}
      searchParams={view.searchParams}
      user={req.user ?? undefined}
      visibleEntities={{ collections: visibleEntities.collections, globals: visibleEntities.globals }}
    >
      <Gutter className="sb-cal-page">
        <header className="sb-cal-page__header">
          <div>
            {kicker && <p className="sb-cal-page__kicker">{kicker}</p>}
            <h1>{title}</h1>
          </div>
          {actions && <div className="sb-cal-page__actions">{actions}</div>}
        </header>
        {children}
      </Gutter>
    </DefaultTemplate>
  )
}

/** ‹ previous · the month(s) shown · next › · this month; links, so the browser's back button works. */
function MonthNav({
  here,
  month,
  today,
  extra = {},
  span = 1,
}: {
  here: string
  month: string
  today: string
  extra?: Record<string, string>
  span?: 1 | 2
}) {
  const href = (m: string) => `${here}?${new URLSearchParams({ ...extra, month: m })}`
  const shown = span === 1 ? formatMonth(month) : `${formatMonth(month)} – ${formatMonth(shiftMonth(month, 1))}`
  return (
    <nav className="sb-cal__nav" aria-label="Months">
      <Link href={href(shiftMonth(month, -1))} aria-label={`Previous month, ${formatMonth(shiftMonth(month, -1))}`}>
        ‹
      </Link>
      <h2 aria-live="polite">{shown}</h2>
      <Link href={href(shiftMonth(month, 1))} aria-label={`Next month, ${formatMonth(shiftMonth(month, 1))}`}>
        ›
      </Link>
      {monthOf(today) !== month && <Link href={href(monthOf(today))}>This month</Link>}
    </nav>
  )
}
