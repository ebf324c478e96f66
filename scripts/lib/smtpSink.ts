import type { AddressInfo } from 'node:net'

import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/**
 * A real SMTP server that accepts every message and keeps it in memory. Quickstart prints what it
 * receives so a person can click the links; tests read it to follow the links themselves.
 */
export type CapturedMail = { to: string[]; from: string; subject: string; html: string; text: string; links: string[]; messageId: string }

export type SmtpSink = {
  port: number
  messages: CapturedMail[]
  /** Resolves with the first message (already received or arriving later) that matches. */
  waitFor: (match: (mail: CapturedMail) => boolean, timeoutMs?: number) => Promise<CapturedMail>
  /**
   * From now until release(), the answer to each message (SMTP's reply after DATA) is held back: its
   * sender is provably in the middle of sending, e.g. to stop it there. A message counts as received
   * only once its answer goes out, as with a real SMTP server, so one whose sender hangs up while held
   * (a process that exits mid-send) never arrives. release() answers the held ones and ends the hold.
   */
  holdAnswers: () => AnswerHold
  close: () => Promise<void>
}

export type AnswerHold = {
  /** How many messages wait for their answer now. */
  waiting: () => number
  /** Messages dropped because their sender hung up while held. */
  dropped: () => number
  release: () => void
}

export async function startSmtpSink(port = 0, onMessage: (mail: CapturedMail) => void = () => {}): Promise<SmtpSink> {
  const messages: CapturedMail[] = []
  const waiters = new Set<{ match: (m: CapturedMail) => boolean; resolve: (m: CapturedMail) => void }>()
  /**
   * The current hold: by session id, what to do with each held message when it is released or its sender
   * hangs up, and the senders that hung up (perhaps before their message was read to the end).
   */
  type Hold = { held: Map<string, (outcome: 'released' | 'hung up') => void>; hungUp: Set<string>; dropped: number }
  let hold = null as Hold | null

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onClose(session) {
      hold?.hungUp.add(session.id)
      hold?.held.get(session.id)?.('hung up')
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          if (hold) {
            const current = hold
            const outcome = current.hungUp.has(session.id)
              ? 'hung up'
              : await new Promise<'released' | 'hung up'>((resolve) => current.held.set(session.id, resolve))
            current.held.delete(session.id)
            if (outcome === 'hung up') {
              current.dropped++
              return
            }
          }
          const html = typeof parsed.html === 'string' ? parsed.html : ''
          const toField = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []
          const mail: CapturedMail = {
            to: toField.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase())),
            from: parsed.from?.text ?? '',
            subject: parsed.subject ?? '',
            html,
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
            links: [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')),
          }
          messages.push(mail)
          onMessage(mail)
          for (const waiter of waiters) {
            if (waiter.match(mail)) {
              waiters.delete(waiter)
              waiter.resolve(mail)
            }
          }
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  // A client that dies mid-conversation (a worker killed with SIGKILL) resets its socket; smtp-server
  // reports that as an 'error' event, which must not take the process down with it.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') console.error('smtp sink:', error.message)
  })
  const address = server.server.address() as AddressInfo

  return {
    port: address.port,
    messages,
    waitFor(match, timeoutMs = 10_000) {
      const found = messages.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (m: CapturedMail) => {
            clearTimeout(timer)
            resolve(m)
          },
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          reject(
            new Error(`no matching mail within ${timeoutMs} ms (got ${messages.length}: ${messages.map((m) => m.subject).join('; ')})`),
          )
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    holdAnswers() {
      if (hold) throw new Error('the answers are held already')
      const current: Hold = { held: new Map(), hungUp: new Set(), dropped: 0 }
      hold = current
      return {
        waiting: () => current.held.size,
        dropped: () => current.dropped,
        release: () => {
          if (hold === current) hold = null
          for (const resolve of current.held.values()) resolve('released')
        },
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
