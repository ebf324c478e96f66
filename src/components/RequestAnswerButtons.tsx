'use client'

import { Button, toast } from '@payloadcms/ui'
import { useRouter } from 'next/navigation'
import { useState } from 'react'

/** Accept / Decline a booking request in place (the host's dashboard): the same endpoints as the API. */
export function RequestAnswerButtons({ bookingId, label }: { bookingId: number; label: string }) {
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  const answer = async (verb: 'accept' | 'decline') => {
    setBusy(true)
    setProblem(null)
    try {
      const res = await fetch(`/api/bookings/${bookingId}/${verb}`, { method: 'POST', credentials: 'include' })
      const body = (await res.json().catch(() => ({}))) as { message?: string; errors?: { message?: string }[] }
      if (!res.ok) {
        setProblem(body.errors?.[0]?.message ?? `The server answered ${res.status}.`)
        return
      }
      toast.success(body.message ?? (verb === 'accept' ? 'Booking accepted.' : 'Booking declined.'))
      router.refresh()
    } catch {
      setProblem('The server could not be reached; try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8 }}>
      <Button
        buttonStyle="primary"
        size="small"
        margin={false}
        disabled={busy}
        aria-label={`Accept ${label}`}
        onClick={() => void answer('accept')}
      >
        Accept
      </Button>
      <Button
        buttonStyle="secondary"
        size="small"
        margin={false}
        disabled={busy}
        aria-label={`Decline ${label}`}
        onClick={() => void answer('decline')}
      >
        Decline
      </Button>
      {problem && (
        <span role="alert" style={{ color: 'var(--theme-error-500)' }}>
          {problem}
        </span>
      )}
    </div>
  )
}
