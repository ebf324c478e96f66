'use client'

import { Button, toast, useAuth, useDocumentInfo } from '@payloadcms/ui'
import { useCallback, useEffect, useState } from 'react'

import { isOnModerationHold } from '@/domain/moderation'
import { isStaffUser } from '@/domain/roles'

/**
 * Staff moderation where staff look at the thing: on a listing, **Unpublish…** (with the reason the
 * host sees) or **Reinstate**; on a review, **Hide…** (with a reason) or **Unhide**. They call the same
 * endpoints as the API (POST /api/properties/:id/unpublish | reinstate, /api/reviews/:id/hide |
 * unhide) and show their errors in place. Nobody but staff sees them.
 */
type Target = 'properties' | 'reviews'
type Doc = { status?: string; moderation?: { unpublishedAt?: string | null; reinstatedAt?: string | null } | null }
type Action = { verb: 'unpublish' | 'reinstate' | 'hide' | 'unhide'; label: string; needsReason: boolean; done: string }

/** What staff may do with the document as it is now, or null. */
function actionFor(collection: Target, doc: Doc): Action | null {
  if (collection === 'properties') {
    return isOnModerationHold(doc.moderation)
      ? { verb: 'reinstate', label: 'Reinstate', needsReason: false, done: 'Listing reinstated.' }
      : { verb: 'unpublish', label: 'Unpublish…', needsReason: true, done: 'Listing taken offline.' }
  }
  if (doc.status === 'published') return { verb: 'hide', label: 'Hide…', needsReason: true, done: 'Review hidden.' }
  if (doc.status === 'hidden') return { verb: 'unhide', label: 'Unhide', needsReason: false, done: 'Review published again.' }
  return null
}

export function ModerationActions({ collection }: { collection: Target }) {
  const { id } = useDocumentInfo()
  const { user } = useAuth()
  const [doc, setDoc] = useState<Doc | null>(null)
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const staff = isStaffUser({ roles: user && 'roles' in user && Array.isArray(user.roles) ? user.roles : [] })

  useEffect(() => {
    if (!id || !staff) return
    void fetch(`/api/${collection}/${id}?depth=0`, { credentials: 'include' })
      .then((res) => (res.ok ? (res.json() as Promise<Doc>) : null))
      .then(setDoc)
      .catch(() => setDoc(null))
  }, [id, staff, collection])

  const run = useCallback(
    async (action: Action) => {
      setBusy(true)
      setProblem(null)
      try {
        const res = await fetch(`/api/${collection}/${id}/${action.verb}`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(action.needsReason ? { reason: reason.trim() } : {}),
        })
        const body = (await res.json().catch(() => ({}))) as { message?: string; errors?: { message?: string }[] }
        if (!res.ok) {
          const message = body.errors?.[0]?.message ?? `The server answered ${res.status}.`
          setProblem(message)
          toast.error(message)
          return
        }
        toast.success(body.message ?? action.done)
        window.location.reload()
      } catch {
        setProblem('The server could not be reached; try again.')
      } finally {
        setBusy(false)
      }
    },
    [collection, id, reason],
  )

  if (!staff || !doc) return null
  const action = actionFor(collection, doc)
  if (!action) return null
  const fieldId = `moderation-reason-${collection}`

  return (
    <section aria-label="Moderation" style={{ marginBottom: 'var(--base)' }}>
      {!asking && (
        <Button
          buttonStyle="secondary"
          size="medium"
          margin={false}
          disabled={busy}
          onClick={() => (action.needsReason ? setAsking(true) : void run(action))}
        >
          {action.label}
        </Button>
      )}
      {asking && (
        <div
          role="dialog"
          aria-label={action.label.replace('…', '')}
          style={{ border: '1px solid var(--theme-elevation-150)', borderRadius: 4, padding: 'calc(var(--base) * 0.75)' }}
        >
          <label htmlFor={fieldId} style={{ display: 'block', marginBottom: 4 }}>
            {collection === 'properties' ? 'Reason (the host sees it)' : 'Reason (kept with the review)'}
          </label>
          <textarea
            id={fieldId}
            value={reason}
            rows={3}
            maxLength={1000}
            onChange={(e) => setReason(e.target.value)}
            style={{
              width: '100%',
              marginBottom: 12,
              font: 'inherit',
              padding: 8,
              border: '1px solid var(--theme-elevation-150)',
              borderRadius: 'var(--style-radius-s, 3px)',
              background: 'var(--theme-input-bg, var(--theme-elevation-0))',
              color: 'var(--theme-elevation-800)',
            }}
          />
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
            <Button buttonStyle="primary" size="medium" margin={false} disabled={busy} onClick={() => void run(action)}>
              {action.label.replace('…', '')}
            </Button>
            <Button buttonStyle="secondary" size="medium" margin={false} disabled={busy} onClick={() => setAsking(false)}>
              Keep it
            </Button>
          </div>
        </div>
      )}
      {problem && (
        <p role="alert" style={{ color: 'var(--theme-error-500)', marginTop: 8 }}>
          {problem}
        </p>
      )}
    </section>
  )
}
