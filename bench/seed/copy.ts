/**
 * COPY … FROM STDIN in PostgreSQL's text format, fed in ~256 KB chunks with back-pressure. Text format:
 * columns separated by tabs, NULL as \N, and backslash, tab, newline and carriage return escaped.
 */
import { once } from 'node:events'

import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'

export const NULL = '\\N'

/** A text value for COPY: null → \N, escapes applied only when needed (most values need none). */
export function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return NULL
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value
}

export const num = (value: number | null | undefined): string => (value === null || value === undefined ? NULL : String(value))
export const bool = (value: boolean | null | undefined): string => (value === null || value === undefined ? NULL : value ? 't' : 'f')
export const ts = (ms: number | null | undefined): string => (ms === null || ms === undefined ? NULL : new Date(ms).toISOString())

const CHUNK = 256 * 1024

export class CopyWriter {
  rows = 0
  private buffer = ''
  private constructor(
    private readonly stream: ReturnType<typeof copyFrom>,
    private readonly done: Promise<unknown>,
    private readonly onRows: (rows: number) => void,
  ) {}

  static open(
    client: pg.PoolClient | pg.Client,
    table: string,
    columns: string[],
    freeze: boolean,
    onRows: (rows: number) => void,
  ): CopyWriter {
    const cols = columns.map((c) => `"${c}"`).join(', ')
    const stream = client.query(copyFrom(`COPY "${table}" (${cols}) FROM STDIN${freeze ? ' WITH (FREEZE)' : ''}`))
    const done = new Promise((resolve, reject) => {
      stream.on('finish', resolve)
      stream.on('error', reject)
    })
    // An error before end() would otherwise be unhandled until then.
    done.catch(() => {})
    return new CopyWriter(stream, done, onRows)
  }

  /** Adds one row (columns already formatted); true when the caller should `await flush()`. */
  row(columns: string[]): boolean {
    this.buffer += `${columns.join('\t')}\n`
    this.rows++
    return this.buffer.length >= CHUNK
  }

  /** Writes rows already formatted (newline-terminated). */
  async writeChunk(chunk: string, rows: number): Promise<void> {
    this.buffer += chunk
    this.rows += rows
    await this.flush()
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return
    const ok = this.stream.write(this.buffer)
    this.buffer = ''
    this.onRows(this.rows)
    if (!ok) await Promise.race([once(this.stream, 'drain'), this.done])
  }

  async end(): Promise<number> {
    await this.flush()
    this.stream.end()
    await this.done
    this.onRows(this.rows)
    return this.rows
  }
}

/**
 * Rows of a child table written while its parent's COPY is still open: one connection runs one COPY at
 * a time, so these are kept in memory (tens of MB at full size) and copied when `end()` is called,
 * which the caller does after the parent's `end()`.
 */
export class BufferedWriter {
  rows = 0
  private chunks: string[] = []
  private buffer = ''
  constructor(private readonly start: () => CopyWriter) {}

  row(columns: string[]): boolean {
    this.buffer += `${columns.join('\t')}\n`
    this.rows++
    if (this.buffer.length >= CHUNK) {
      this.chunks.push(this.buffer)
      this.buffer = ''
    }
    return false
  }

  async flush(): Promise<void> {}

  async end(): Promise<number> {
    if (this.buffer) this.chunks.push(this.buffer)
    const writer = this.start()
    for (const chunk of this.chunks) await writer.writeChunk(chunk, chunk.split('\n').length - 1)
    this.chunks = []
    return writer.end()
  }
}
