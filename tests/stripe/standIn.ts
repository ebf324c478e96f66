import { randomBytes } from 'node:crypto'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import Stripe from 'stripe'

/**
 * A local stand-in for the slice of the Stripe API our payments code uses, spoken to by the REAL `stripe`
 * SDK (configured with host/port/protocol 'http'). It follows what stripe-node 23.1.0 sends and expects:
 *
 * - Requests: `Authorization: Bearer <key>`, `Stripe-Version`, form-encoded bodies with bracket nesting
 *   (`metadata[bookingId]=1`, `created[gte]=…`, arrays as `expand[0]=…`); GET params in the query string.
 *   The SDK puts an `Idempotency-Key` (`stripe-node-retry-<uuid>`) on EVERY POST unless one is given, and
 *   reuses it when it retries.
 * - Responses: JSON; errors as `{ error: { type, message, code?, param? } }`. The SDK picks the error class
 *   from the status (400/404 → StripeInvalidRequestError, or StripeIdempotencyError when type is
 *   idempotency_error; 401 → StripeAuthenticationError; 5xx → StripeAPIError). It retries (up to
 *   maxNetworkRetries) on connection errors, 409 and 5xx — unless the response says `stripe-should-retry: false`.
 *
 * State lives in memory and is exposed for assertions; helper methods move objects through their lifecycle
 * and return the events Stripe would send, which tests deliver to our webhook endpoint with `deliver`.
 */

export const TEST_WEBHOOK_SECRET = 'whsec_staybase_stand_in_0123456789abcdef'

type Params = Record<string, unknown>
export type RequestRecord = {
  method: string
  path: string
  idempotencyKey?: string
  params: Record<string, unknown>
  replayed: boolean
  /** HTTP status answered (0 while in flight). */
  status: number
}
type DeliverOptions = { secret?: string; timestamp?: number; signature?: string | null; body?: string }

export type AnswerHold = {
  /** The requests whose answers are held so far. */
  held: RequestRecord[]
  release(): void
}

export type StripeStandIn = {
  url: string
  /** Env vars for our server/worker processes: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_HOST/PORT/PROTOCOL. */
  env: Record<'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_API_HOST' | 'STRIPE_API_PORT' | 'STRIPE_API_PROTOCOL', string>
  /** Every API request received, in arrival order (including rejected ones). */
  requests: RequestRecord[]
  intents: Map<string, Stripe.PaymentIntent>
  refunds: Map<string, Stripe.Refund>
  /** Every event emitted so far, oldest first (API-driven cancels included). */
  events: Stripe.Event[]
  startProcessing(intentId: string): Stripe.Event
  succeed(intentId: string): Stripe.Event
  fail(intentId: string, message?: string): Stripe.Event
  cancel(intentId: string, reason?: Stripe.PaymentIntent.CancellationReason): Stripe.Event
  dispute(intentId: string, reason?: string): Stripe.Event
  /** [charge.refunded, refund.updated] for an existing refund. */
  refundEvents(refundId: string): Stripe.Event[]
  /** A refund that fails after it was created (a closed card): status failed → refund.failed. The money counts as not refunded again. */
  failRefund(refundId: string, reason?: string): Stripe.Event
  /** An intent created outside our app (dashboard); `created` (unix s) defaults to now. */
  createIntentDirect(params: {
    amount: number
    currency: string
    metadata?: Record<string, string>
    status?: Stripe.PaymentIntent.Status
    created?: number
  }): Stripe.PaymentIntent
  tamper(intentId: string, patch: Partial<Pick<Stripe.PaymentIntent, 'amount' | 'currency' | 'status'>>): void
  /** The next `n` POST /v1/refunds reaching the endpoint answer 500 api_error with `stripe-should-retry: false`.
   *  `saved`: the 500 is stored under the idempotency key and replayed for it, as Stripe does when the
   *  failure happened after the endpoint began executing. */
  failNextRefunds(n: number, options?: { saved?: boolean }): void
  /**
   * Requests that match are carried out (Stripe's state changes, as when Stripe did the work) but their
   * answers are held back until release(): the caller is provably in the middle of a Stripe call, e.g.
   * to kill it there. Released answers go out (to a dead caller, nowhere); later requests are not held.
   */
  holdAnswers(match: (request: RequestRecord) => boolean): AnswerHold
  event(type: string, object: unknown): Stripe.Event
  sign(payload: string, options?: { secret?: string; timestamp?: number }): string
  deliver(webhookUrl: string, event: Stripe.Event, options?: DeliverOptions): Promise<Response>
  close(): Promise<void>
}

// ---------- small helpers ----------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const token = (length: number) => Array.from(randomBytes(length), (b) => ALPHABET[b % ALPHABET.length]).join('')
const newId = (prefix: string) => `${prefix}_${token(24)}`
const nowSeconds = () => Math.floor(Date.now() / 1000)
const snapshot = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/** An error answered as `{ error }`. `persist`: the endpoint ran, so the result is saved under the idempotency key. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: { type: string; message: string; code?: string; param?: string },
    readonly options: { persist?: boolean; shouldRetry?: boolean } = {},
  ) {
    super(error.message)
  }
}

const invalid = (message: string, extra: { param?: string; code?: string; status?: number; persist?: boolean } = {}) =>
  new ApiError(
    extra.status ?? 400,
    { type: 'invalid_request_error', message, ...(extra.code && { code: extra.code }), ...(extra.param && { param: extra.param }) },
    { persist: extra.persist },
  )

const missing = (kind: string, id: string, param: string) =>
  invalid(`No such ${kind}: '${id}'`, { status: 404, code: 'resource_missing', param })

/**
 * Decode Stripe's form encoding (body or query string) into nested objects: `a[b][c]=v` nests, `a[]=v`
 * appends, and objects whose keys are all indexes (`expand[0]`, `expand[1]`) become arrays — except metadata,
 * whose keys are the caller's. Values stay strings, as on the wire.
 */
export function parseStripeForm(encoded: string): Params {
  const root: Params = {}
  for (const [key, value] of new URLSearchParams(encoded)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
    // Both groups of a match take part (the second may be empty), as does each bracket's.
    const path = match ? [match[1]!, ...Array.from(match[2]!.matchAll(/\[([^[\]]*)\]/g), (m) => m[1]!)] : [key]
    if (path.some((segment) => segment === '__proto__' || segment === 'constructor' || segment === 'prototype')) continue
    let node = root
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!
      const segment = part === '' ? String(Object.keys(node).length) : part
      if (i === path.length - 1) {
        node[segment] = value
      } else {
        if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = {}
        node = node[segment] as Params
      }
    }
  }
  const arrayify = (value: unknown, key: string): unknown => {
    if (typeof value !== 'object' || value === null || key === 'metadata') return value
    const object = value as Params
    const keys = Object.keys(object)
    for (const k of keys) object[k] = arrayify(object[k], k)
    return keys.length > 0 && keys.every((k) => /^\d+$/.test(k)) ? keys.map((k) => object[k]) : object
  }
  return arrayify(root, '') as Params
}

/** JSON with sorted keys: the fingerprint idempotency compares (parameter order must not matter). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Params)[k])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}

// ---------- parameter validation (messages follow Stripe's) ----------

// Top-level parameters the SDK's *Params types allow for each endpoint (stripe 23.1.0). Others are
// rejected like Stripe does; only the ones the handlers read have an effect.
const PAGINATION = ['limit', 'starting_after', 'ending_before']
const ALLOWED = {
  createIntent: [
    'amount',
    'currency',
    'allowed_payment_method_types',
    'amount_details',
    'application_fee_amount',
    'automatic_payment_methods',
    'capture_method',
    'confirm',
    'confirmation_method',
    'confirmation_token',
    'customer',
    'customer_account',
    'description',
    'error_on_requires_action',
    'excluded_payment_method_types',
    'expand',
    'hooks',
    'mandate',
    'mandate_data',
    'metadata',
    'off_session',
    'on_behalf_of',
    'payment_details',
    'payment_method',
    'payment_method_configuration',
    'payment_method_data',
    'payment_method_options',
    'radar_options',
    'receipt_email',
    'return_url',
    'setup_future_usage',
    'shipping',
    'statement_descriptor',
    'statement_descriptor_suffix',
    'transfer_data',
    'transfer_group',
    'use_stripe_sdk',
  ],
  retrieveIntent: ['client_secret', 'expand'],
  listIntents: ['created', 'customer', 'customer_account', 'expand', ...PAGINATION],
  cancelIntent: ['cancellation_reason', 'expand'],
  createRefund: [
    'amount',
    'charge',
    'currency',
    'customer',
    'expand',
    'instructions_email',
    'metadata',
    'origin',
    'payment_intent',
    'reason',
    'refund_application_fee',
    'reverse_transfer',
  ],
  retrieveRefund: ['expand'],
  listRefunds: ['charge', 'created', 'expand', 'payment_intent', ...PAGINATION],
}

function allowOnly(params: Params, allowed: string[]): void {
  const unknown = Object.keys(params).find((k) => !allowed.includes(k))
  if (unknown) throw invalid(`Received unknown parameter: ${unknown}`, { param: unknown, code: 'parameter_unknown' })
}

function optionalString(params: Params, name: string): string | undefined {
  const value = params[name]
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string')
    throw invalid(`Invalid string: ${JSON.stringify(value)}`, { param: name, code: 'parameter_invalid_string' })
  return value
}

function parseInteger(raw: unknown, name: string, min?: number, max?: number): number {
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) {
    throw invalid(`Invalid integer: ${typeof raw === 'string' ? raw : JSON.stringify(raw)}`, {
      param: name,
      code: 'parameter_invalid_integer',
    })
  }
  const value = Number(raw)
  if (min !== undefined && value < min)
    throw invalid(`This value must be greater than or equal to ${min}.`, { param: name, code: 'parameter_invalid_integer' })
  if (max !== undefined && value > max)
    throw invalid(`This value must be less than or equal to ${max}.`, { param: name, code: 'parameter_invalid_integer' })
  return value
}

function optionalInteger(params: Params, name: string, min?: number, max?: number): number | undefined {
  return params[name] === undefined || params[name] === '' ? undefined : parseInteger(params[name], name, min, max)
}

function requireParam(params: Params, name: string): void {
  if (params[name] === undefined || params[name] === '')
    throw invalid(`Missing required param: ${name}.`, { param: name, code: 'parameter_missing' })
}

function oneOf<T extends string>(params: Params, name: string, choices: readonly T[]): T | undefined {
  const value = optionalString(params, name)
  if (value !== undefined && !choices.includes(value as T)) {
    throw invalid(`Invalid ${name}: must be one of ${choices.join(', ')}`, { param: name, code: 'parameter_invalid_string' })
  }
  return value as T | undefined
}

/** Metadata: string values; an empty value means "no such key" (on create, Stripe drops it). */
function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === '') return {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalid('Invalid object', { param: 'metadata', code: 'parameter_invalid_string' })
  return Object.fromEntries(Object.entries(raw as Params).filter(([, v]) => typeof v === 'string' && v !== '')) as Record<string, string>
}

/** `created=123` (exact) or `created[gte|gt|lte|lt]=123`, as a predicate. */
function createdFilter(raw: unknown): (object: { created: number }) => boolean {
  if (raw === undefined) return () => true
  if (typeof raw === 'string') {
    const exact = parseInteger(raw, 'created')
    return (o) => o.created === exact
  }
  const range = raw as Params
  allowOnly(range, ['gt', 'gte', 'lt', 'lte'])
  const bound = (key: string) => (range[key] === undefined ? undefined : parseInteger(range[key], `created[${key}]`))
  const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')]
  return (o) =>
    (gt === undefined || o.created > gt) &&
    (gte === undefined || o.created >= gte) &&
    (lt === undefined || o.created < lt) &&
    (lte === undefined || o.created <= lte)
}

/** "$12.34" / "¥500": Stripe's way of quoting amounts in messages (minor units → major, per currency). */
function formatAmount(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() })
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2))
  } catch {
    return `${amount} ${currency}`
  }
}

/** Newest first (ties: newest inserted first), filtered, one page; `starting_after`/`ending_before` like Stripe. */
function listPage<T extends { id: string; created: number }>(
  all: Iterable<T>,
  params: Params,
  url: string,
  kind: string,
  keep: (o: T) => boolean,
) {
  const limit = optionalInteger(params, 'limit', 1, 100) ?? 10
  const startingAfter = optionalString(params, 'starting_after')
  const endingBefore = optionalString(params, 'ending_before')
  if (startingAfter && endingBefore) throw invalid('You may only specify one of these parameters: ending_before, starting_after.')
  const sorted = Array.from(all)
    .reverse()
    .sort((a, b) => b.created - a.created)
  const cursor = startingAfter ?? endingBefore
  const at = cursor === undefined ? -1 : sorted.findIndex((o) => o.id === cursor)
  if (cursor !== undefined && at < 0) throw missing(kind, cursor, startingAfter ? 'starting_after' : 'ending_before')
  let data: T[]
  let hasMore: boolean
  if (endingBefore) {
    const before = sorted.slice(0, at).filter(keep)
    data = before.slice(-limit)
    hasMore = before.length > limit
  } else {
    const after = sorted.slice(at + 1).filter(keep)
    data = after.slice(0, limit)
    hasMore = after.length > limit
  }
  return { object: 'list' as const, data, has_more: hasMore, url }
}

// ---------- the stand-in ----------

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const secretKey = `sk_test_standin_${token(24)}`
  const requests: RequestRecord[] = []
  const intents = new Map<string, Stripe.PaymentIntent>()
  const refunds = new Map<string, Stripe.Refund>()
  const events: Stripe.Event[] = []
  /** Charges exist only as ids on succeeded intents; these are the bits a Charge object needs beyond its intent. */
  const charges = new Map<string, { intentId: string; created: number; balanceTransaction: string; disputed: boolean }>()
  /** Saved first responses per Idempotency-Key (Stripe keeps them 24 h; we keep them for the stand-in's life). */
  const idempotency = new Map<string, { fingerprint: string; status: number; body: string; requestId: string }>()
  const holds = new Set<{
    match: (request: RequestRecord) => boolean
    held: RequestRecord[]
    released: Promise<void>
    release: () => void
  }>()
  let refundFailures = 0
  let refundFailuresSaved = false

  const intentOr404 = (id: string, param = 'intent') =>
    intents.get(id) ??
    (() => {
      throw missing('payment_intent', id, param)
    })()
  const refundedTotal = (intentId: string) =>
    Array.from(refunds.values())
      .filter((r) => r.payment_intent === intentId && r.status === 'succeeded')
      .reduce((sum, r) => sum + r.amount, 0)

  function emit(
    type: string,
    object: unknown,
    request: { id: string | null; idempotency_key: string | null } = { id: null, idempotency_key: null },
  ): Stripe.Event {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      data: { object: snapshot(object) }, // events are immutable snapshots
      livemode: false,
      pending_webhooks: 1,
      request,
      type,
    } as unknown as Stripe.Event
    events.push(event)
    return event
  }

  function newIntent(fields: {
    amount: number
    currency: string
    metadata: Record<string, string>
    description?: string
    receiptEmail?: string
    automaticPaymentMethods?: boolean
    created?: number
  }): Stripe.PaymentIntent {
    const id = newId('pi')
    const intent = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: null,
      amount: fields.amount,
      amount_capturable: 0,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: fields.automaticPaymentMethods ? { allow_redirects: 'always', enabled: true } : null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic_async',
      client_secret: `${id}_secret_${token(25)}`,
      confirmation_method: 'automatic',
      created: fields.created ?? nowSeconds(),
      currency: fields.currency.toLowerCase(),
      customer: null,
      customer_account: null,
      description: fields.description ?? null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: fields.metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: {},
      payment_method_types: ['card'],
      payment_record: null,
      processing: null,
      receipt_email: fields.receiptEmail ?? null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: 'requires_payment_method',
      transfer_data: null,
      transfer_group: null,
    } as Stripe.PaymentIntent
    intents.set(id, intent)
    return intent
  }

  function chargeObject(chargeId: string): Stripe.Charge {
    const charge = charges.get(chargeId)
    if (!charge) throw new Error(`stand-in: no charge ${chargeId}`)
    const intent = intents.get(charge.intentId)!
    const chargeRefunds = Array.from(refunds.values())
      .filter((r) => r.charge === chargeId)
      .reverse()
    const amountRefunded = refundedTotal(intent.id)
    return {
      id: chargeId,
      object: 'charge',
      amount: intent.amount_received,
      amount_captured: intent.amount_received,
      amount_refunded: amountRefunded,
      balance_transaction: charge.balanceTransaction,
      captured: true,
      created: charge.created,
      currency: intent.currency,
      customer: null,
      description: intent.description,
      disputed: charge.disputed,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: { ...intent.metadata },
      paid: true,
      payment_intent: intent.id,
      payment_method: 'pm_card_visa',
      // Card details as Stripe sends them on charges: Staybase must never store these.
      payment_method_details: {
        type: 'card',
        card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, fingerprint: 'Xt5EWLLDS7FJjR1c' },
      },
      billing_details: { name: 'Card Holder', email: 'card.holder@example.test', address: null, phone: null },
      receipt_email: intent.receipt_email,
      refunded: amountRefunded >= intent.amount_received,
      refunds: { object: 'list', data: chargeRefunds, has_more: false, url: `/v1/charges/${chargeId}/refunds` },
      status: 'succeeded',
    } as unknown as Stripe.Charge
  }

  /** An intent as the API shows it; `expand` supports latest_charge (and data.latest_charge in lists). */
  function renderIntent(intent: Stripe.PaymentIntent, expand: string[]): Stripe.PaymentIntent {
    if (!expand.includes('latest_charge') || typeof intent.latest_charge !== 'string') return intent
    return { ...intent, latest_charge: chargeObject(intent.latest_charge) }
  }
  const expandList = (params: Params) => (Array.isArray(params.expand) ? (params.expand as string[]) : [])

  /** Lifecycle transitions a test drives: reject the ones Stripe never makes (out of a final state). */
  function transition(intentId: string, to: string): Stripe.PaymentIntent {
    const intent = intents.get(intentId)
    if (!intent) throw new Error(`stand-in: no PaymentIntent ${intentId}`)
    if (intent.status === 'succeeded' || intent.status === 'canceled') {
      throw new Error(`stand-in: PaymentIntent ${intentId} is ${intent.status}; it cannot become ${to}`)
    }
    return intent
  }

  function markSucceeded(intent: Stripe.PaymentIntent): void {
    const chargeId = newId('ch')
    charges.set(chargeId, { intentId: intent.id, created: nowSeconds(), balanceTransaction: newId('txn'), disputed: false })
    Object.assign(intent, {
      status: 'succeeded',
      amount_received: intent.amount,
      amount_capturable: 0,
      latest_charge: chargeId,
      last_payment_error: null,
      payment_method: newId('pm'),
    })
  }

  function markCanceled(intent: Stripe.PaymentIntent, reason: Stripe.PaymentIntent.CancellationReason | null): void {
    Object.assign(intent, { status: 'canceled', canceled_at: nowSeconds(), cancellation_reason: reason })
  }

  // ----- API handlers: synchronous, so one request's lookup-execute-save is never interleaved with another's -----

  type Context = { requestId: string; idempotencyKey?: string }
  type Handler = (match: RegExpExecArray, params: Params, ctx: Context) => unknown
  const routes: Array<[string, RegExp, Handler]> = [
    [
      'POST',
      /^\/v1\/payment_intents$/,
      (_m, params) => {
        allowOnly(params, ALLOWED.createIntent)
        requireParam(params, 'amount')
        const amount = parseInteger(params.amount, 'amount', 1)
        requireParam(params, 'currency')
        const currency = optionalString(params, 'currency')!
        if (!/^[a-z]{3}$/i.test(currency))
          throw invalid(`Invalid currency: ${currency.toLowerCase()}.`, { param: 'currency', code: 'parameter_invalid_string' })
        const apm = params.automatic_payment_methods as Params | undefined
        const intent = newIntent({
          amount,
          currency,
          metadata: parseMetadata(params.metadata),
          description: optionalString(params, 'description'),
          receiptEmail: optionalString(params, 'receipt_email'),
          automaticPaymentMethods: typeof apm === 'object' && apm !== null && apm.enabled === 'true',
        })
        return renderIntent(intent, expandList(params))
      },
    ],
    [
      'GET',
      /^\/v1\/payment_intents$/,
      (_m, params) => {
        allowOnly(params, ALLOWED.listIntents)
        const keep = createdFilter(params.created)
        const expand = expandList(params)
          .filter((e) => e.startsWith('data.'))
          .map((e) => e.slice('data.'.length))
        const page = listPage(intents.values(), params, '/v1/payment_intents', 'payment_intent', keep)
        return { ...page, data: page.data.map((pi) => renderIntent(pi, expand)) }
      },
    ],
    [
      'GET',
      /^\/v1\/payment_intents\/([^/]+)$/,
      (m, params) => {
        allowOnly(params, ALLOWED.retrieveIntent)
        return renderIntent(intentOr404(decodeURIComponent(m[1]!)), expandList(params))
      },
    ],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
      (m, params, ctx) => {
        allowOnly(params, ALLOWED.cancelIntent)
        const reason = oneOf(params, 'cancellation_reason', ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const)
        const intent = intentOr404(decodeURIComponent(m[1]!))
        if (intent.status === 'succeeded' || intent.status === 'canceled') {
          throw invalid(
            `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
            { code: 'payment_intent_unexpected_state', persist: true },
          )
        }
        markCanceled(intent, reason ?? null)
        emit('payment_intent.canceled', intent, { id: ctx.requestId, idempotency_key: ctx.idempotencyKey ?? null })
        return renderIntent(intent, expandList(params))
      },
    ],
    [
      'POST',
      /^\/v1\/refunds$/,
      (_m, params) => {
        if (refundFailures > 0) {
          refundFailures--
          throw new ApiError(
            500,
            { type: 'api_error', message: 'An unknown error occurred' },
            { shouldRetry: false, persist: refundFailuresSaved },
          )
        }
        allowOnly(params, ALLOWED.createRefund)
        const intentId = optionalString(params, 'payment_intent')
        const chargeId = optionalString(params, 'charge')
        if (!intentId && !chargeId)
          throw invalid('One of the following params should be provided for this request: payment_intent or charge.', {
            code: 'parameter_missing',
          })
        const amount = optionalInteger(params, 'amount', 1)
        const reason = oneOf(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const)
        const metadata = parseMetadata(params.metadata)
        let intent: Stripe.PaymentIntent
        if (intentId) {
          intent = intentOr404(intentId, 'payment_intent')
          if (chargeId && intent.latest_charge !== chargeId)
            throw invalid(`Charge ${chargeId} does not belong to PaymentIntent ${intentId}.`, { param: 'charge' })
        } else {
          const charge =
            charges.get(chargeId!) ??
            (() => {
              throw missing('charge', chargeId!, 'charge')
            })()
          intent = intents.get(charge.intentId)!
        }
        if (intent.status !== 'succeeded' || typeof intent.latest_charge !== 'string') {
          throw invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
            param: 'payment_intent',
            code: 'charge_not_refundable',
            persist: true,
          })
        }
        const remaining = intent.amount_received - refundedTotal(intent.id)
        if (remaining <= 0)
          throw invalid(`Charge ${intent.latest_charge} has already been refunded.`, { code: 'charge_already_refunded', persist: true })
        if (amount !== undefined && amount > remaining) {
          throw invalid(
            `Refund amount (${formatAmount(amount, intent.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, intent.currency)})`,
            { param: 'amount', code: 'amount_too_large', persist: true },
          )
        }
        const refund = {
          id: newId('re'),
          object: 'refund',
          amount: amount ?? remaining,
          balance_transaction: newId('txn'),
          charge: intent.latest_charge,
          created: nowSeconds(),
          currency: intent.currency,
          customer: null,
          customer_account: null,
          metadata,
          payment_intent: intent.id,
          payment_method: intent.payment_method as string | null,
          reason: reason ?? null,
          receipt_number: null,
          source_transfer_reversal: null,
          status: 'succeeded',
          transfer_reversal: null,
        } as Stripe.Refund
        refunds.set(refund.id, refund)
        return refund
      },
    ],
    [
      'GET',
      /^\/v1\/refunds$/,
      (_m, params) => {
        allowOnly(params, ALLOWED.listRefunds)
        const created = createdFilter(params.created)
        const intentId = optionalString(params, 'payment_intent')
        const chargeId = optionalString(params, 'charge')
        const keep = (r: Stripe.Refund) =>
          created(r) && (!intentId || r.payment_intent === intentId) && (!chargeId || r.charge === chargeId)
        return listPage(refunds.values(), params, '/v1/refunds', 'refund', keep)
      },
    ],
    [
      'GET',
      /^\/v1\/refunds\/([^/]+)$/,
      (m, params) => {
        allowOnly(params, ALLOWED.retrieveRefund)
        const id = decodeURIComponent(m[1]!)
        return (
          refunds.get(id) ??
          (() => {
            throw missing('refund', id, 'id')
          })()
        )
      },
    ],
  ]

  /** Runs one request to completion: auth, idempotency, route. Returns what to answer. */
  function handle(
    method: string,
    path: string,
    params: Params,
    headers: IncomingMessage['headers'],
    record: RequestRecord,
    requestId: string,
  ) {
    const answer = (status: number, body: unknown, extra: Record<string, string> = {}) => ({
      status,
      body: `${JSON.stringify(body, null, 2)}\n`,
      headers: extra,
    })

    const auth = headers.authorization ?? ''
    if (!auth) {
      return answer(401, {
        error: {
          type: 'invalid_request_error',
          message:
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        },
      })
    }
    if (auth !== `Bearer ${secretKey}`) {
      const key = auth.replace(/^Bearer\s+/i, '')
      return answer(401, {
        error: {
          type: 'invalid_request_error',
          message: `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`,
        },
      })
    }

    // Idempotency (Stripe applies it to POST only): replay the saved first response byte for byte,
    // or refuse a reuse with other parameters. Everything below is synchronous, so two concurrent requests
    // with one key are serialized: the second sees the first's saved result.
    const key = method === 'POST' ? record.idempotencyKey : undefined
    const fingerprint = `${method} ${path} ${canonical(params)}`
    const saved = key === undefined ? undefined : idempotency.get(key)
    if (saved && key !== undefined) {
      if (saved.fingerprint !== fingerprint) {
        return answer(400, {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          },
        })
      }
      record.replayed = true
      return { status: saved.status, body: saved.body, headers: { 'idempotent-replayed': 'true', 'original-request': saved.requestId } }
    }

    let result: { status: number; body: string; headers: Record<string, string> }
    let persist: boolean
    const route = routes.find(([m, pattern]) => m === method && pattern.test(path))
    try {
      if (!route) {
        throw invalid(
          `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          { status: 404 },
        )
      }
      result = answer(200, route[2](route[1].exec(path)!, params, { requestId, idempotencyKey: key }))
      persist = true
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      const extra: Record<string, string> =
        error.options.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(error.options.shouldRetry) }
      result = answer(error.status, { error: error.error }, extra)
      // Stripe saves a result once the endpoint began executing; parameter validation failures (and our
      // injected 500s, which model a failure before execution) are not saved, so a retry runs afresh.
      persist = error.options.persist === true
    }
    if (key !== undefined && persist) idempotency.set(key, { fingerprint, status: result.status, body: result.body, requestId })
    return result
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const method = (req.method ?? 'GET').toUpperCase()
    const body = Buffer.concat(chunks).toString('utf8')
    const params = parseStripeForm(method === 'POST' ? body : url.search.slice(1))
    const idempotencyHeader = req.headers['idempotency-key']
    const idempotencyKey = Array.isArray(idempotencyHeader) ? idempotencyHeader[0] : idempotencyHeader
    const record: RequestRecord = { method, path: url.pathname, idempotencyKey, params, replayed: false, status: 0 }
    requests.push(record)
    const requestId = newId('req')
    let result: { status: number; body: string; headers: Record<string, string> }
    try {
      result = handle(method, url.pathname, params, req.headers, record, requestId)
    } catch (error) {
      console.error('stripe stand-in: handler crashed', error)
      result = {
        status: 500,
        body: JSON.stringify({ error: { type: 'api_error', message: `Stand-in crashed: ${String(error)}` } }),
        headers: { 'stripe-should-retry': 'false' },
      }
    }
    record.status = result.status
    const hold = [...holds].find((h) => h.match(record))
    if (hold) {
      hold.held.push(record)
      await hold.released
    }
    const stripeVersion = req.headers['stripe-version']
    res.writeHead(result.status, {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': (Array.isArray(stripeVersion) ? stripeVersion[0] : stripeVersion) ?? Stripe.API_VERSION,
      ...(method === 'POST' && idempotencyKey !== undefined && { 'idempotency-key': idempotencyKey }),
      ...result.headers,
    })
    res.end(result.body)
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((error) => {
      console.error('stripe stand-in: request failed', error)
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
    Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? TEST_WEBHOOK_SECRET,
      timestamp: options.timestamp ?? nowSeconds(),
    })

  return {
    url: `http://127.0.0.1:${port}`,
    env: {
      STRIPE_SECRET_KEY: secretKey,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(port),
      STRIPE_API_PROTOCOL: 'http',
    },
    requests,
    intents,
    refunds,
    events,

    startProcessing(intentId) {
      const intent = transition(intentId, 'processing')
      Object.assign(intent, { status: 'processing', last_payment_error: null })
      return emit('payment_intent.processing', intent)
    },
    succeed(intentId) {
      const intent = transition(intentId, 'succeeded')
      markSucceeded(intent)
      return emit('payment_intent.succeeded', intent)
    },
    fail(intentId, message = 'Your card was declined.') {
      const intent = transition(intentId, 'requires_payment_method')
      Object.assign(intent, {
        status: 'requires_payment_method',
        last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message },
      })
      return emit('payment_intent.payment_failed', intent)
    },
    cancel(intentId, reason = 'abandoned') {
      markCanceled(transition(intentId, 'canceled'), reason)
      return emit('payment_intent.canceled', intents.get(intentId))
    },
    dispute(intentId, reason = 'fraudulent') {
      const intent = intents.get(intentId)
      const chargeId = intent?.latest_charge
      if (typeof chargeId !== 'string') throw new Error(`stand-in: PaymentIntent ${intentId} has no charge to dispute`)
      charges.get(chargeId)!.disputed = true
      return emit('charge.dispute.created', {
        id: newId('dp'),
        object: 'dispute',
        amount: intent!.amount_received,
        balance_transactions: [],
        charge: chargeId,
        created: nowSeconds(),
        currency: intent!.currency,
        is_charge_refundable: false,
        livemode: false,
        metadata: {},
        payment_intent: intentId,
        reason,
        status: 'needs_response',
      })
    },
    failRefund(refundId, reason = 'expired_or_canceled_card') {
      const refund = refunds.get(refundId)
      if (!refund) throw new Error(`stand-in: no refund ${refundId}`)
      Object.assign(refund, { status: 'failed', failure_reason: reason })
      return emit('refund.failed', refund)
    },
    refundEvents(refundId) {
      const refund = refunds.get(refundId)
      if (!refund) throw new Error(`stand-in: no refund ${refundId}`)
      return [emit('charge.refunded', chargeObject(refund.charge as string)), emit('refund.updated', refund)]
    },
    createIntentDirect({ amount, currency, metadata = {}, status = 'requires_payment_method', created }) {
      const intent = newIntent({ amount, currency, metadata: { ...metadata }, created })
      if (status === 'succeeded') markSucceeded(intent)
      else if (status === 'canceled') markCanceled(intent, 'abandoned')
      else intent.status = status
      return intent
    },
    tamper(intentId, patch) {
      const intent = intents.get(intentId)
      if (!intent) throw new Error(`stand-in: no PaymentIntent ${intentId}`)
      Object.assign(intent, patch, patch.currency === undefined ? {} : { currency: patch.currency.toLowerCase() })
    },
    failNextRefunds(n, options = {}) {
      refundFailures = n
      refundFailuresSaved = options.saved === true
    },
    holdAnswers(match) {
      let release = () => {}
      const released = new Promise<void>((resolve) => (release = resolve))
      const hold = {
        match,
        held: [] as RequestRecord[],
        released,
        release() {
          holds.delete(hold)
          release()
        },
      }
      holds.add(hold)
      return { held: hold.held, release: hold.release }
    },
    event: (type, object) => emit(type, object),
    sign,
    deliver(webhookUrl, event, options = {}) {
      const body = options.body ?? JSON.stringify(event, null, 2)
      const signature = options.signature === undefined ? sign(body, options) : options.signature
      return fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          ...(signature !== null && { 'stripe-signature': signature }),
        },
        body,
        signal: AbortSignal.timeout(30_000),
      })
    },
    close() {
      for (const hold of holds) hold.release()
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections() // the SDK's agent keeps connections alive
      })
    },
  }
}
