import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { freePort } from './stack'
import { eventually } from './wait'

/**
 * A suite's own redis-server on a free port, with an RDB file like a production Redis that restarts:
 * `stop()` (SIGTERM) saves its keys and `start()` loads them again. For suites that take Redis away.
 */
export type RedisServer = { url: string; stop: () => Promise<void>; start: () => Promise<void>; remove: () => void }

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort()
  const dir = mkdtempSync(path.join(tmpdir(), 'staybase-redis-'))
  let child: ChildProcess | null = null
  const start = async () => {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '3600 1', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    started.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    await eventually(
      'redis-server ready',
      async () => {
        if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}:\n${output}`)
        return output.includes('Ready to accept connections')
      },
      { detail: () => output },
    )
    child = started
  }
  const stop = async () => {
    const running = child
    if (!running || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
    child = null
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, start, stop, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
