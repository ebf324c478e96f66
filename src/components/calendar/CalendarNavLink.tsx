'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'

/** "Calendar" at the top of the panel's menu, styled as Payload's own links (with its active marker). */
export function CalendarNavLink() {
  const pathname = usePathname()
  const active = pathname === '/admin/calendar' || pathname.startsWith('/admin/calendar/')
  return (
    <Link className="nav__link" href="/admin/calendar" id="nav-calendar" prefetch={false} aria-current={active ? 'page' : undefined}>
      {active && <div className="nav__link-indicator" />}
      <span className="nav__link-label">Calendar</span>
    </Link>
  )
}
