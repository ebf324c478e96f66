'use client'

import { useDocumentInfo } from '@payloadcms/ui'
import Link from 'next/link'

/** "Open the calendar" in a saved listing's sidebar: its month of prices, stays and blocks. */
export function ListingCalendarLink() {
  const { id } = useDocumentInfo()
  if (id === undefined || id === null) return null
  return (
    <p style={{ marginBottom: 'var(--base)' }}>
      <Link href={`/admin/calendar/${id}`} className="btn btn--style-secondary btn--size-small" style={{ margin: 0 }}>
        Open the calendar
      </Link>
    </p>
  )
}
