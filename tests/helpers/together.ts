import { request as httpRequest } from 'node:http'

export type TogetherRequest = { url: string; method?: string; headers?: Record<string, string>; body: string }
export type TogetherAnswer = { status: number; text: string; body: any; sentAt: number; answeredAt: number }

/**
 * Sends requests so that they are provably in flight at once, each on its own connection: each goes
 * out with `Expect: 100-continue` and its body is held back until every server has answered "100
 * Continue" to every request (it has the request in hand and waits for the body); then every body is
 * written in the same turn of the event loop. No answer can come before its body, so every request was
 * sent (`sentAt`) before any was answered (`answeredAt`), and the servers work on all of them together.
 */
export async function sendTogether(requests: TogetherRequest[], timeoutMs = 30_000): Promise<TogetherAnswer[]> {
  const started = requests.map((r) => {
    const url = new URL(r.url)
    const request = httpRequest({
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: r.method ?? 'POST',
      agent: false,
      timeout: timeoutMs,
      headers: { 'content-type': 'application/json', ...r.headers, 'content-length': Buffer.byteLength(r.body), expect: '100-continue' },
    })
    let sentAt = 0
    const answered = new Promise<TogetherAnswer>((resolve, reject) => {
      request.on('response', (res) => {
        const answeredAt = performance.now()
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, text, body, sentAt, answeredAt })
        })
        res.on('error', reject)
      })
      request.on('timeout', () => request.destroy(new Error(`${r.method ?? 'POST'} ${r.url}: no answer within ${timeoutMs} ms`)))
      request.on('error', reject)
    })
    const continued = new Promise<void>((resolve) => request.once('continue', () => resolve()))
    request.flushHeaders()
    return {
      request,
      answered,
      continued,
      send: () => {
        sentAt = performance.now()
        request.end(r.body)
      },
    }
  })
  // A request answered before its body (instead of "100 Continue"), or failed, fails here, not by hanging.
  const early = Promise.race(
    started.map((s) =>
      s.answered.then((a) => {
        throw new Error(`answered ${a.status} before its body was sent: ${a.text.slice(0, 500)}`)
      }),
    ),
  )
  early.catch(() => {})
  await Promise.race([Promise.all(started.map((s) => s.continued)), early])
  for (const s of started) s.send()
  return Promise.all(started.map((s) => s.answered))
}
