import { dayNumber, utcDate } from './stayDates'

/**
 * How much of the total goes back when a booking is cancelled. The policy is the one snapshotted on the
 * booking when it was made. d = whole days from the cancellation date (UTC) to checkIn.
 *
 * | policy          | refund                                       |
 * |-----------------|----------------------------------------------|
 * | flexible        | d ≥ 1 → 100 %, else 0 %                      |
 * | moderate        | d ≥ 5 → 100 %, else 50 %                     |
 * | strict          | d ≥ 14 → 100 %, 7 ≤ d < 14 → 50 %, else 0 %  |
 * | non_refundable  | 0 %                                          |
 * Any policy: cancelled within 24 h of booking and d ≥ 7 → 100 %; cancelled by host or staff → 100 %.
 * Percentages apply to the total and round down to the minor unit.
 */
export type CancellationPolicy = 'flexible' | 'moderate' | 'strict' | 'non_refundable'
export type CancelledBy = 'guest' | 'host' | 'staff'

const HOUR = 3_600_000

export function refundPercent(policy: CancellationPolicy, daysBefore: number): number {
  switch (policy) {
    case 'flexible':
      return daysBefore >= 1 ? 100 : 0
    case 'moderate':
      return daysBefore >= 5 ? 100 : 50
    case 'strict':
      return daysBefore >= 14 ? 100 : daysBefore >= 7 ? 50 : 0
    case 'non_refundable':
      return 0
  }
}

export function refundAmount(args: {
  policy: CancellationPolicy
  total: number
  checkIn: string
  bookedAt: Date
  cancelledAt: Date
  cancelledBy: CancelledBy
}): { amount: number; percent: number; daysBefore: number } {
  const daysBefore = dayNumber(args.checkIn)! - dayNumber(utcDate(args.cancelledAt))!
  let percent = refundPercent(args.policy, daysBefore)
  const grace = args.cancelledAt.getTime() - args.bookedAt.getTime() <= 24 * HOUR && daysBefore >= 7
  if (grace || args.cancelledBy !== 'guest') percent = 100
  return { amount: Math.floor((args.total * percent) / 100), percent, daysBefore }
}
