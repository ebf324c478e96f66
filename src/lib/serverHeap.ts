/**
 * The web server's V8 heap ceiling, `SERVER_HEAP_MB` (default 256).
 *
 * Without one, V8 lets the old generation grow towards a share of the machine's memory before it
 * collects in earnest: the server's RSS peaked at 650–800 MB under the benchmark's load on a 24 GiB host,
 * against 306–341 MB with 256 MB and no throughput lost beyond the runs' noise (README, "Measured").
 * Raise it for a server that holds more at once (a long admin session of big documents, say): a heap
 * that runs out stops the process, which the platform restarts.
 *
 * It is a node flag, so it goes where the server process is started: `npm start` and the Dockerfile
 * (`--max-old-space-size=${SERVER_HEAP_MB:-256}` in shell), and, through this function, quickstart,
 * the tests' stacks (so the whole suite runs under the production ceiling) and the benchmark.
 */
export const DEFAULT_SERVER_HEAP_MB = 256

export function serverNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const text = env.SERVER_HEAP_MB ?? String(DEFAULT_SERVER_HEAP_MB)
  const mb = Number(text)
  if (!/^\d+$/.test(text) || mb < 128) throw new Error(`SERVER_HEAP_MB must be a whole number of megabytes, at least 128 (got "${text}")`)
  return [`--max-old-space-size=${mb}`]
}
