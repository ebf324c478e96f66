import Link from 'next/link'
import type { ReactNode } from 'react'

/** The pieces the host's and the staff's dashboards share: sections, tables, lists, shortcuts. */
export const TABLE = { width: '100%', borderCollapse: 'collapse' } as const
export const ROW = { borderBottom: '1px solid var(--theme-elevation-100)' } as const
export const CELL = { padding: '10px 12px 10px 0', verticalAlign: 'middle' } as const
export const HEAD = {
  ...CELL,
  textAlign: 'left',
  fontWeight: 600,
  color: 'var(--theme-elevation-600)',
  borderBottom: '1px solid var(--theme-elevation-150)',
} as const
export const NUMBER = { ...CELL, textAlign: 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const
export const LIST = { listStyle: 'none', margin: 0, padding: 0 } as const
export const MUTED = { color: 'var(--theme-elevation-600)' } as const

/** A titled region; with a `count`, the count beside the title and `empty` instead of the content at 0. */
export function Section({ title, empty, count, children }: { title: string; empty?: string; count?: number; children: ReactNode }) {
  return (
    <section aria-label={title} style={{ marginBottom: 'calc(var(--base) * 1.5)' }}>
      <h2 style={{ fontSize: 18, marginBottom: 'calc(var(--base) / 2)' }}>
        {title}
        {count !== undefined && count > 0 && <span style={{ color: 'var(--theme-elevation-500)', fontWeight: 400 }}>{` · ${count}`}</span>}
      </h2>
      {count === 0 ? <p style={{ color: 'var(--theme-elevation-500)' }}>{empty}</p> : children}
    </section>
  )
}

export function DashboardPage({
  className,
  title,
  navLabel,
  shortcuts,
  children,
}: {
  className: string
  title: string
  navLabel: string
  shortcuts: readonly (readonly [string, string])[]
  children: ReactNode
}) {
  return (
    <div
      className={`dashboard ${className} gutter--left gutter--right`}
      style={{ paddingTop: 'var(--base)', paddingBottom: 'calc(var(--base) * 2)' }}
    >
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', justifyContent: 'space-between', gap: 'var(--base)' }}>
        <h1 style={{ marginBottom: 'var(--base)' }}>{title}</h1>
        <nav aria-label={navLabel} style={{ display: 'flex', flexWrap: 'wrap', gap: 16 }}>
          <Link href="/admin/calendar">Calendar</Link>
          {shortcuts.map(([slug, label]) => (
            <Link key={slug} href={`/admin/collections/${slug}`}>
              {label}
            </Link>
          ))}
        </nav>
      </div>
      {children}
    </div>
  )
}
