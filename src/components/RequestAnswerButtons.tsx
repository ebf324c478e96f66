'use client'

import { Button, toast } from '@payloadcms/ui'
import { useRouter } from 'next/navigation'
import { useState } from 'react'

import { actionCall } from './actionCall'

/** Accept / Decline a booking request in place (the host's dashboard): the same endpoints as the API. */
export function RequestAnswerButtons({ bookingId, label }: { bookingId: number; label: string }) {
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  const answer = async (verb: 'accept' | 'decline') => {
    setBusy(true)
    setProblem(null)
    const result = await actionCall(`/api/bookings/${bookingId}/${verb}`, { method: 'POST' })
    setBusy(false)
    if (!result.ok) {
      setProblem(result.message)
      return
    }
    toast.success(result.body.message ?? (verb === 'accept' ? 'Booking accepted.' : 'Booking declined.'))
    router.refresh()
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
