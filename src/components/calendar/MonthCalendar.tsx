'use client'

import { Button, toast } from '@payloadcms/ui'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { type KeyboardEvent, useRef, useState } from 'react'

import { holds, pickedNights } from '@/domain/calendar'
import { humanize } from '@/domain/listing'
import { addDays, formatDay, formatStay, nightsBetween } from '@/domain/stayDates'
import { actionCall } from '../actionCall'
import { ReasonField } from '../ReasonField'
import type { CalendarBlock, CalendarBooking, CalendarImported } from './calendarData'
import { StayBars, calendarBars, stayTitle } from './StayBar'

export type CalendarDay = { date: string; day: number; inMonth: boolean; past: boolean; price: string; weekend: boolean }

const BLOCK_REASONS = ['owner_use', 'maintenance', 'other'] as const

type Picked =
  | { kind: 'none' }
  | { kind: 'anchor'; night: string }
  | { kind: 'range'; start: string; end: string }
  | { kind: 'block'; block: CalendarBlock }
  | { kind: 'booking'; booking: CalendarBooking }

/**
 * One listing's month: each night with its price, bookings as bars (guest name, a colour per status)
 * and blocks. Pick a first and a last night (click, or arrows and Enter) → Block these dates, with the
 * API's own answer when they are taken; pick a blocked night → Remove this block. Every write is the
 * API's: POST and DELETE /api/availability-blocks, with the session cookie.
 */
export function MonthCalendar({
  listingId,
  weeks,
  bookings,
  blocks,
  imported,
}: {
  listingId: number
  weeks: CalendarDay[][]
  bookings: CalendarBooking[]
  blocks: CalendarBlock[]
  imported: CalendarImported[]
}) {
  const router = useRouter()
  const days = weeks.flat()
  const [picked, setPicked] = useState<Picked>({ kind: 'none' })
  const [focused, setFocused] = useState(() => days.find((d) => d.inMonth && !d.past)?.date ?? days[0]!.date)
  const [reason, setReason] = useState<(typeof BLOCK_REASONS)[number]>('owner_use')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const cells = useRef(new Map<string, HTMLButtonElement>())
  const bars = calendarBars(bookings, blocks, imported)

  const bookingOn = (night: string) => bookings.find((b) => holds(b, night))
  const blockOn = (night: string) => blocks.find((b) => holds(b, night))
  const importedOn = (night: string) => imported.find((e) => holds(e, night))

  const pick = (day: CalendarDay) => {
    setProblem(null)
    const booking = bookingOn(day.date)
    const block = blockOn(day.date)
    if (picked.kind === 'anchor' && !day.past) {
      setPicked({ kind: 'range', ...pickedNights(picked.night, day.date) })
    } else if (booking) {
      setPicked({ kind: 'booking', booking })
    } else if (block) {
      setPicked({ kind: 'block', block })
    } else if (!day.past) {
      setPicked({ kind: 'anchor', night: day.date })
    }
  }

  const moveFocus = (event: KeyboardEvent, date: string) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[event.key]
    if (event.key === 'Escape') {
      setPicked({ kind: 'none' })
      return
    }
    if (step === undefined) return
    event.preventDefault()
    const next = addDays(date, step)
    const cell = cells.current.get(next)
    if (!cell) return
    setFocused(next)
    cell.focus()
  }

  const blockDates = async (range: { start: string; end: string }) => {
    setBusy(true)
    setProblem(null)
    const result = await actionCall('/api/availability-blocks', {
      method: 'POST',
      body: { property: listingId, startDate: range.start, endDate: range.end, reason, note: note.trim() || undefined },
    })
    setBusy(false)
    if (!result.ok) return setProblem(result.message)
    toast.success(`Blocked ${formatStay(range.start, range.end)}.`)
    setPicked({ kind: 'none' })
    setNote('')
    router.refresh()
  }

  const removeBlock = async (block: CalendarBlock) => {
    setBusy(true)
    setProblem(null)
    const result = await actionCall(`/api/availability-blocks/${block.id}`, { method: 'DELETE' })
    setBusy(false)
    if (!result.ok) return setProblem(result.message)
    toast.success(`${formatStay(block.start, block.end)} is open again.`)
    setPicked({ kind: 'none' })
    router.refresh()
  }

  const inPick = (night: string) =>
    (picked.kind === 'anchor' && picked.night === night) || (picked.kind === 'range' && holds(picked, night))

  return (
    <div className="sb-cal">
      <table className="sb-cal__month" aria-label="Nights of the month">
        <thead>
          <tr className="sb-cal__weekdays">
            {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => (
              <th key={d} scope="col" className="sb-cal__weekday">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0]!.date} className="sb-cal__week">
              {week.map((day, i) => {
                const booking = bookingOn(day.date)
                const block = blockOn(day.date)
                const elsewhere = importedOn(day.date)
                const taken = booking
                  ? `booked by ${booking.guestName}`
                  : block
                    ? `blocked (${humanize(block.reason)})`
                    : elsewhere
                      ? `taken on ${elsewhere.feedName}`
                      : 'open'
                return (
                  <td key={day.date} className="sb-cal__cell" style={{ gridColumn: i + 1, gridRow: '1 / span 3' }}>
                    <button
                      type="button"
                      ref={(el) => {
                        if (el) cells.current.set(day.date, el)
                        else cells.current.delete(day.date)
                      }}
                      tabIndex={day.date === focused ? 0 : -1}
                      aria-pressed={inPick(day.date)}
                      aria-label={`${formatDay(day.date)}, ${day.price}${day.weekend ? ' (weekend rate)' : ''}, ${taken}`}
                      data-date={day.date}
                      className={[
                        'sb-cal__night',
                        day.inMonth ? '' : 'sb-cal__night--other-month',
                        day.past ? 'sb-cal__night--past' : '',
                        inPick(day.date) ? 'sb-cal__night--picked' : '',
                      ].join(' ')}
                      onClick={() => {
                        setFocused(day.date)
                        pick(day)
                      }}
                      onKeyDown={(e) => moveFocus(e, day.date)}
                    >
                      <span className="sb-cal__day">{day.day}</span>
                      <span className={`sb-cal__price${day.weekend ? ' sb-cal__price--weekend' : ''}`}>{day.price}</span>
                    </button>
                  </td>
                )
              })}
              {/* The bars repeat what each night's label says, for the eye only. */}
              <StayBars bars={bars} from={week[0]!.date} days={7} row={2} cell />
            </tr>
          ))}
        </tbody>
      </table>

      <aside className="sb-cal__panel" aria-live="polite">
        {picked.kind === 'none' && (
          <p className="sb-cal__hint">Pick a first and a last night to block them, or a booked or blocked night to see it.</p>
        )}
        {picked.kind === 'anchor' && <p className="sb-cal__hint">{`From ${formatDay(picked.night)}: now pick the last night to block.`}</p>}
        {picked.kind === 'range' && (
          <form
            aria-label="Block these dates"
            onSubmit={(e) => {
              e.preventDefault()
              void blockDates(picked)
            }}
          >
            <h3>{`${formatStay(picked.start, picked.end)} · ${nights(picked)}`}</h3>
            <label htmlFor="sb-block-reason" style={{ display: 'block', marginBottom: 4 }}>
              Reason
            </label>
            <select
              id="sb-block-reason"
              className="sb-cal__select"
              value={reason}
              onChange={(e) => setReason(e.target.value as (typeof BLOCK_REASONS)[number])}
            >
              {BLOCK_REASONS.map((r) => (
                <option key={r} value={r}>
                  {humanize(r)}
                </option>
              ))}
            </select>
            <ReasonField id="sb-block-note" label="Note (only you and staff see it)" value={note} onChange={setNote} />
            <div className="sb-cal__buttons">
              <Button type="submit" buttonStyle="primary" size="small" margin={false} disabled={busy}>
                Block these dates
              </Button>
              <Button buttonStyle="secondary" size="small" margin={false} disabled={busy} onClick={() => setPicked({ kind: 'none' })}>
                Cancel
              </Button>
            </div>
          </form>
        )}
        {picked.kind === 'block' && (
          <div>
            <h3>{`Blocked · ${formatStay(picked.block.start, picked.block.end)}`}</h3>
            <p>{`${humanize(picked.block.reason)} · ${nights(picked.block)}`}</p>
            {picked.block.note && <p className="sb-cal__note">{picked.block.note}</p>}
            <div className="sb-cal__buttons">
              <Button buttonStyle="secondary" size="small" margin={false} disabled={busy} onClick={() => void removeBlock(picked.block)}>
                Remove this block
              </Button>
              <Link href={`/admin/collections/availability-blocks/${picked.block.id}`}>Edit</Link>
            </div>
          </div>
        )}
        {picked.kind === 'booking' && (
          <div>
            <h3>{picked.booking.guestName}</h3>
            <p>{stayTitle(picked.booking)}</p>
            <Link href={`/admin/collections/bookings/${picked.booking.id}`}>Open the booking</Link>
          </div>
        )}
        {problem && (
          <p role="alert" className="sb-cal__problem">
            {problem}
          </p>
        )}
        <Legend />
      </aside>
    </div>
  )
}

const nights = (range: { start: string; end: string }) => {
  const n = nightsBetween(range.start, range.end)
  return `${n} night${n === 1 ? '' : 's'}`
}
/** What the colours mean. */
export function Legend() {
  return (
    <ul className="sb-cal__legend" aria-label="Legend">
      {(['requested', 'awaiting_payment', 'confirmed', 'completed', 'blocked', 'imported'] as const).map((kind) => (
        <li key={kind}>
          <span className={`sb-cal__swatch sb-cal__bar--${kind}`} aria-hidden="true" />
          {humanize(kind)}
        </li>
      ))}
    </ul>
  )
}
