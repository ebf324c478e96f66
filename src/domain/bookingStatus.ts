/** The booking lifecycle. Pure: who may trigger a transition is decided elsewhere. */
export const BOOKING_STATUSES = ['requested', 'awaiting_payment', 'confirmed', 'declined', 'expired', 'cancelled', 'completed'] as const
export type BookingStatus = (typeof BOOKING_STATUSES)[number]

/** States that hold the dates: no other booking or block may overlap them. */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ['requested', 'awaiting_payment', 'confirmed']

const TRANSITIONS: Record<BookingStatus, readonly BookingStatus[]> = {
  requested: ['awaiting_payment', 'declined', 'expired', 'cancelled'],
  awaiting_payment: ['confirmed', 'expired', 'cancelled'],
  confirmed: ['completed', 'cancelled'],
  declined: [],
  expired: [],
  cancelled: [],
  completed: [],
}

/** The status as the state machine knows it, or null for anything else. */
export const asBookingStatus = (value: unknown): BookingStatus | null => BOOKING_STATUSES.find((s) => s === value) ?? null

export const canTransition = (from: BookingStatus, to: BookingStatus): boolean => TRANSITIONS[from].includes(to)

export type TransitionResult = { ok: true } | { ok: false; message: string }

export function checkTransition(from: BookingStatus, to: BookingStatus): TransitionResult {
  if (canTransition(from, to)) return { ok: true }
  return { ok: false, message: `A booking that is ${from.replace('_', ' ')} cannot become ${to.replace('_', ' ')}.` }
}
