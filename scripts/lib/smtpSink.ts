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
  close: () => Promise<void>
}

export async function startSmtpSink(port = 0, onMessage: (mail: CapturedMail) => void = () => {}): Promise<SmtpSink> {
  const messages: CapturedMail[] = []
  const waiters = new Set<{ match: (m: CapturedMail) => boolean; resolve: (m: CapturedMail) => void }>()

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
