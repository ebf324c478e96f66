import { type CancellationPolicy, type CancelledBy, refundAmount } from './refunds'

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
    expect(refundAmount({ policy: 'moderate', total: 10001, checkIn, bookedAt: bookedLongAgo, cancelledAt: at(2), cancelledBy: 'guest' }).amount).toBe(5000)
  })

  it('uses the UTC calendar date of the cancellation, not 24-hour periods', () => {
    // 23:59 UTC on the 19th is still 1 day before the 20th.
    const lateEvening = new Date('2027-03-19T23:59:00Z')
    expect(refundAmount({ policy: 'flexible', total: 100, checkIn, bookedAt: bookedLongAgo, cancelledAt: lateEvening, cancelledBy: 'guest' }).percent).toBe(100)
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
    expect(refundAmount({ policy: 'non_refundable', total: 999, checkIn, bookedAt: bookedLongAgo, cancelledAt: at(0), cancelledBy: by })).toMatchObject({ percent: 100, amount: 999 })
  })
})
