/**
 * Money is an integer amount in the currency's minor unit (cents, pence, rappen; yen have none) plus an
 * ISO 4217 code. The list is the currencies listings can be priced in.
 */
export const CURRENCIES = {
  EUR: { minorUnits: 2, symbol: '€' },
  USD: { minorUnits: 2, symbol: '$' },
  GBP: { minorUnits: 2, symbol: '£' },
  CHF: { minorUnits: 2, symbol: 'CHF ' },
  JPY: { minorUnits: 0, symbol: '¥' },
  CAD: { minorUnits: 2, symbol: 'CA$' },
  AUD: { minorUnits: 2, symbol: 'A$' },
  SEK: { minorUnits: 2, symbol: 'SEK ' },
} as const

export type Currency = keyof typeof CURRENCIES
export const CURRENCY_CODES = Object.keys(CURRENCIES) as Currency[]

export const isCurrency = (value: unknown): value is Currency => typeof value === 'string' && Object.hasOwn(CURRENCIES, value)

/** For people, not for arithmetic: 12050 EUR → "€120.50", 15000 JPY → "¥15,000". */
export function formatMoney(amountMinor: number, currency: Currency): string {
  const { minorUnits, symbol } = CURRENCIES[currency]
  const major = amountMinor / 10 ** minorUnits
  return `${symbol}${major.toLocaleString('en-US', { minimumFractionDigits: minorUnits, maximumFractionDigits: minorUnits })}`
}

/** For reports and notes about amounts from outside (Stripe): formatted when we know the currency. */
export function describeMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase()
  return isCurrency(code) ? formatMoney(amountMinor, code) : `${amountMinor} ${code} (minor units)`
}
