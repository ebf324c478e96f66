import { BOOKING_STATUSES, type BookingStatus, canTransition, checkTransition } from './bookingStatus'

const allowed: [BookingStatus, BookingStatus][] = [
  ['requested', 'awaiting_payment'],
  ['requested', 'declined'],
  ['requested', 'expired'],
  ['requested', 'cancelled'],
  ['awaiting_payment', 'confirmed'],
  ['awaiting_payment', 'expired'],
  ['awaiting_payment', 'cancelled'],
  ['confirmed', 'completed'],
  ['confirmed', 'cancelled'],
]

describe('booking state machine', () => {
  it.each(allowed)('%s → %s is allowed', (from, to) => {
    expect(canTransition(from, to)).toBe(true)
    expect(checkTransition(from, to)).toEqual({ ok: true })
  })

  const refused = BOOKING_STATUSES.flatMap((from) => BOOKING_STATUSES.map((to) => [from, to] as [BookingStatus, BookingStatus])).filter(
    ([from, to]) => !allowed.some(([f, t]) => f === from && t === to),
  )
  it.each(refused)('%s → %s is refused, naming both', (from, to) => {
    const result = checkTransition(from, to)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.message).toContain(from.replace('_', ' '))
      expect(result.message).toContain(to.replace('_', ' '))
    }
  })

  it('covers every pair', () => {
    expect(allowed.length + refused.length).toBe(BOOKING_STATUSES.length ** 2)
  })
})
