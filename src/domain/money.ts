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

/** Where space is short (a calendar's night): whole amounts without their zero cents, 16000 EUR → "€160", 16050 → "€160.50". */
export function formatMoneyShort(amountMinor: number, currency: Currency): string {
  const { minorUnits, symbol } = CURRENCIES[currency]
  if (amountMinor % 10 ** minorUnits !== 0) return formatMoney(amountMinor, currency)
  return `${symbol}${(amountMinor / 10 ** minorUnits).toLocaleString('en-US', { maximumFractionDigits: 0 })}`
}

/** For reports and notes about amounts from outside (Stripe): formatted when we know the currency. */
export function describeMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase()
  return isCurrency(code) ? formatMoney(amountMinor, code) : `${amountMinor} ${code} (minor units)`
}

/** An amount as a person types it in the currency's major unit: 16000 EUR → "160.00", 12000 JPY → "12000". */
export function toMajorText(amountMinor: number, currency: Currency): string {
  const { minorUnits } = CURRENCIES[currency]
  const sign = amountMinor < 0 ? '-' : ''
  const digits = String(Math.abs(amountMinor)).padStart(minorUnits + 1, '0')
  if (minorUnits === 0) return `${sign}${digits}`
  return `${sign}${digits.slice(0, -minorUnits)}.${digits.slice(-minorUnits)}`
}

/**
 * What a person typed in the currency's major unit, as integer minor units, or null when it is not an
 * amount: "160", "160.5", "1,600.00", "€160", "¥12,000" are; more decimals than the currency has
 * (other than zeros: "160.00" is ¥160), three decimals or more ("1.600" is 1600 in much of Europe),
 * signs, exponents and other text are not. Digits only, no
 * floating point: "0.29" is 29 cents, never 28.999….
 */
export function parseMajorUnits(text: string, currency: Currency): number | null {
  const { minorUnits, symbol } = CURRENCIES[currency]
  let t = text.trim()
  for (const prefix of [symbol.trim(), currency]) if (t.startsWith(prefix)) t = t.slice(prefix.length).trim()
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/.exec(t)
  if (!match || (match[1] === undefined && !match[2])) return null
  const whole = (match[1] ?? '0').replace(/,/g, '')
  let fraction = match[2] ?? ''
  // Three decimals or more is a thousands separator in much of Europe ("1.600" = 1600): ambiguous, refused.
  if (fraction.length > Math.max(minorUnits, 2)) return null
  if (fraction.length > minorUnits) {
    if (!/^0*$/.test(fraction.slice(minorUnits))) return null
    fraction = fraction.slice(0, minorUnits)
  }
  const minor = Number(whole) * 10 ** minorUnits + Number(fraction.padEnd(minorUnits, '0') || '0')
  return Number.isSafeInteger(minor) ? minor : null
}
