import type { Placement } from '@/domain/calendar'

/**
 * A stay or a block drawn over a row of day columns (a week in the month grid, a listing's row in the
 * multi-calendar): it starts in the column of its first night and spans its nights; a square end says
 * it continues beyond the row. The colour is the booking's status, or "blocked". As a `cell` it is a
 * table cell of the month grid, hidden from assistive technology (each night's button says the same).
 */
export function StayBar({
  at,
  row,
  kind,
  label,
  title,
  href,
  cell = false,
  columnOffset = 1,
}: {
  at: Placement
  row: number
  kind: string
  label: string
  title: string
  href?: string
  cell?: boolean
  columnOffset?: number
}) {
  const className = [
    'sb-cal__bar',
    `sb-cal__bar--${kind}`,
    at.continuesBefore ? 'sb-cal__bar--from-before' : '',
    at.continuesAfter ? 'sb-cal__bar--goes-on' : '',
  ].join(' ')
  const style = { gridColumn: `${at.offset + columnOffset} / span ${at.length}`, gridRow: row }
  if (cell) {
    return (
      <td aria-hidden="true" className={className} style={style} title={title}>
        {label}
      </td>
    )
  }
  return href ? (
    <a className={className} style={style} title={title} href={href}>
      {label}
    </a>
  ) : (
    <span className={className} style={style} title={title}>
      {label}
    </span>
  )
}
