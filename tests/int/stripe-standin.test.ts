import http from 'node:http'
import type { AddressInfo } from 'node:net'

import Stripe from 'stripe'

import { type StripeStandIn, TEST_WEBHOOK_SECRET, startStripeStandIn } from '../stripe/standIn'

/**
 * The Stripe stand-in, driven by the real SDK configured the way our app configures it. No database:
 * this pins down the stand-in itself, so payment suites can trust it.
 */
let standIn: StripeStandIn
let stripe: Stripe

beforeAll(async () => {
  standIn = await startStripeStandIn()
  const { env } = standIn
  stripe = new Stripe(env.STRIPE_SECRET_KEY, {
    host: env.STRIPE_API_HOST,
    port: Number(env.STRIPE_API_PORT),
    protocol: env.STRIPE_API_PROTOCOL as 'http',
    maxNetworkRetries: 2,
    timeout: 10_000,
  })
})
afterAll(async () => {
  await standIn?.close()
})

const requestsTo = (method: string, path: string) => standIn.requests.filter((r) => r.method === method && r.path === path)

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise
  } catch (error) {
    return error as Stripe.errors.StripeError
  }
  throw new Error('expected a rejection')
}

describe('payment intents', () => {
  it('creates from bracket-encoded params, and an idempotent repeat replays without a second intent', async () => {
    const params: Stripe.PaymentIntentCreateParams = {
      amount: 12_345,
      currency: 'EUR',
      metadata: { bookingId: '42', note: 'a b&c=d' },
      automatic_payment_methods: { enabled: true },
      description: 'Booking 42',
      receipt_email: 'guest@example.com',
    }
    const before = standIn.intents.size
    const startedAt = Math.floor(Date.now() / 1000)
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'booking-42-pay' })
    const answeredAt = Math.ceil(Date.now() / 1000)
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: 'booking-42-pay' })

    expect(second.id).toBe(first.id)
    expect(second).toEqual(first)
    expect(standIn.intents.size).toBe(before + 1)
    expect(first).toMatchObject({
      object: 'payment_intent',
      amount: 12_345,
      amount_received: 0,
      currency: 'eur',
      status: 'requires_payment_method',
      metadata: { bookingId: '42', note: 'a b&c=d' },
      automatic_payment_methods: { enabled: true },
      description: 'Booking 42',
      receipt_email: 'guest@example.com',
      latest_charge: null,
      livemode: false,
    })
    expect(first.id).toMatch(/^pi_\w+$/)
    expect(first.client_secret).toMatch(new RegExp(`^${first.id}_secret_\\w+$`))
    expect(first.created).toBeGreaterThanOrEqual(startedAt)
    expect(first.created).toBeLessThanOrEqual(answeredAt)
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true')
    expect(first.lastResponse.requestId).toMatch(/^req_/)

    const [created, replayed] = requestsTo('POST', '/v1/payment_intents').slice(-2)
    expect(created).toMatchObject({ idempotencyKey: 'booking-42-pay', replayed: false, status: 200 })
    expect(replayed).toMatchObject({ idempotencyKey: 'booking-42-pay', replayed: true, status: 200 })
    // What arrived on the wire, decoded: strings, nested by brackets.
    expect(created?.params).toEqual({
      amount: '12345',
      currency: 'EUR',
      metadata: { bookingId: '42', note: 'a b&c=d' },
      automatic_payment_methods: { enabled: 'true' },
      description: 'Booking 42',
      receipt_email: 'guest@example.com',
    })
  })

  it('concurrent requests with one key create one intent', async () => {
    const before = standIn.intents.size
    const results = await Promise.all(
      Array.from({ length: 5 }, () => stripe.paymentIntents.create({ amount: 500, currency: 'usd' }, { idempotencyKey: 'concurrent-key' })),
    )
    expect(new Set(results.map((pi) => pi.id)).size).toBe(1)
    expect(standIn.intents.size).toBe(before + 1)
  })

  it('reusing a key with other parameters is a StripeIdempotencyError', async () => {
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'reused-key' })
    const error = await rejection(stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: 'reused-key' }))
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    expect(error.statusCode).toBe(400)
    expect(error.message).toMatch(/^Keys for idempotent requests can only be used with the same parameters/)
  })

  it('the SDK keys every POST itself when we do not', async () => {
    await stripe.paymentIntents.create({ amount: 700, currency: 'usd' })
    expect(requestsTo('POST', '/v1/payment_intents').at(-1)!.idempotencyKey).toMatch(/^stripe-node-retry-/)
  })

  it('validates like Stripe: missing amount, bad amount, unknown parameter', async () => {
    const noAmount = await rejection(stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams))
    expect(noAmount).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(noAmount).toMatchObject({ statusCode: 400, param: 'amount', code: 'parameter_missing' })

    const zero = await rejection(stripe.paymentIntents.create({ amount: 0, currency: 'usd' }))
    expect(zero).toMatchObject({ statusCode: 400, param: 'amount' })

    const unknown = await rejection(
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', amout: 5 } as Stripe.PaymentIntentCreateParams),
    )
    expect(unknown).toMatchObject({ statusCode: 400, param: 'amout', message: 'Received unknown parameter: amout' })
  })

  it('retrieves, with latest_charge expandable; an unknown id is a 404 resource_missing', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd' })
    expect((await stripe.paymentIntents.retrieve(pi.id)).id).toBe(pi.id)

    standIn.succeed(pi.id)
    const paid = await stripe.paymentIntents.retrieve(pi.id)
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: 2500 })
    expect(paid.latest_charge).toMatch(/^ch_/)
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] })
    expect(expanded.latest_charge).toMatchObject({ object: 'charge', id: paid.latest_charge, amount: 2500, payment_intent: pi.id })
    expect(requestsTo('GET', `/v1/payment_intents/${pi.id}`).at(-1)!.params).toEqual({ expand: ['latest_charge'] })

    const error = await rejection(stripe.paymentIntents.retrieve('pi_nope'))
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such payment_intent: 'pi_nope'" })
  })

  it('cancels once, emitting payment_intent.canceled; cancelling again is a 400', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' })
    const canceled = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer' })
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' })
    const event = standIn.events.at(-1)!
    expect(event.type).toBe('payment_intent.canceled')
    expect(event.data.object).toMatchObject({ id: pi.id, status: 'canceled' })
    expect(event.request).toEqual({ id: canceled.lastResponse.requestId, idempotency_key: expect.stringMatching(/^stripe-node-retry-/) })

    const again = await rejection(stripe.paymentIntents.cancel(pi.id))
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' })
  })

  it('lists newest first with auto-pagination over more than 100 intents and a created filter', async () => {
    const currency = 'chf' // only this test's intents use it
    const now = Math.floor(Date.now() / 1000)
    const recent = Array.from({ length: 130 }, (_, i) =>
      standIn.createIntentDirect({ amount: 100 + i, currency, metadata: { n: String(i) }, created: now - 3600 + i }),
    )
    const old = standIn.createIntentDirect({ amount: 99, currency, created: now - 100 * 3600 })

    const pagesBefore = requestsTo('GET', '/v1/payment_intents').length
    const seen: Stripe.PaymentIntent[] = []
    for await (const pi of stripe.paymentIntents.list({ limit: 100, created: { gte: now - 7200 } })) {
      if (pi.currency === currency) seen.push(pi)
    }
    expect(seen.map((pi) => pi.id)).toEqual(recent.map((pi) => pi.id).reverse())
    expect(seen.map((pi) => pi.id)).not.toContain(old.id)
    const pages = requestsTo('GET', '/v1/payment_intents').slice(pagesBefore)
    expect(pages.length).toBeGreaterThanOrEqual(2)
    expect(pages[0]?.params).toEqual({ limit: '100', created: { gte: String(now - 7200) } })
    expect(pages[1]?.params.starting_after).toMatch(/^pi_/)

    const firstPage = await stripe.paymentIntents.list({ limit: 3, created: { lt: now - 50 * 3600 } })
    expect(firstPage).toMatchObject({ object: 'list', has_more: false, url: '/v1/payment_intents' })
    expect(firstPage.data.map((pi) => pi.id)).toEqual([old.id])

    const tooMany = await rejection(stripe.paymentIntents.list({ limit: 101 }))
    expect(tooMany).toMatchObject({ statusCode: 400, param: 'limit' })
  })

  it('createIntentDirect and tamper change state behind the app', async () => {
    const pi = standIn.createIntentDirect({ amount: 5000, currency: 'USD', metadata: { source: 'dashboard' }, status: 'succeeded' })
    expect(pi).toMatchObject({ currency: 'usd', status: 'succeeded', amount_received: 5000 })
    standIn.tamper(pi.id, { amount: 4000, currency: 'GBP' })
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ amount: 4000, currency: 'gbp' })
  })
})

describe('refunds', () => {
  let pi: Stripe.PaymentIntent
  beforeAll(async () => {
    pi = await stripe.paymentIntents.create({ amount: 10_000, currency: 'eur', metadata: { bookingId: '7' } })
  })

  it('refuses an intent without a successful charge', async () => {
    const error = await rejection(stripe.refunds.create({ payment_intent: pi.id }))
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(error).toMatchObject({ statusCode: 400, param: 'payment_intent' })
  })

  it('refunds partially, refuses more than what is left, then refunds the rest', async () => {
    standIn.succeed(pi.id)
    const partial = await stripe.refunds.create(
      { payment_intent: pi.id, amount: 4000, reason: 'requested_by_customer', metadata: { bookingId: '7' } },
      { idempotencyKey: 'refund-7-a' },
    )
    expect(partial).toMatchObject({
      object: 'refund',
      amount: 4000,
      currency: 'eur',
      payment_intent: pi.id,
      status: 'succeeded',
      reason: 'requested_by_customer',
      metadata: { bookingId: '7' },
    })
    expect(partial.charge).toBe(standIn.intents.get(pi.id)!.latest_charge)

    const tooMuch = await rejection(stripe.refunds.create({ payment_intent: pi.id, amount: 7000 }))
    expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(tooMuch).toMatchObject({
      statusCode: 400,
      param: 'amount',
      message: 'Refund amount (€70.00) is greater than unrefunded amount on charge (€60.00)',
    })

    const rest = await stripe.refunds.create({ payment_intent: pi.id })
    expect(rest.amount).toBe(6000)
    const none = await rejection(stripe.refunds.create({ payment_intent: pi.id }))
    expect(none).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' })

    expect((await stripe.refunds.retrieve(partial.id)).amount).toBe(4000)
    const listed = await stripe.refunds.list({ payment_intent: pi.id })
    expect(listed.data.map((r) => r.id)).toEqual([rest.id, partial.id])
    const all: string[] = []
    for await (const refund of stripe.refunds.list({ limit: 1, payment_intent: pi.id })) all.push(refund.id)
    expect(all).toEqual([rest.id, partial.id])

    const [chargeRefunded, refundUpdated] = standIn.refundEvents(rest.id)
    expect(chargeRefunded?.type).toBe('charge.refunded')
    expect(chargeRefunded?.data.object).toMatchObject({ object: 'charge', amount_refunded: 10_000, refunded: true, payment_intent: pi.id })
    expect(refundUpdated).toMatchObject({ type: 'refund.updated', data: { object: { id: rest.id, amount: 6000 } } })
  })

  it('failNextRefunds answers 500 once, which the SDK does not retry; a retry with the same key then succeeds', async () => {
    const paid = standIn.createIntentDirect({ amount: 3000, currency: 'usd', status: 'succeeded' })
    standIn.failNextRefunds(1)
    const attemptsBefore = requestsTo('POST', '/v1/refunds').length
    const error = await rejection(stripe.refunds.create({ payment_intent: paid.id }, { idempotencyKey: 'refund-job-1' }))
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError)
    expect(error.statusCode).toBe(500)
    expect(error.headers?.['stripe-should-retry']).toBe('false')
    expect(requestsTo('POST', '/v1/refunds').length).toBe(attemptsBefore + 1)

    const refund = await stripe.refunds.create({ payment_intent: paid.id }, { idempotencyKey: 'refund-job-1' })
    expect(refund.amount).toBe(3000)
    expect(requestsTo('POST', '/v1/refunds').at(-1)).toMatchObject({ replayed: false, status: 200 })
  })
})

describe('auth, unknown routes', () => {
  it('a wrong key is a StripeAuthenticationError', async () => {
    const wrong = new Stripe('sk_test_wrong_key_0000', { host: '127.0.0.1', port: Number(standIn.env.STRIPE_API_PORT), protocol: 'http' })
    const error = await rejection(wrong.paymentIntents.retrieve('pi_x'))
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
    expect(error.statusCode).toBe(401)
  })

  it('an endpoint the stand-in does not implement is a 404 invalid_request_error', async () => {
    const error = await rejection(stripe.customers.retrieve('cus_1'))
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(error).toMatchObject({ statusCode: 404, rawType: 'invalid_request_error' })
    expect(error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/customers\/cus_1\)/)
  })
})

describe('events and webhooks', () => {
  it('lifecycle helpers return the events Stripe would send', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd', metadata: { bookingId: '9' } })
    const processing = standIn.startProcessing(pi.id)
    const failed = standIn.fail(pi.id, 'Insufficient funds.')
    const succeeded = standIn.succeed(pi.id)
    const disputed = standIn.dispute(pi.id, 'product_not_received')

    expect(processing).toMatchObject({
      type: 'payment_intent.processing',
      object: 'event',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    })
    expect(processing.id).toMatch(/^evt_/)
    expect(processing.data.object).toMatchObject({ id: pi.id, status: 'processing' })
    expect(failed.data.object).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined', type: 'card_error', message: 'Insufficient funds.' },
    })
    expect(succeeded.data.object).toMatchObject({ status: 'succeeded', amount_received: 1500, metadata: { bookingId: '9' } })
    expect(disputed).toMatchObject({
      type: 'charge.dispute.created',
      data: {
        object: {
          object: 'dispute',
          amount: 1500,
          currency: 'usd',
          payment_intent: pi.id,
          reason: 'product_not_received',
          status: 'needs_response',
        },
      },
    })
    expect(standIn.events.slice(-4)).toEqual([processing, failed, succeeded, disputed])
    // Events are snapshots: later changes do not rewrite them.
    expect((processing.data.object as Stripe.PaymentIntent).status).toBe('processing')
    expect(() => standIn.cancel(pi.id)).toThrow(/succeeded/)
  })

  it('signs payloads the SDK verifies, and a stale timestamp fails verification', () => {
    const event = standIn.event('payment_intent.succeeded', { id: 'pi_test', object: 'payment_intent' })
    const body = JSON.stringify(event)
    const verified = stripe.webhooks.constructEvent(body, standIn.sign(body), TEST_WEBHOOK_SECRET)
    expect(verified.id).toBe(event.id)

    const stale = standIn.sign(body, { timestamp: Math.floor(Date.now() / 1000) - 600 })
    expect(() => stripe.webhooks.constructEvent(body, stale, TEST_WEBHOOK_SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError)
    expect(() => stripe.webhooks.constructEvent(body, standIn.sign(body, { secret: 'whsec_other' }), TEST_WEBHOOK_SECRET)).toThrow(
      /No signatures found matching the expected signature/,
    )
  })

  it('deliver POSTs a signed event (or the given header, or none)', async () => {
    const received: Array<{ signature?: string; body: string }> = []
    const receiver = http.createServer((req, res) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        const signature = req.headers['stripe-signature'] as string | undefined
        received.push({ signature, body })
        try {
          stripe.webhooks.constructEvent(body, signature ?? '', TEST_WEBHOOK_SECRET)
          res.writeHead(200).end()
        } catch {
          res.writeHead(400).end()
        }
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/stripe/webhook`
    try {
      const event = standIn.event('payment_intent.succeeded', { id: 'pi_deliver' })
      expect((await standIn.deliver(url, event)).status).toBe(200)
      expect(JSON.parse(received[0]!.body)).toEqual(event)
      expect((await standIn.deliver(url, event, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(400)
      expect((await standIn.deliver(url, event, { signature: null })).status).toBe(400)
      expect(received[2]!.signature).toBeUndefined()
      expect((await standIn.deliver(url, event, { signature: 't=1,v1=deadbeef' })).status).toBe(400)
      expect((await standIn.deliver(url, event, { body: '{"tampered":true}' })).status).toBe(200)
    } finally {
      await new Promise((resolve) => receiver.close(resolve))
    }
  })
})
