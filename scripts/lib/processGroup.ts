import type { ChildProcess } from 'node:child_process'

/**
 * Stops a process started with `detached: true` (its own process group, so its children go too):
 * `signal` to the group, then SIGKILL if it has not closed within `killAfterMs`. Resolves with what
 * `closed` resolves to — pass a promise of the child's 'close' event, which comes after its output has
 * been read to the end.
 */
export async function stopProcessGroup<T>(
  child: ChildProcess,
  closed: Promise<T>,
  signal: NodeJS.Signals = 'SIGTERM',
  killAfterMs = 15_000,
): Promise<T> {
  if (child.exitCode !== null || child.signalCode !== null) return closed
  const send = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s)
    } catch {
      /* already gone */
    }
  }
  send(signal)
  const timer = setTimeout(() => send('SIGKILL'), killAfterMs)
  try {
    return await closed
  } finally {
    clearTimeout(timer)
  }
}
