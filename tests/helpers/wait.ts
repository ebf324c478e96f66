/**
 * Poll `probe` until it returns something truthy (returned), or fail after `timeoutMs` with what was
 * awaited and, from `detail`, whatever helps to see why (a worker's log, the last state seen).
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 200, detail } = options
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
