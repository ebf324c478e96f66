/**
 * The web server's V8 heap ceiling, `SERVER_HEAP_MB` (default 256).
 *
 * Without one, V8 lets the old generation grow towards a share of the machine's memory before it
 * collects in earnest: the server's RSS peaked at 650–800 MB under the benchmark's load on a 24 GiB host,
 * against 306–341 MB with 256 MB and no throughput lost beyond the runs' noise (README, "Memory").
 * Raise it for a server that holds more at once: a heap that runs out stops the process, which the
 * platform restarts.
 *
 * It is a node flag, so it goes where the server process is started: `npm start` and the Dockerfile
 * (`"--max-old-space-size=${SERVER_HEAP_MB:-256}"` in shell), and, through `serverNodeArgs`,
 * quickstart, the tests' stacks (so the whole suite runs under the production ceiling) and the
 * benchmark. Given on the command line it wins over one in NODE_OPTIONS. The server validates the
 * variable like its other settings (src/lib/env.ts), so a value node accepts but this rule does not
 * (64, -5) stops it with the usual configuration message.
 */
export const DEFAULT_SERVER_HEAP_MB = 256
const MIN_SERVER_HEAP_MB = 128

/** The ceiling SERVER_HEAP_MB asks for (empty or unset: the default); throws on anything else. */
export function serverHeapMb(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_SERVER_HEAP_MB
  const mb = Number(text)
  if (!/^\d+$/.test(text) || mb < MIN_SERVER_HEAP_MB) throw new Error(`must be a whole number of megabytes, at least ${MIN_SERVER_HEAP_MB}`)
  return mb
}

export function serverNodeArgs(env: Record<string, string | undefined> = process.env): string[] {
  let mb: number
  try {
    mb = serverHeapMb(env.SERVER_HEAP_MB)
  } catch (error) {
    throw new Error(`SERVER_HEAP_MB ${(error as Error).message} (got "${env.SERVER_HEAP_MB}")`)
  }
  return [`--max-old-space-size=${mb}`]
}
