'use client'

import { useDocumentInfo } from '@payloadcms/ui'
import { useEffect, useState } from 'react'

import { isCurrency } from '@/domain/money'
import { type QuoteFacts, type ReceiptLine, receiptLines } from '@/domain/receipt'

/**
 * The booking's quote as a receipt in its currency (src/domain/receipt.ts), where the form would show
 * the stored integers and one accordion item per night. Read from the API like the rest of the page.
 */
export function BookingReceipt() {
  const { id } = useDocumentInfo()
  const [lines, setLines] = useState<ReceiptLine[] | null>(null)

  useEffect(() => {
    if (!id) return
    void fetch(`/api/bookings/${id}?depth=0`, { credentials: 'include' })
      .then((res) => (res.ok ? (res.json() as Promise<{ quote?: Partial<QuoteFacts> & { currency?: unknown } }>) : null))
      .then((doc) => {
        const quote = doc?.quote
        if (quote && isCurrency(quote.currency) && typeof quote.total === 'number') {
          setLines(receiptLines({ ...quote, currency: quote.currency, nightlySubtotal: quote.nightlySubtotal ?? 0, total: quote.total }))
        }
      })
      .catch(() => setLines(null))
  }, [id])

  if (!lines) return null
  return (
    <section aria-label="Price" style={{ marginBottom: 'calc(var(--base) * 1.5)' }}>
      <h3 style={{ margin: '0 0 calc(var(--base) / 2)' }}>Price</h3>
      <table className="booking-receipt" style={{ width: '100%', maxWidth: 480, borderCollapse: 'collapse' }}>
        <tbody>
          {lines.map((line) => (
            <tr
              key={line.label}
              style={line.kind === 'total' ? { borderTop: '1px solid var(--theme-elevation-200)', fontWeight: 600 } : undefined}
            >
              <th scope="row" style={{ textAlign: 'left', fontWeight: 'inherit', padding: '6px 0' }}>
                {line.label}
              </th>
              <td style={{ textAlign: 'right', padding: '6px 0', fontVariantNumeric: 'tabular-nums' }}>{line.amount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
