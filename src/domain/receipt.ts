import { type Currency, formatMoney } from './money'

/**
 * A booking's quote as a receipt: the nights grouped by rate ("2 nights × €180.00"), then discount,
 * cleaning fee, service fee, taxes and the total, in the booking's currency. Pure; the admin panel
 * shows it on the booking instead of the stored integers.
 */
export type QuoteFacts = {
  currency: Currency
  nightlySubtotal: number
  discount?: number | null
  cleaningFee?: number | null
  serviceFee?: number | null
  taxes?: number | null
  total: number
  perNight?: readonly { date?: string | null; rate?: number | null; weekend?: boolean | null }[] | null
}

export type ReceiptLine = { label: string; amount: string; kind: 'nights' | 'discount' | 'fee' | 'total' }

const nights = (n: number) => `${n} night${n === 1 ? '' : 's'}`

export function receiptLines(quote: QuoteFacts): ReceiptLine[] {
  const money = (amount: number) => formatMoney(amount, quote.currency)
  // Grouped by rate, in the order the rates first occur; a weekend rate is its own line.
  const counts = new Map<number, number>()
  for (const night of quote.perNight ?? []) counts.set(night.rate ?? 0, (counts.get(night.rate ?? 0) ?? 0) + 1)
  const lines: ReceiptLine[] = [...counts].map(([rate, count]) => ({
    label: `${nights(count)} × ${money(rate)}`,
    amount: money(rate * count),
    kind: 'nights',
  }))
  // Without nightly rows (an old booking), the subtotal stands alone.
  if (lines.length === 0) lines.push({ label: 'Nights', amount: money(quote.nightlySubtotal), kind: 'nights' })
  if (quote.discount) lines.push({ label: 'Discount', amount: `−${money(quote.discount)}`, kind: 'discount' })
  if (quote.cleaningFee) lines.push({ label: 'Cleaning fee', amount: money(quote.cleaningFee), kind: 'fee' })
  if (quote.serviceFee) lines.push({ label: 'Service fee', amount: money(quote.serviceFee), kind: 'fee' })
  if (quote.taxes) lines.push({ label: 'Taxes', amount: money(quote.taxes), kind: 'fee' })
  lines.push({ label: 'Total', amount: money(quote.total), kind: 'total' })
  return lines
}
