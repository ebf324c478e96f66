'use client'

import { Button, toast, useAuth, useDocumentInfo } from '@payloadcms/ui'
import { useCallback, useEffect, useState } from 'react'

import { availableActions, partyOf } from '@/domain/bookingActions'
import { describeMoney } from '@/domain/money'
import { actionCall } from './actionCall'
import { ReasonField } from './ReasonField'

/**
 * At the top of a booking's sidebar: what the viewer may do with it now — Accept / Decline (the
 * listing's host, on a request), Cancel (the host or staff; guests never reach the panel) — through the
 * same endpoints as the API, showing their errors. Cancel first shows what the policy refunds
 * (GET …/cancellation-preview) and asks for a reason; nothing changes until it is confirmed.
 */
type BookingState = { id: number; status: string; guest: unknown; host: unknown }
type Preview = { refundAmount: number; currency: string; policy: string; rule: string }
export function BookingActions() {
  const { id } = useDocumentInfo()
  const { user } = useAuth()
  const [booking, setBooking] = useState<BookingState | null>(null)
  const [busy, setBusy] = useState(false)
  const [preview, setPreview] = useState<Preview | null>(null)
  const [reason, setReason] = useState('')
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    if (!id) return
    void actionCall<BookingState>(`/api/bookings/${id}?depth=0`).then((r) => (r.ok ? setBooking(r.body) : setProblem(r.message)))
  }, [id])

  const act = useCallback(
    async (verb: 'accept' | 'decline' | 'cancel', done: string) => {
      setBusy(true)
      setProblem(null)
      const body = verb === 'cancel' ? (reason.trim() ? { reason: reason.trim() } : {}) : undefined
      const result = await actionCall(`/api/bookings/${id}/${verb}`, { method: 'POST', body })
      if (!result.ok) {
        setBusy(false)
        setProblem(result.message)
        toast.error(result.message)
        return
      }
      toast.success(result.body.message ?? done)
      // The whole document view shows the new state: status, hold, refund.
      window.location.reload()
    },
    [id, reason],
  )

  const askCancel = useCallback(async () => {
    setBusy(true)
    setProblem(null)
    const result = await actionCall<Preview>(`/api/bookings/${id}/cancellation-preview`)
    setBusy(false)
    if (result.ok) setPreview(result.body)
    else setProblem(result.message)
  }, [id])

  if (!booking || !user) return problem ? <p className="booking-actions__problem">{problem}</p> : null
  const can = availableActions(partyOf(user, booking), booking.status)
  if (!can.accept && !can.decline && !can.cancel) return null

  return (
    <section className="booking-actions" aria-label="Booking actions" style={{ marginBottom: 'var(--base)' }}>
      {!preview && (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
          {can.accept && (
            <Button
              buttonStyle="primary"
              size="medium"
              margin={false}
              disabled={busy}
              onClick={() => void act('accept', 'Booking accepted.')}
            >
              Accept
            </Button>
          )}
          {can.decline && (
            <Button
              buttonStyle="secondary"
              size="medium"
              margin={false}
              disabled={busy}
              onClick={() => void act('decline', 'Booking declined.')}
            >
              Decline
            </Button>
          )}
          {can.cancel && (
            <Button buttonStyle="secondary" size="medium" margin={false} disabled={busy} onClick={() => void askCancel()}>
              Cancel booking…
            </Button>
          )}
        </div>
      )}
      {preview && (
        <div
          role="dialog"
          aria-label="Cancel this booking"
          style={{ border: '1px solid var(--theme-elevation-150)', borderRadius: 4, padding: 'calc(var(--base) * 0.75)' }}
        >
          <p style={{ margin: 0, fontWeight: 600 }}>
            Refund to the guest:{' '}
            <span className="booking-actions__refund">{describeMoney(preview.refundAmount, preview.currency || 'EUR')}</span>
          </p>
          <p className="booking-actions__rule" style={{ margin: '4px 0 12px', color: 'var(--theme-elevation-600)' }}>
            {preview.rule}
          </p>
          <ReasonField id="booking-cancel-reason" label="Reason (the guest sees it)" value={reason} onChange={setReason} />
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
            <Button
              buttonStyle="primary"
              size="medium"
              margin={false}
              disabled={busy}
              onClick={() => void act('cancel', 'Booking cancelled.')}
            >
              Cancel the booking
            </Button>
            <Button buttonStyle="secondary" size="medium" margin={false} disabled={busy} onClick={() => setPreview(null)}>
              Keep it
            </Button>
          </div>
        </div>
      )}
      {problem && (
        <p className="booking-actions__problem" role="alert" style={{ color: 'var(--theme-error-500)', marginTop: 8 }}>
          {problem}
        </p>
      )}
    </section>
  )
}
