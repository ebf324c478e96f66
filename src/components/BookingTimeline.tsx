'use client'

import { useConfig, useDocumentInfo } from '@payloadcms/ui'
import { useEffect, useState } from 'react'

import { type HistoryEntry, type TimelineStep, describeActor, formatUtcTime, timelineSteps } from '@/domain/bookingHistory'
import { humanize } from '@/domain/listing'
import { formatMoney, isCurrency } from '@/domain/money'
import { actionCall } from './actionCall'

/**
 * The booking's status as a timeline — requested → awaiting payment → confirmed → completed, or
 * declined / expired / cancelled — with when (UTC) and by whom each step happened, from its stored
 * `history` (src/domain/bookingHistory.ts); then its payment with the refunds. Read from the API with
 * the viewer's own access, like the rest of the page: who acted is a name only where the viewer may
 * read it (staff read which staff member; a host reads "Staybase staff").
 */
type Person = { name?: string | null } | number | null | undefined
type Entry = Omit<HistoryEntry, 'by'> & { by?: Person }
type BookingRead = { status?: string | null; guest?: Person; host?: Person; history?: Entry[] | null }
type Refund = { id?: string; stripeRefundId: string; amount: number; status?: string | null; createdAt?: string | null }
type Payment = {
  id: number
  amount: number
  currency: string
  amountRefunded?: number | null
  status: string
  stripePaymentIntentId: string
  createdAt: string
  refunds?: Refund[] | null
}

const nameOf = (person: Person) => (person && typeof person === 'object' ? person.name || null : null)
const money = (amount: number, currency: string) => (isCurrency(currency) ? formatMoney(amount, currency) : `${amount} ${currency}`)
const BAD_ENDS = new Set(['declined', 'expired', 'cancelled'])

function dotColour(step: TimelineStep): string {
  if (step.state === 'upcoming') return 'var(--theme-elevation-150)'
  if (BAD_ENDS.has(step.status)) return 'var(--theme-error-500)'
  return 'var(--theme-success-500)'
}

const muted = { color: 'var(--theme-elevation-500)' }

export function BookingTimeline() {
  const { id } = useDocumentInfo()
  const { config } = useConfig()
  const [booking, setBooking] = useState<BookingRead | null>(null)
  const [payments, setPayments] = useState<Payment[]>([])
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    if (!id) return
    void actionCall<BookingRead>(`/api/bookings/${id}?depth=1`).then((r) => (r.ok ? setBooking(r.body) : setProblem(r.message)))
    void actionCall<{ docs: Payment[] }>(`/api/payments?where[booking][equals]=${id}&depth=0&sort=createdAt&limit=20`).then((r) => {
      if (r.ok) setPayments(r.body.docs)
    })
  }, [id])

  if (problem) return <p style={{ color: 'var(--theme-error-500)' }}>{problem}</p>
  if (!booking) return null
  // `by` comes populated (depth 1) for staff, and not at all for anyone else.
  const byNames = new Map<HistoryEntry, string | null>()
  const entries = (booking.history ?? []).map(({ by, ...rest }) => {
    const entry: HistoryEntry = rest
    byNames.set(entry, nameOf(by))
    return entry
  })
  const steps = timelineSteps(booking.status, entries)
  const names = { guest: nameOf(booking.guest), host: nameOf(booking.host) }
  const byName = (step: TimelineStep) => (step.entry ? (byNames.get(step.entry) ?? null) : null)
  const admin = config.routes.admin === '/' ? '' : config.routes.admin

  return (
    <section className="booking-timeline" aria-label="Status" style={{ marginBottom: 'calc(var(--base) * 1.5)' }}>
      <h3 style={{ margin: '0 0 calc(var(--base) / 2)' }}>Status</h3>
      <ol style={{ listStyle: 'none', margin: 0, padding: 0, maxWidth: 640 }}>
        {steps.map((step, i) => (
          <li
            key={step.status}
            data-status={step.status}
            data-state={step.state}
            style={{ display: 'grid', gridTemplateColumns: '20px 1fr', columnGap: 12, position: 'relative', paddingBottom: 14 }}
          >
            {i < steps.length - 1 && (
              <span
                aria-hidden
                style={{ position: 'absolute', left: 5, top: 16, bottom: 0, width: 2, background: 'var(--theme-elevation-150)' }}
              />
            )}
            <span
              aria-hidden
              style={{
                width: 12,
                height: 12,
                marginTop: 4,
                borderRadius: '50%',
                background: step.state === 'upcoming' ? 'var(--theme-elevation-0)' : dotColour(step),
                border: `2px solid ${dotColour(step)}`,
                boxSizing: 'border-box',
                zIndex: 1,
              }}
            />
            <div>
              <div style={{ fontWeight: step.state === 'current' ? 600 : 400, ...(step.state === 'upcoming' ? muted : {}) }}>
                {step.label}
              </div>
              {step.state !== 'upcoming' && (
                <div style={{ ...muted, fontSize: '0.9em' }}>
                  {step.entry
                    ? `${formatUtcTime(step.entry.at) ?? 'Time not recorded'} · ${describeActor(step.entry, { ...names, by: byName(step) })}`
                    : 'Time and person not recorded'}
                </div>
              )}
              {step.entry?.note && <div style={{ fontSize: '0.9em', fontStyle: 'italic' }}>{step.entry.note}</div>}
            </div>
          </li>
        ))}
      </ol>

      {payments.length > 0 && (
        <>
          <h4 style={{ margin: 'var(--base) 0 calc(var(--base) / 2)' }}>{payments.length === 1 ? 'Payment' : 'Payments'}</h4>
          <ul className="booking-timeline__payments" style={{ listStyle: 'none', margin: 0, padding: 0, maxWidth: 640 }}>
            {payments.map((payment) => (
              <li key={payment.id} style={{ marginBottom: 'calc(var(--base) / 2)' }}>
                <div>
                  <a href={`${admin}/collections/payments/${payment.id}`}>{money(payment.amount, payment.currency)}</a>
                  {` · ${humanize(payment.status)}`}
                  {payment.amountRefunded ? ` · ${money(payment.amountRefunded, payment.currency)} refunded` : ''}
                </div>
                <div style={{ ...muted, fontSize: '0.9em' }}>
                  {formatUtcTime(payment.createdAt)} · {payment.stripePaymentIntentId}
                </div>
                {(payment.refunds ?? []).length > 0 && (
                  <ul
                    style={{
                      listStyle: 'none',
                      margin: '4px 0 0',
                      padding: '0 0 0 16px',
                      borderLeft: '2px solid var(--theme-elevation-150)',
                    }}
                  >
                    {(payment.refunds ?? []).map((refund) => (
                      <li key={refund.stripeRefundId} style={{ fontSize: '0.9em' }}>
                        Refund {money(refund.amount, payment.currency)}
                        {refund.status ? ` · ${humanize(refund.status)}` : ''}
                        {refund.createdAt ? <span style={muted}> · {formatUtcTime(refund.createdAt)}</span> : null}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
