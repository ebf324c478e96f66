'use client'

import { Button, toast, useDocumentInfo } from '@payloadcms/ui'
import { useCallback, useEffect, useState } from 'react'

import type { BookingMessagesResponse } from '@/contract/types'
import { formatUtcTime } from '@/domain/bookingHistory'
import { MESSAGE_MAX_CHARS } from '@/domain/messages'
import { actionCall } from './actionCall'

/**
 * The booking's conversation between its guest and the listing's host, on the booking's page: the
 * messages oldest first (earlier pages on demand), who wrote each and when, masked as the API masks them
 * until the booking is confirmed; the viewer's unread messages marked "New". The host answers in the box
 * below; staff read only. Opening it marks the page read (GET /api/bookings/:id/messages does that for
 * the guest and host). Texts are React text nodes: whatever a message says, it is shown, never run.
 */
type Message = BookingMessagesResponse['docs'][number]

const muted = { color: 'var(--theme-elevation-500)' }

export function BookingConversation() {
  const { id } = useDocumentInfo()
  const [messages, setMessages] = useState<Message[]>([])
  const [state, setState] = useState<Omit<BookingMessagesResponse, 'docs'> | null>(null)
  const [earliestPage, setEarliestPage] = useState(1)
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  const load = useCallback(async () => {
    if (!id) return
    const r = await actionCall<BookingMessagesResponse>(`/api/bookings/${id}/messages`)
    if (!r.ok) return setProblem(r.message)
    const { docs, ...rest } = r.body
    setMessages(docs)
    setState(rest)
    setEarliestPage(rest.page)
  }, [id])

  useEffect(() => {
    void load()
  }, [load])

  const loadEarlier = useCallback(async () => {
    const r = await actionCall<BookingMessagesResponse>(`/api/bookings/${id}/messages?page=${earliestPage - 1}`)
    if (!r.ok) return setProblem(r.message)
    setMessages((shown) => [...r.body.docs, ...shown])
    setEarliestPage(r.body.page)
  }, [id, earliestPage])

  const send = useCallback(async () => {
    setBusy(true)
    setProblem(null)
    const r = await actionCall(`/api/bookings/${id}/messages`, { method: 'POST', body: { text } })
    setBusy(false)
    if (!r.ok) {
      setProblem(r.message)
      toast.error(r.message)
      return
    }
    setText('')
    toast.success('Message sent.')
    await load()
  }, [id, text, load])

  if (!id) return null
  const side = state?.side ?? null
  const label = (m: Message) => (m.fromRole === side ? 'You' : m.fromRole === 'guest' ? 'Guest' : 'Host')
  const isNew = (m: Message) => side !== null && m.fromRole !== side && m.readAt === null

  return (
    <section className="booking-conversation" aria-label="Conversation" style={{ margin: 'calc(var(--base) * 1.5) 0', maxWidth: 640 }}>
      <h3 style={{ margin: '0 0 calc(var(--base) / 2)' }}>
        Conversation
        {state?.unread ? <span style={{ ...muted, fontWeight: 400, fontSize: '0.8em' }}> · {state.unread} unread</span> : null}
      </h3>
      {state && earliestPage > 1 && (
        <Button buttonStyle="secondary" size="small" onClick={() => void loadEarlier()}>
          Show earlier messages
        </Button>
      )}
      {state && messages.length === 0 && <p style={muted}>No messages yet.</p>}
      <ol style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {messages.map((m) => (
          <li
            key={m.id}
            data-from={m.fromRole}
            data-new={isNew(m) || undefined}
            style={{
              margin: '0 0 10px',
              padding: '8px 12px',
              borderRadius: 8,
              background: m.fromRole === side ? 'var(--theme-success-100)' : 'var(--theme-elevation-50)',
              borderLeft: `3px solid ${isNew(m) ? 'var(--theme-warning-500)' : 'transparent'}`,
            }}
          >
            <div style={{ ...muted, fontSize: '0.85em', marginBottom: 4 }}>
              <strong style={{ color: 'var(--theme-text)' }}>{label(m)}</strong> · {formatUtcTime(m.createdAt)}
              {isNew(m) && <span style={{ color: 'var(--theme-warning-700)', fontWeight: 600 }}> · New</span>}
            </div>
            <div className="booking-conversation__text" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {m.text}
            </div>
          </li>
        ))}
      </ol>
      {state?.canSend && (
        <div>
          <textarea
            aria-label="Message"
            className="booking-conversation__input"
            value={text}
            maxLength={MESSAGE_MAX_CHARS * 2}
            rows={3}
            placeholder={side === 'host' ? 'Write to your guest…' : 'Write to your host…'}
            onChange={(e) => setText(e.target.value)}
            style={{ width: '100%', padding: 8, font: 'inherit', boxSizing: 'border-box' }}
          />
          <Button buttonStyle="primary" size="small" disabled={busy || text.trim() === ''} onClick={() => void send()}>
            Send
          </Button>
        </div>
      )}
      {state && state.side === null && (
        <p style={{ ...muted, fontSize: '0.9em' }}>Staff read conversations; only the guest and the host write in them.</p>
      )}
      {problem && <p style={{ color: 'var(--theme-error-500)' }}>{problem}</p>}
    </section>
  )
}
