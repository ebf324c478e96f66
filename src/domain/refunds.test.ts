import { type CancellationPolicy, type CancelledBy, type RefundOwed, type RefundOwedInput, refundAmount, refundOwed } from './refunds'

const checkIn = '2027-03-20'
const bookedLongAgo = new Date('2027-01-01T12:00:00Z')
/** Cancelled at noon UTC, `d` days before check-in. */
const at = (d: number) => new Date(Date.UTC(2027, 2, 20 - d, 12))

describe('refund table at each boundary day', () => {
  it.each([
    ['flexible', 1, 100],
    ['flexible', 0, 0],
    ['flexible', -2, 0],
    ['moderate', 5, 100],
    ['moderate', 4, 50],
    ['moderate', 0, 50],
    ['strict', 14, 100],
    ['strict', 13, 50],
    ['strict', 7, 50],
    ['strict', 6, 0],
    ['non_refundable', 60, 0],
  ] as [CancellationPolicy, number, number][])('%s, %i days before → %i %%', (policy, d, percent) => {
    const result = refundAmount({ policy, total: 123457, checkIn, bookedAt: bookedLongAgo, cancelledAt: at(d), cancelledBy: 'guest' })
    expect(result).toEqual({ percent, daysBefore: d, amount: Math.floor((123457 * percent) / 100) })
  })

  it('rounds down to the minor unit', () => {
    expect(
      refundAmount({ policy: 'moderate', total: 10001, checkIn, bookedAt: bookedLongAgo, cancelledAt: at(2), cancelledBy: 'guest' }).amount,
    ).toBe(5000)
  })

  it('uses the UTC calendar date of the cancellation, not 24-hour periods', () => {
    // 23:59 UTC on the 19th is still 1 day before the 20th.
    const lateEvening = new Date('2027-03-19T23:59:00Z')
    expect(
      refundAmount({ policy: 'flexible', total: 100, checkIn, bookedAt: bookedLongAgo, cancelledAt: lateEvening, cancelledBy: 'guest' })
        .percent,
    ).toBe(100)
  })
})

describe('overrides', () => {
  it.each([
    ['24 h grace and ≥ 7 days → 100 % even when non-refundable', 'non_refundable', 7, 23, 100],
    ['grace needs d ≥ 7', 'strict', 6, 1, 0],
    ['grace ends after 24 h', 'strict', 10, 25, 50],
    ['exactly 24 h is still inside the grace', 'non_refundable', 30, 24, 100],
  ] as [string, CancellationPolicy, number, number, number][])('%s', (_, policy, d, hoursAfterBooking, percent) => {
    const cancelledAt = at(d)
    const bookedAt = new Date(cancelledAt.getTime() - hoursAfterBooking * 3_600_000)
    expect(refundAmount({ policy, total: 1000, checkIn, bookedAt, cancelledAt, cancelledBy: 'guest' }).percent).toBe(percent)
  })

  it.each([['host'], ['staff']] as [CancelledBy][])('cancelled by %s → 100 %% whatever the policy', (by) => {
    expect(
      refundAmount({ policy: 'non_refundable', total: 999, checkIn, bookedAt: bookedLongAgo, cancelledAt: at(0), cancelledBy: by }),
    ).toMatchObject({ percent: 100, amount: 999 })
  })
})

describe('refundOwed: what a booking is still owed', () => {
  const now = new Date('2027-06-01T12:00:00Z')
  const daysAgo = (d: number) => new Date(now.getTime() - d * 24 * 3_600_000).toISOString()
  const paid = { amount: 50_000, createdAt: daysAgo(10) }
  const cancelled = { status: 'cancelled', confirmedAt: daysAgo(10), cancelledAt: daysAgo(1), refundAmount: 50_000 }
  const expired = { status: 'expired', confirmedAt: null, cancelledAt: null, refundAmount: null }
  type Refund = RefundOwedInput['refunds'][number]
  const refund = (id: string, amount: number, status: string | null, kind: string | null, minutesAfter = 0): Refund => ({
    id,
    amount,
    status,
    kind,
    createdAt: Date.parse(daysAgo(1)) + minutesAfter * 60_000,
  })
  const base: RefundOwedInput = { booking: cancelled, payment: paid, refunds: [], now, recoveryDays: 120 }

  it.each<[string, Partial<RefundOwedInput>, RefundOwed]>([
    ['a cancelled paid booking, nothing refunded yet', {}, { owed: true, kind: 'cancellation', amount: 50_000 }],
    ['the policy refunds half', { booking: { ...cancelled, refundAmount: 25_000 } }, { owed: true, kind: 'cancellation', amount: 25_000 }],
    [
      'a booking paid long ago, cancelled yesterday',
      { payment: { ...paid, createdAt: daysAgo(170) } },
      { owed: true, kind: 'cancellation', amount: 50_000 },
    ],
    [
      'cancelled 120 days ago: still inside the window',
      { booking: { ...cancelled, cancelledAt: daysAgo(120) } },
      { owed: true, kind: 'cancellation', amount: 50_000 },
    ],
    [
      'cancelled 121 days ago: too old',
      { booking: { ...cancelled, cancelledAt: daysAgo(121) } },
      { owed: false, kind: 'cancellation', reason: 'more than 120 days ago: too old to refund automatically' },
    ],
    [
      'a shorter window',
      { booking: { ...cancelled, cancelledAt: daysAgo(31) }, recoveryDays: 30 },
      { owed: false, kind: 'cancellation', reason: 'more than 30 days ago: too old to refund automatically' },
    ],
    [
      'already refunded',
      { refunds: [refund('re_1', 50_000, 'succeeded', 'cancellation')] },
      { owed: false, kind: 'cancellation', reason: 'already refunded' },
    ],
    [
      'a pending refund counts',
      { refunds: [refund('re_1', 50_000, 'pending', 'cancellation')] },
      { owed: false, kind: 'cancellation', reason: 'already refunded' },
    ],
    [
      'a refund waiting for action counts',
      { refunds: [refund('re_1', 50_000, 'requires_action', 'cancellation')] },
      { owed: false, kind: 'cancellation', reason: 'already refunded' },
    ],
    [
      'partly refunded for the cancellation: the rest',
      { refunds: [refund('re_1', 20_000, 'succeeded', 'cancellation')] },
      { owed: true, kind: 'cancellation', amount: 30_000 },
    ],
    [
      'a failed refund does not count, and the new one names it',
      { refunds: [refund('re_1', 50_000, 'failed', 'cancellation')] },
      { owed: true, kind: 'cancellation', amount: 50_000, replaces: 're_1' },
    ],
    [
      'two failed refunds: named after the latest, whatever the order given',
      { refunds: [refund('re_2', 50_000, 'canceled', 'cancellation', 5), refund('re_1', 50_000, 'failed', 'cancellation')] },
      { owed: true, kind: 'cancellation', amount: 50_000, replaces: 're_2' },
    ],
    [
      'a failed refund replaced by a live one',
      { refunds: [refund('re_1', 50_000, 'failed', 'cancellation'), refund('re_2', 50_000, 'succeeded', 'cancellation', 5)] },
      { owed: false, kind: 'cancellation', reason: 'already refunded' },
    ],
    [
      'refunds of another kind leave less on the payment',
      { refunds: [refund('re_x', 45_000, 'succeeded', null)] },
      { owed: true, kind: 'cancellation', amount: 5_000 },
    ],
    [
      'nothing left on the payment',
      { refunds: [refund('re_x', 50_000, 'succeeded', null)] },
      { owed: false, kind: 'cancellation', reason: 'nothing is left on the payment' },
    ],
    [
      'the policy refunds nothing',
      { booking: { ...cancelled, refundAmount: 0 } },
      { owed: false, kind: 'cancellation', reason: 'the cancellation refunds nothing' },
    ],
    ['nothing was paid', { payment: null }, { owed: false, kind: null, reason: 'nothing was paid' }],
    [
      'a confirmed booking',
      { booking: { ...cancelled, status: 'confirmed', cancelledAt: null } },
      { owed: false, kind: null, reason: 'a confirmed booking is owed nothing' },
    ],
    [
      'a completed stay',
      { booking: { ...cancelled, status: 'completed', cancelledAt: null } },
      { owed: false, kind: null, reason: 'a completed booking is owed nothing' },
    ],
    ['paid after the hold expired: all of it', { booking: expired }, { owed: true, kind: 'booking_unavailable', amount: 50_000 }],
    [
      'paid after an unpaid cancellation: all of it',
      { booking: { ...cancelled, confirmedAt: null, refundAmount: 0 } },
      { owed: true, kind: 'booking_unavailable', amount: 50_000 },
    ],
    [
      'unavailable, refunded already',
      { booking: expired, refunds: [refund('re_1', 50_000, 'succeeded', 'booking_unavailable')] },
      { owed: false, kind: 'booking_unavailable', reason: 'already refunded' },
    ],
    [
      'unavailable, paid 121 days ago',
      { booking: expired, payment: { ...paid, createdAt: daysAgo(121) } },
      { owed: false, kind: 'booking_unavailable', reason: 'more than 120 days ago: too old to refund automatically' },
    ],
    [
      'a cancellation without its time',
      { booking: { ...cancelled, cancelledAt: null } },
      { owed: false, kind: 'cancellation', reason: 'more than 120 days ago: too old to refund automatically' },
    ],
  ])('%s', (_, input, expected) => {
    expect(refundOwed({ ...base, ...input })).toEqual(expected)
  })
})
