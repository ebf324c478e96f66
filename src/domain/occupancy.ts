import { monthOf, monthRange, nightsInMonth, shiftMonth } from './calendar'
import { type Currency, isCurrency } from './money'
import { nightsOf } from './stayDates'

/**
 * A host's month in figures: how full each listing is and what it earned.
 *
 * - Occupancy = booked nights ÷ (nights in the month − blocked nights). A listing blocked the whole
 *   month has nothing to fill: its occupancy is null (shown as "—"), never a division by zero.
 * - Earnings are the host's share of a stay: nightly subtotal − discount + cleaning fee (the service fee
 *   and taxes are not the host's), less the host's part of what was refunded to the guest, never below
 *   zero. A refund is of the whole payment (fees and taxes included), so the host's part of it is in
 *   proportion to their share of the total: refunding half the total takes half the host's share.
 *   `refunded` is what the payment records as refunded (a refund made at Stripe on a confirmed stay, a
 *   lost dispute), or the booking's refundAmount.
 * - Each night counts in the month it falls in (the night of 31 Jan is January's, whatever the
 *   check-out), and so does its part of the share: the share is spread over the stay's nights in
 *   proportion to their nightly rates (quote.perNight), so a weekend night carries more than a weeknight
 *   and the cleaning fee and discount follow the nights. The split is exact in minor units by largest
 *   remainder: each night gets the floor of its exact part, and the units left over go one each to the
 *   nights with the largest remainders (the earlier night on a tie), so the parts always add up to the
 *   share. Without usable rates (none stored, or they do not match the stay's nights) every night
 *   weighs the same.
 * - Only confirmed and completed stays count; requests, holds, declined, expired and cancelled ones do not.
 * - Blocks are half-open [startDate, endDate) like stays, clipped to the month; a night blocked twice
 *   counts once.
 *
 * All dates are calendar dates `YYYY-MM-DD`; months are `YYYY-MM`.
 */
export const EARNING_STATUSES = ['confirmed', 'completed'] as const

export type OccupancyStay = {
  listing: number
  status: string
  checkIn: string
  checkOut: string
  quote?: {
    currency?: string | null
    nightlySubtotal?: number | null
    discount?: number | null
    cleaningFee?: number | null
    total?: number | null
    perNight?: { date?: string | null; rate?: number | null }[] | null
  } | null
  /** Minor units refunded to the guest, of the quote's total. */
  refunded?: number | null
}

export type OccupancyBlock = { listing: number; startDate: string; endDate: string }

export type OccupancyListing = { id: number; title: string; currency: Currency }

export type MonthFigures = {
  month: string
  nights: number
  booked: number
  blocked: number
  /** booked ÷ (nights − blocked), or null when every night of the month is blocked. */
  occupancy: number | null
  /** Host's share earned in the month, per currency (minor units). */
  earnings: Partial<Record<Currency, number>>
}

export type ListingFigures = { listing: OccupancyListing; months: MonthFigures[] }

/** Per currency: the listings priced in it, added up (occupancy over their nights), and its earnings. */
export type CurrencyTotal = { currency: Currency; months: MonthFigures[] }

export type OccupancyReport = { months: string[]; listings: ListingFigures[]; totals: CurrencyTotal[] }

/** The host's share of a stay before it is spread over nights; 0 when it has no quote. */
export function hostShare(stay: OccupancyStay): number {
  const q = stay.quote
  if (!q) return 0
  const share = (q.nightlySubtotal ?? 0) - (q.discount ?? 0) + (q.cleaningFee ?? 0)
  const refunded = Math.max(0, stay.refunded ?? 0)
  const total = q.total ?? 0
  // The host's part of the refund, rounded half up; without a total to divide, all of it.
  const hostsPart = total > 0 ? Math.min(share, Math.floor((refunded * share * 2 + total) / (2 * total))) : refunded
  return Math.max(0, share - hostsPart)
}

/**
 * `total` split in proportion to `weights`, in integers that add up to `total` (largest remainder;
 * ties to the earlier part). BigInt, because total × weight can pass 2^53 for the dearest stays.
 * Weights that are all zero (or none usable) count as equal.
 */
export function allocate(total: number, weights: number[]): number[] {
  if (weights.length === 0) return []
  const usable = weights.every((w) => Number.isSafeInteger(w) && w >= 0) && weights.some((w) => w > 0)
  const ws = (usable ? weights : weights.map(() => 1)).map(BigInt)
  const sum = ws.reduce((a, b) => a + b, 0n)
  const t = BigInt(total)
  const parts = ws.map((w) => (t * w) / sum)
  const remainders = ws.map((w, i) => ({ i, r: (t * w) % sum }))
  let left = Number(t - parts.reduce((a, b) => a + b, 0n))
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
  for (const { i } of remainders) {
    if (left <= 0) break
    parts[i]! += 1n
    left--
  }
  return parts.map(Number)
}

/** Each night of a stay with its part of the host's share. */
export function nightlyShares(stay: OccupancyStay): { date: string; amount: number }[] {
  const nights = nightsOf(stay.checkIn, stay.checkOut)
  const perNight = stay.quote?.perNight ?? []
  const rates =
    perNight.length === nights.length && perNight.every((n, i) => n.date === nights[i] && typeof n.rate === 'number')
      ? perNight.map((n) => n.rate as number)
      : nights.map(() => 1)
  const amounts = allocate(hostShare(stay), rates)
  return nights.map((date, i) => ({ date, amount: amounts[i]! }))
}

/** The nights of a half-open range that fall in [start, end). */
function clippedNights(from: string, to: string, start: string, end: string): string[] {
  const a = from > start ? from : start
  const b = to < end ? to : end
  return a < b ? nightsOf(a, b) : []
}

const isEarning = (status: string) => (EARNING_STATUSES as readonly string[]).includes(status)

/**
 * The figures of `listings` for `months` (consecutive or not), from their stays and blocks. Stays and
 * blocks of other listings are ignored; so are stays in a status that earns nothing.
 */
export function occupancyReport(input: {
  months: string[]
  listings: OccupancyListing[]
  stays: OccupancyStay[]
  blocks: OccupancyBlock[]
}): OccupancyReport {
  const { months, listings } = input
  const blank = (month: string): MonthFigures => ({
    month,
    nights: nightsInMonth(month),
    booked: 0,
    blocked: 0,
    occupancy: null,
    earnings: {},
  })
  const figures = new Map(listings.map((l) => [l.id, new Map(months.map((m) => [m, blank(m)]))]))

  const blocked = new Map<number, Set<string>>()
  for (const block of input.blocks) {
    if (!figures.has(block.listing)) continue
    const set = blocked.get(block.listing) ?? new Set<string>()
    for (const month of months) {
      const { start, end } = monthRange(month)
      for (const night of clippedNights(block.startDate, block.endDate, start, end)) set.add(night)
    }
    blocked.set(block.listing, set)
  }
  for (const [listing, nights] of blocked)
    for (const night of nights) {
      const f = figures.get(listing)!.get(monthOf(night))
      if (f) f.blocked++
    }

  for (const stay of input.stays) {
    const byMonth = figures.get(stay.listing)
    if (!byMonth || !isEarning(stay.status)) continue
    const currency = stay.quote?.currency
    for (const { date, amount } of nightlyShares(stay)) {
      const f = byMonth.get(monthOf(date))
      if (!f) continue
      f.booked++
      if (isCurrency(currency)) f.earnings[currency] = (f.earnings[currency] ?? 0) + amount
    }
  }

  const rate = (f: MonthFigures) => (f.nights - f.blocked > 0 ? f.booked / (f.nights - f.blocked) : null)
  const rows: ListingFigures[] = listings.map((listing) => ({
    listing,
    months: months.map((m) => {
      const f = figures.get(listing.id)!.get(m)!
      return { ...f, occupancy: rate(f) }
    }),
  }))

  // A currency's total: occupancy over the listings priced in it, earnings of every stay paid in it
  // (a listing that changed currency keeps its older stays' earnings in theirs).
  const currencies = new Set<Currency>(listings.map((l) => l.currency))
  for (const row of rows) for (const f of row.months) for (const c of Object.keys(f.earnings) as Currency[]) currencies.add(c)
  const totals: CurrencyTotal[] = [...currencies].sort().map((currency) => ({
    currency,
    months: months.map((month, i) => {
      const sum = { ...blank(month), nights: 0 }
      for (const row of rows) {
        const f = row.months[i]!
        if (row.listing.currency === currency) {
          sum.nights += f.nights
          sum.blocked += f.blocked
          sum.booked += f.booked
        }
        const earned = f.earnings[currency]
        if (earned !== undefined) sum.earnings[currency] = (sum.earnings[currency] ?? 0) + earned
      }
      return { ...sum, occupancy: rate(sum) }
    }),
  }))
  return { months, listings: rows, totals }
}

/** "This month and next" of a day: its month and the one after, and the dates both span. */
export function twoMonthsFrom(today: string): { months: [string, string]; start: string; end: string } {
  const first = monthOf(today)
  const second = shiftMonth(first, 1)
  return { months: [first, second], start: monthRange(first).start, end: monthRange(second).end }
}

/** Occupancy as people read it: "67%", or "—" when nothing could be booked. */
export const formatOccupancy = (occupancy: number | null): string => (occupancy === null ? '—' : `${Math.round(occupancy * 100)}%`)
