import type { Currency } from './money'
import { nightsOf, weekday } from './stayDates'

/**
 * What a stay costs. Every amount is an integer in the currency's minor unit; each line that involves
 * a percentage is rounded half-up once, and the total is the plain sum of the lines.
 */
export type ListingPricing = {
  currency: Currency
  nightlyRate: number
  weekendRate?: number | null
  cleaningFee?: number | null
  weeklyDiscountPercent?: number | null
  monthlyDiscountPercent?: number | null
  taxPercent?: number | null
}

export type Night = { date: string; rate: number; weekend: boolean }

export type Quote = {
  currency: Currency
  nights: number
  perNight: Night[]
  nightlySubtotal: number
  discount: number
  cleaningFee: number
  serviceFee: number
  taxes: number
  total: number
}

/** Half-up rounding of amount × percent / 100, exact for the two-decimal percents we store. */
export function percentOf(amount: number, percent: number): number {
  // Scale to integers first so 0.1 + 0.2 style float error never decides a rounding.
  const scaled = amount * Math.round(percent * 1000)
  return Math.floor((scaled + 50_000) / 100_000)
}

export const MONTHLY_NIGHTS = 28
export const WEEKLY_NIGHTS = 7

/**
 * The most one stay may cost, in minor units: Stripe takes at most eight digits per payment
 * (99,999,999), and the API's money is a 32-bit Int on GraphQL. A longer or dearer stay is refused
 * before anything is held.
 */
export const MAX_STAY_TOTAL = 99_999_999

/** Why this quote cannot be booked, or null. */
export function totalProblem(quote: Pick<Quote, 'total'>): { field: 'checkOut'; message: string } | null {
  if (quote.total <= MAX_STAY_TOTAL) return null
  return {
    field: 'checkOut',
    message: `This stay would cost more than one payment can take (${MAX_STAY_TOTAL} in minor units): book fewer nights.`,
  }
}

/** Friday and Saturday nights are weekend nights. */
export const isWeekendNight = (date: string): boolean => [5, 6].includes(weekday(date))

/** What one night costs: a weekend night at the weekend rate when there is one. */
export function priceOfNight(pricing: Pick<ListingPricing, 'nightlyRate' | 'weekendRate'>, date: string): Night {
  const weekend = isWeekendNight(date)
  return { date, rate: weekend && pricing.weekendRate ? pricing.weekendRate : pricing.nightlyRate, weekend }
}

export function quoteStay(pricing: ListingPricing, checkIn: string, checkOut: string, serviceFeePercent: number): Quote {
  const perNight = nightsOf(checkIn, checkOut).map((date) => priceOfNight(pricing, date))
  const nights = perNight.length
  const nightlySubtotal = perNight.reduce((sum, n) => sum + n.rate, 0)
  const discountPercent =
    nights >= MONTHLY_NIGHTS ? (pricing.monthlyDiscountPercent ?? 0) : nights >= WEEKLY_NIGHTS ? (pricing.weeklyDiscountPercent ?? 0) : 0
  const discount = percentOf(nightlySubtotal, discountPercent)
  const cleaningFee = pricing.cleaningFee ?? 0
  const base = nightlySubtotal - discount + cleaningFee
  const serviceFee = percentOf(base, serviceFeePercent)
  const taxes = percentOf(base, pricing.taxPercent ?? 0)
  return {
    currency: pricing.currency,
    nights,
    perNight,
    nightlySubtotal,
    discount,
    cleaningFee,
    serviceFee,
    taxes,
    total: base + serviceFee + taxes,
  }
}
