import { monthOf, type Placement, place } from '@/domain/calendar'
import { humanize } from '@/domain/listing'
import { formatStay } from '@/domain/stayDates'
import type { CalendarBlock, CalendarBooking, CalendarImported } from './calendarData'

/** What the calendars draw over the nights: a booking (coloured by its status) or a block. */
export type Bar = { key: string; start: string; end: string; kind: string; label: string; title: string; href: string }

export const stayTitle = (b: CalendarBooking) =>
  `${b.guestName} · ${formatStay(b.start, b.end)} · ${b.guests} guest${b.guests === 1 ? '' : 's'} · ${humanize(b.status)}`
export const blockTitle = (b: CalendarBlock) =>
  `Blocked · ${formatStay(b.start, b.end)} · ${humanize(b.reason)}${b.note ? ` · ${b.note}` : ''}`

export const importedTitle = (e: CalendarImported) => `Taken on ${e.feedName} (imported calendar) · ${formatStay(e.start, e.end)}`

/**
 * The bars of some bookings, blocks and imported nights: a booking links to its page, a block to its
 * listing's month, imported nights to their feed.
 */
export function calendarBars(
  bookings: readonly CalendarBooking[],
  blocks: readonly CalendarBlock[],
  imported: readonly CalendarImported[] = [],
): Bar[] {
  // Imported nights first: where one overlaps a booking (a conflict), the booking's bar is drawn over it.
  return [
    ...imported.map((e) => ({
      key: `i${e.id}`,
      start: e.start,
      end: e.end,
      kind: 'imported',
      label: e.feedName,
      title: importedTitle(e),
      href: `/admin/collections/calendar-feeds/${e.feed}`,
    })),
    ...bookings.map((b) => ({
      key: `b${b.id}`,
      start: b.start,
      end: b.end,
      kind: b.status,
      label: b.guestName,
      title: stayTitle(b),
      href: `/admin/collections/bookings/${b.id}`,
    })),
    ...blocks.map((b) => ({
      key: `k${b.id}`,
      start: b.start,
      end: b.end,
      kind: 'blocked',
      label: humanize(b.reason),
      title: blockTitle(b),
      href: `/admin/calendar/${b.property}?month=${monthOf(b.start)}`,
    })),
  ]
}

/**
 * Bars over a row of `days` day columns from `from` (a week in the month grid, a listing's row in the
 * multi-calendar): each starts in the column of its first night and spans its nights; a square end says
 * it continues beyond the row. In the month grid (`cell`) each is a table cell hidden from assistive
 * technology — every night's button says the same — and not a link (the nights under it are buttons);
 * in the multi-calendar each is a link.
 */
export function StayBars({
  bars,
  from,
  days,
  row,
  columnOffset = 1,
  cell = false,
}: {
  bars: readonly Bar[]
  from: string
  days: number
  row: number
  columnOffset?: number
  cell?: boolean
}) {
  return bars.map((bar) => {
    const at = place(bar, from, days)
    return at && <StayBar key={bar.key} bar={bar} at={at} row={row} columnOffset={columnOffset} cell={cell} />
  })
}

function StayBar({ bar, at, row, columnOffset, cell }: { bar: Bar; at: Placement; row: number; columnOffset: number; cell: boolean }) {
  const className = [
    'sb-cal__bar',
    `sb-cal__bar--${bar.kind}`,
    at.continuesBefore ? 'sb-cal__bar--from-before' : '',
    at.continuesAfter ? 'sb-cal__bar--goes-on' : '',
  ].join(' ')
  const style = { gridColumn: `${at.offset + columnOffset} / span ${at.length}`, gridRow: row }
  return cell ? (
    <td aria-hidden="true" className={className} style={style} title={bar.title}>
      {bar.label}
    </td>
  ) : (
    <a className={className} style={style} title={bar.title} href={bar.href}>
      {bar.label}
    </a>
  )
}
