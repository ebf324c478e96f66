import { type Server, type Socket, connect, createServer } from 'node:net'

/**
 * A TCP proxy between a server under test and Postgres that reads the client's side of the PostgreSQL
 * wire protocol and records every statement the server executes: a simple query ('Q') counts once, and
 * an extended-protocol Execute ('E') counts once with the text of the Parse ('P') its portal was bound
 * ('B') from — so a prepared statement run twice counts twice, as Postgres runs it twice. Everything is
 * forwarded unchanged in both directions; only the client's bytes are read.
 *
 * Usage: `const counter = await startSqlCounter(postgresUrl)`, start the server with
 * `DATABASE_URL = counter.urlFor(databaseUrl)`, then `counter.reset()` before the request and
 * `counter.statements()` after it. The count covers every connection the server holds (both Payload
 * instances, any pool), which is what a statement budget is about.
 */
export type SqlCounter = {
  /** The same database URL, pointing at the proxy instead of Postgres. */
  urlFor: (databaseUrl: string) => string
  /** Forget what was recorded so far. */
  reset: () => void
  /** The statements executed since the last reset, in the order Postgres received them. */
  statements: () => string[]
  /**
   * A fault: the next statement whose SQL matches is never delivered — its connection is cut, as when
   * the network or Postgres goes away mid-request. Resolves with that statement once it happened.
   */
  cutNext: (pattern: RegExp) => Promise<string>
  close: () => Promise<void>
}

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104

/** Reads one connection's client-to-server byte stream, message by message. */
class ClientStream {
  private buffer: Buffer = Buffer.alloc(0)
  private startup = true
  /** Prepared statement name → its SQL ('' is the unnamed statement). */
  private readonly prepared = new Map<string, string>()
  /** Portal name → the SQL of the statement it was bound from. */
  private readonly portals = new Map<string, string>()

  constructor(private readonly record: (statement: string) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    for (;;) {
      if (this.startup) {
        // Untyped: Int32 length (itself included), Int32 code, then the rest.
        if (this.buffer.length < 8) return
        const length = this.buffer.readInt32BE(0)
        if (this.buffer.length < length) return
        const code = this.buffer.readInt32BE(4)
        this.buffer = this.buffer.subarray(length)
        // SSL and GSS requests are answered with one byte and followed by the real startup message.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.startup = false
        continue
      }
      if (this.buffer.length < 5) return
      const type = String.fromCharCode(this.buffer[0]!)
      const length = this.buffer.readInt32BE(1)
      if (this.buffer.length < 1 + length) return
      const body = this.buffer.subarray(5, 1 + length)
      this.buffer = this.buffer.subarray(1 + length)
      this.message(type, body)
    }
  }

  private message(type: string, body: Buffer): void {
    const cstring = (from: number): [string, number] => {
      const end = body.indexOf(0, from)
      return [body.toString('utf8', from, end), end + 1]
    }
    switch (type) {
      case 'Q': {
        this.record(cstring(0)[0])
        break
      }
      case 'P': {
        const [name, next] = cstring(0)
        this.prepared.set(name, cstring(next)[0])
        break
      }
      case 'B': {
        const [portal, next] = cstring(0)
        const [statement] = cstring(next)
        this.portals.set(portal, this.prepared.get(statement) ?? `<prepared statement ${statement || '(unnamed)'}>`)
        break
      }
      case 'E': {
        const [portal] = cstring(0)
        this.record(this.portals.get(portal) ?? `<portal ${portal || '(unnamed)'}>`)
        break
      }
      case 'C': {
        // Close: 'S' statement or 'P' portal.
        const [name] = cstring(1)
        if (body[0] === 'S'.charCodeAt(0)) this.prepared.delete(name)
        else this.portals.delete(name)
        break
      }
      default:
    }
  }
}

export async function startSqlCounter(postgresUrl: string): Promise<SqlCounter> {
  const target = new URL(postgresUrl)
  const targetHost = target.hostname || '127.0.0.1'
  const targetPort = Number(target.port || 5432)
  let recorded: string[] = []
  const sockets = new Set<Socket>()
  let cut: { pattern: RegExp; done: (statement: string) => void } | null = null

  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost)
    sockets.add(client)
    sockets.add(upstream)
    let cutHere = false
    const stream = new ClientStream((statement) => {
      recorded.push(statement)
      if (cut?.pattern.test(statement)) {
        cut.done(statement)
        cut = null
        cutHere = true
      }
    })
    client.on('data', (chunk: Buffer) => {
      if (cutHere) return
      stream.push(chunk)
      if (cutHere) {
        client.destroy()
        upstream.destroy()
        return
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
    const end = (socket: Socket) => () => {
      sockets.delete(socket)
      socket.destroy()
    }
    client.on('close', end(upstream))
    upstream.on('close', end(client))
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as { port: number }

  return {
    urlFor: (databaseUrl) => {
      const url = new URL(databaseUrl)
      url.hostname = '127.0.0.1'
      url.port = String(port)
      return url.toString()
    },
    reset: () => {
      recorded = []
    },
    statements: () => [...recorded],
    cutNext: (pattern) => new Promise((resolve) => (cut = { pattern, done: resolve })),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The statements as a numbered list, for a failure message. */
export const listStatements = (statements: string[]): string =>
  statements.map((s, i) => `${i + 1}. ${s.replace(/\s+/g, ' ').trim()}`).join('\n')
