import { env } from './env'

/**
 * How the web process shares DATABASE_POOL_MAX connections: Payload's pool (its instance inside Next:
 * admin, REST, GraphQL, search, bookings) gets the larger half, the public read fast path
 * (src/publicReads.ts, one short statement per listing read) the smaller half — at least one each. With
 * FAST_PUBLIC_READS=false Payload gets them all. Every other process (worker, migrations, scripts) has
 * one Payload pool of DATABASE_POOL_MAX. /readyz uses one connection of its own on top.
 *
 * payload.config.ts is evaluated in two bundles (Next's and the processes'), so the web process says
 * what it is on globalThis before Next loads the config.
 */
const WEB_PROCESS = Symbol.for('staybase.webProcessWithFastReads')

export function poolShares(max: number = env.DATABASE_POOL_MAX): { payload: number; fastReads: number } {
  const fastReads = Math.max(1, Math.floor(max / 2))
  return { payload: Math.max(1, max - fastReads), fastReads }
}

export function markWebProcessWithFastReads(): void {
  ;(globalThis as { [WEB_PROCESS]?: boolean })[WEB_PROCESS] = true
}

/** The `max` of Payload's pool in this process. */
export function payloadPoolMax(): number {
  return (globalThis as { [WEB_PROCESS]?: boolean })[WEB_PROCESS] ? poolShares().payload : env.DATABASE_POOL_MAX
}
