'use client'

import { Button, toast, useAuth, useDocumentInfo } from '@payloadcms/ui'
import { useCallback, useEffect, useState } from 'react'

import { isOnModerationHold } from '@/domain/moderation'
import { isStaffUser } from '@/domain/roles'
import { actionCall } from './actionCall'
import { ReasonField } from './ReasonField'

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
    void actionCall<Doc>(`/api/${collection}/${id}?depth=0`).then((r) => setDoc(r.ok ? r.body : null))
  }, [id, staff, collection])

  const run = useCallback(
    async (action: Action) => {
      setBusy(true)
      setProblem(null)
      const result = await actionCall(`/api/${collection}/${id}/${action.verb}`, {
        method: 'POST',
        body: action.needsReason ? { reason: reason.trim() } : {},
      })
      setBusy(false)
      if (!result.ok) {
        setProblem(result.message)
        toast.error(result.message)
        return
      }
      toast.success(result.body.message ?? action.done)
      window.location.reload()
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
          <ReasonField
            id={fieldId}
            label={collection === 'properties' ? 'Reason (the host sees it)' : 'Reason (kept with the review)'}
            value={reason}
            onChange={setReason}
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
