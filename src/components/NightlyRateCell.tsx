import type { DefaultServerCellComponentProps } from 'payload'

import { formatMoney, isCurrency } from '../domain/money'

/** List view: "€120.00" instead of the stored 12000 minor units. */
export function NightlyRateCell({ cellData, rowData }: DefaultServerCellComponentProps) {
  if (typeof cellData !== 'number') return null
  const currency = (rowData as { pricing?: { currency?: unknown } } | undefined)?.pricing?.currency
  return <span>{isCurrency(currency) ? formatMoney(cellData, currency) : cellData}</span>
}
