'use client'

import { Button, toast } from '@payloadcms/ui'
import { useRouter } from 'next/navigation'
import { useState } from 'react'

/**
 * Above the reconciliation reports list: staff start a run now instead of waiting for the schedule.
 * The worker does the work; the list refreshes while the new report is running.
 */
export function RunReconciliationButton() {
  const router = useRouter()
  const [busy, setBusy] = useState(false)

  const run = async () => {
    setBusy(true)
    try {
      const res = await fetch('/api/reconciliation/run', { method: 'POST', credentials: 'include' })
      const body = (await res.json().catch(() => ({}))) as { message?: string; errors?: { message?: string }[] }
      if (!res.ok) {
        toast.error(body.errors?.[0]?.message ?? `Could not start the reconciliation (${res.status}).`)
        return
      }
      toast.success(body.message ?? 'Reconciliation started.')
      // Show the new report as it appears and again once it has had time to finish.
      for (const delay of [1_500, 5_000, 12_000]) setTimeout(() => router.refresh(), delay)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 16, marginBottom: 16 }}>
      <Button buttonStyle="primary" size="medium" disabled={busy} onClick={() => void run()} margin={false}>
        {busy ? 'Starting…' : 'Run reconciliation now'}
      </Button>
      <span style={{ color: 'var(--theme-elevation-500)' }}>
        Compares our payments with Stripe and fixes missed webhooks; runs on its own every few minutes.
      </span>
    </div>
  )
}
