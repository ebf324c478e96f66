import Stripe from 'stripe'

import { env } from '@/lib/env'
import { HttpError } from '@/lib/errors'

const KEY = Symbol.for('staybase.stripe')
type Holder = { [KEY]?: Stripe }

/** Is Stripe configured? Without a key the payment endpoints answer 503 instead of failing at Stripe. */
export const paymentsConfigured = () => env.STRIPE_SECRET_KEY !== ''

/**
 * The Stripe SDK, configured once per process. STRIPE_API_HOST/PORT/PROTOCOL are the SDK's own
 * host/port/protocol options: tests and demos point it at a local stand-in that speaks Stripe's API.
 * The SDK retries network failures itself (with its automatic idempotency keys); our jobs retry the rest.
 */
export function stripe(): Stripe {
  const holder = globalThis as Holder
  if (!paymentsConfigured()) throw new HttpError(503, 'Payments are not configured on this server (STRIPE_SECRET_KEY is not set).')
  holder[KEY] ??= new Stripe(env.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Staybase' },
    ...(env.STRIPE_API_HOST ? { host: env.STRIPE_API_HOST } : {}),
    ...(env.STRIPE_API_PORT ? { port: Number(env.STRIPE_API_PORT) } : {}),
    ...(env.STRIPE_API_PROTOCOL ? { protocol: env.STRIPE_API_PROTOCOL as 'http' | 'https' } : {}),
  })
  return holder[KEY]
}

/** The id of a Stripe reference, whether it came as an id or expanded into its object. */
export const stripeId = (value: unknown): string | null =>
  typeof value === 'string' ? value : value && typeof value === 'object' && 'id' in value ? String((value as { id: unknown }).id) : null

/** Every item of a Stripe list, through the SDK's auto-pagination. */
export async function listAll<T>(list: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of list) items.push(item)
  return items
}

/** Stripe's own currencies are lower case; ours are ISO upper case. */
export const toStripeCurrency = (currency: string) => currency.toLowerCase()

/** Stripe's SDK errors all carry a `type` starting with "Stripe". */
export const isStripeError = (error: unknown): error is Error & { type: string; statusCode?: number } =>
  error instanceof Error && String((error as unknown as { type?: unknown }).type ?? '').startsWith('Stripe')

/** Stripe unreachable or refusing: our client gets a 502 it can retry, not a 500. */
export function stripeFailure(error: unknown): HttpError {
  const message = error instanceof Error ? error.message : String(error)
  return new HttpError(502, `The payment provider did not answer as expected; try again in a moment. (${message})`)
}
