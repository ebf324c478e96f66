import { type Party, partyOf } from './bookingActions'
import { BOOKING_STATUSES, type BookingStatus, asBookingStatus } from './bookingStatus'
import { humanize } from './listing'
import type { WithRoles } from './roles'

/**
 * A booking's status history: one entry per status it took — when, and who made it so — written by the
 * one transition function (applyTransition, src/services/bookingLifecycle.ts) and by the booking's
 * creation. And the timeline the admin panel draws from it. Pure.
 */

/** Who made a status happen: one of the booking's people, staff, or Staybase itself (payment, expiry, completion). */
export const HISTORY_ACTORS = ['guest', 'host', 'staff', 'system'] as const
export type HistoryActor = (typeof HISTORY_ACTORS)[number]

/** One entry as stored. `by` is the acting user (null for the system); only staff read it. */
export type HistoryEntry = {
  status: BookingStatus
  at: string
  actor: HistoryActor
  by?: number | null
  note?: string | null
}

/**
 * Who is acting, from the request's user: no user is Staybase itself (a job, the payment webhook);
 * otherwise what the user is to the booking (guest, host, staff). A signed-in user who is none of these
 * never reaches a transition (the endpoints answer 404 first); were one to, the entry says `system`
 * with their id in `by`, for staff to look into, rather than claiming a role they do not have.
 */
export function actorOf(
  user: ({ id: unknown } & WithRoles) | null | undefined,
  booking: { guest?: unknown; host?: unknown },
): { actor: HistoryActor; by: number | null } {
  if (!user) return { actor: 'system', by: null }
  const id = typeof user.id === 'number' ? user.id : Number(user.id)
  const party: Party | null = partyOf(user, booking)
  return { actor: party ?? 'system', by: Number.isFinite(id) ? id : null }
}

/** The road a booking takes when all goes well; declined, expired and cancelled leave it. */
export const MAIN_PATH: readonly BookingStatus[] = ['requested', 'awaiting_payment', 'confirmed', 'completed']

export type TimelineStep = {
  status: BookingStatus
  label: string
  /** done: happened; current: where the booking is now; upcoming: still ahead if all goes well. */
  state: 'done' | 'current' | 'upcoming'
  /** The history entry; null for a step the booking must have passed but whose time was not recorded. */
  entry: HistoryEntry | null
}

const LABELS: Record<BookingStatus, string> = {
  requested: 'Requested',
  awaiting_payment: 'Awaiting payment',
  confirmed: 'Confirmed',
  completed: 'Completed',
  declined: 'Declined',
  expired: 'Expired',
  cancelled: 'Cancelled',
}
export const statusLabel = (status: string): string => LABELS[status as BookingStatus] ?? humanize(status)

const onPath = (status: BookingStatus) => MAIN_PATH.indexOf(status)

/**
 * The timeline of a booking in its current `status`: the recorded entries in order; between two of them
 * on the main path, the steps the booking must have passed whose time nobody recorded (a history
 * filled in from older bookings); then, while it is still on its way, the steps ahead. An instant
 * booking starts at awaiting_payment: it was never a request, so no "requested" step is shown.
 */
export function timelineSteps(status: string | null | undefined, history: readonly HistoryEntry[] | null | undefined): TimelineStep[] {
  const current = asBookingStatus(status)
  const entries = (history ?? []).filter((e) => asBookingStatus(e.status))
  const steps: TimelineStep[] = []
  const push = (s: BookingStatus, entry: HistoryEntry | null) => steps.push({ status: s, label: statusLabel(s), state: 'done', entry })
  for (const entry of entries) {
    const previous = steps.at(-1)?.status
    if (previous && onPath(previous) >= 0 && onPath(entry.status) > onPath(previous) + 1) {
      for (const missed of MAIN_PATH.slice(onPath(previous) + 1, onPath(entry.status))) push(missed, null)
    }
    push(entry.status, entry)
  }
  if (current && steps.at(-1)?.status !== current) {
    // A status the history does not record (it cannot happen since history is kept; kept for safety).
    const previous = steps.at(-1)?.status
    if (previous && onPath(previous) >= 0 && onPath(current) > onPath(previous) + 1) {
      for (const missed of MAIN_PATH.slice(onPath(previous) + 1, onPath(current))) push(missed, null)
    }
    push(current, null)
  }
  const last = steps.at(-1)
  if (last && current === last.status) last.state = 'current'
  if (current && onPath(current) >= 0) {
    for (const ahead of MAIN_PATH.slice(onPath(current) + 1))
      steps.push({ status: ahead, label: statusLabel(ahead), state: 'upcoming', entry: null })
  }
  return steps
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const two = (n: number) => String(n).padStart(2, '0')

/** An instant as people read it, in UTC and saying so: "Sat 28 Nov 2026, 10:46 UTC". */
export function formatUtcTime(iso: string | null | undefined): string | null {
  const ms = iso ? Date.parse(iso) : Number.NaN
  if (Number.isNaN(ms)) return null
  const d = new Date(ms)
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`
}

/**
 * Who made a step happen, in words: the guest's or host's name with their role, staff by name where the
 * viewer may read who (staff only; others read "Staybase staff"), and Staybase itself for payments,
 * expiries and completed stays.
 */
export function describeActor(
  entry: Pick<HistoryEntry, 'actor'>,
  names: { guest?: string | null; host?: string | null; by?: string | null },
): string {
  switch (entry.actor) {
    case 'guest':
      return names.guest ? `${names.guest} (guest)` : 'The guest'
    case 'host':
      return names.host ? `${names.host} (host)` : 'The host'
    case 'staff':
      return names.by ? `${names.by} (staff)` : 'Staybase staff'
    default:
      return 'Staybase (automatic)'
  }
}

/** The statuses a history entry may hold (for the collection's select). */
export const HISTORY_STATUSES = BOOKING_STATUSES
