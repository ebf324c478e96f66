import type { DefaultServerCellComponentProps } from 'payload'

import { formatMoney, isCurrency } from '@/domain/money'

/**
 * List views: "€120.00" instead of the stored 12000 minor units. The currency is the row's own
 * (`currency` on payments, `pricing.currency` on listings, `quote.currency` on bookings).
 */
export function MoneyCell({ cellData, rowData }: DefaultServerCellComponentProps) {
  if (typeof cellData !== 'number') return null
  const row = rowData as { currency?: unknown; pricing?: { currency?: unknown }; quote?: { currency?: unknown } } | undefined
  const currency = row?.currency ?? row?.pricing?.currency ?? row?.quote?.currency
  return <span>{isCurrency(currency) ? formatMoney(cellData, currency) : cellData}</span>
}
