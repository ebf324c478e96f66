import fc from 'fast-check'

import {
  type PaymentStatus,
  PAYMENT_STATUSES,
  bookingRef,
  derivePaymentStatus,
  isSettled,
  redactStripeObject,
  refundToRequest,
  refundedTotal,
  statusOfIntent,
  stripeKeys,
} from './payments'

describe('statusOfIntent', () => {
  it.each([
    [{ status: 'requires_payment_method' }, 'requires_payment'],
    [{ status: 'requires_payment_method', last_payment_error: { message: 'Your card was declined.' } }, 'failed'],
    [{ status: 'requires_confirmation' }, 'requires_payment'],
    [{ status: 'requires_action' }, 'requires_payment'],
    [{ status: 'processing' }, 'processing'],
    [{ status: 'succeeded' }, 'succeeded'],
    [{ status: 'canceled' }, 'canceled'],
  ])('%j → %s', (intent, expected) => {
    expect(statusOfIntent(intent)).toBe(expected)
  })
})

describe('derivePaymentStatus', () => {
  const succeeded = { status: 'succeeded' }
  it('refunds and disputes only change a captured payment', () => {
    expect(derivePaymentStatus({ intent: succeeded, amount: 1000, amountRefunded: 0, disputed: false })).toBe('succeeded')
    expect(derivePaymentStatus({ intent: succeeded, amount: 1000, amountRefunded: 400, disputed: false })).toBe('partially_refunded')
    expect(derivePaymentStatus({ intent: succeeded, amount: 1000, amountRefunded: 1000, disputed: false })).toBe('refunded')
    expect(derivePaymentStatus({ intent: succeeded, amount: 1000, amountRefunded: 1000, disputed: true })).toBe('disputed')
    expect(derivePaymentStatus({ intent: { status: 'processing' }, amount: 1000, amountRefunded: 0, disputed: true })).toBe('processing')
  })

  it('a late processing or failure never overwrites a captured payment', () => {
    for (const current of ['succeeded', 'partially_refunded', 'refunded', 'disputed'] as PaymentStatus[]) {
      for (const intent of [
        { status: 'processing' },
        { status: 'requires_payment_method', last_payment_error: { message: 'declined' } },
        { status: 'canceled' },
      ]) {
        expect(derivePaymentStatus({ current, intent, amount: 1000, amountRefunded: 0, disputed: false })).toBe(current)
      }
    }
  })

  it('an unsettled payment follows Stripe in any direction (a retry after a failure, a cancel)', () => {
    expect(
      derivePaymentStatus({ current: 'failed', intent: { status: 'processing' }, amount: 1, amountRefunded: 0, disputed: false }),
    ).toBe('processing')
    expect(
      derivePaymentStatus({ current: 'processing', intent: { status: 'canceled' }, amount: 1, amountRefunded: 0, disputed: false }),
    ).toBe('canceled')
  })

  it('never returns an unsettled status for a settled payment (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PAYMENT_STATUSES),
        fc.constantFrom('requires_payment_method', 'requires_action', 'processing', 'succeeded', 'canceled'),
        fc.boolean(),
        fc.integer({ min: 0, max: 2000 }),
        fc.boolean(),
        (current, status, declined, refunded, disputed) => {
          const next = derivePaymentStatus({
            current,
            intent: { status, last_payment_error: declined ? { message: 'x' } : null },
            amount: 1000,
            amountRefunded: refunded,
            disputed,
          })
          if (isSettled(current)) expect(isSettled(next)).toBe(true)
        },
      ),
    )
  })
})

describe('refunds', () => {
  it('counts succeeded and pending refunds, not failed or canceled ones', () => {
    expect(
      refundedTotal([
        { amount: 100, status: 'succeeded' },
        { amount: 50, status: 'pending' },
        { amount: 70, status: 'failed' },
        { amount: 9, status: 'canceled' },
      ]),
    ).toBe(150)
  })

  it('asks for what is owed, never more than is left', () => {
    expect(refundToRequest(800, 1000, 0)).toBe(800)
    expect(refundToRequest(800, 1000, 500)).toBe(500)
    expect(refundToRequest(800, 1000, 1000)).toBe(0)
    expect(refundToRequest(0, 1000, 0)).toBe(0)
  })
})

describe('stripe idempotency keys', () => {
  const booking = { id: 42, createdAt: '2026-11-26T10:00:00.000Z' }
  const ref = bookingRef(booking)

  it('name the booking (id and creation time), the amount and the action', () => {
    expect(ref).toBe('42-1795687200000')
    expect(stripeKeys.intent(ref, 12050, 'EUR')).toBe('staybase-booking-42-1795687200000-intent-12050-eur')
    expect(stripeKeys.intent(ref, 12051, 'EUR')).not.toBe(stripeKeys.intent(ref, 12050, 'EUR'))
    expect(stripeKeys.refund(ref, 'cancellation')).toBe('staybase-booking-42-1795687200000-refund-cancellation')
    expect(stripeKeys.refund(ref, 'booking_unavailable')).not.toBe(stripeKeys.refund(ref, 'cancellation'))
    expect(stripeKeys.refund(ref, 'cancellation', 2)).toBe('staybase-booking-42-1795687200000-refund-cancellation-retry-2')
    expect(stripeKeys.refund(ref, 'cancellation', 0, 're_1')).toBe('staybase-booking-42-1795687200000-refund-cancellation-after-re_1')
  })

  it('a booking 42 of a restored or reset database is not the old booking 42', () => {
    const reborn = bookingRef({ id: 42, createdAt: '2026-11-27T08:30:00.000Z' })
    expect(stripeKeys.intent(reborn, 12050, 'EUR')).not.toBe(stripeKeys.intent(ref, 12050, 'EUR'))
    expect(stripeKeys.refund(reborn, 'cancellation')).not.toBe(stripeKeys.refund(ref, 'cancellation'))
  })
})

describe('redactStripeObject', () => {
  it('drops card and personal details, keeps ids, amounts and statuses', () => {
    const charge = {
      id: 'ch_1',
      object: 'charge',
      amount: 5000,
      payment_intent: 'pi_1',
      payment_method: 'pm_1',
      payment_method_details: { card: { last4: '4242', exp_month: 12, exp_year: 2030, fingerprint: 'abc' } },
      billing_details: { name: 'Alex Guest', email: 'alex@example.test' },
      receipt_email: 'alex@example.test',
      refunds: { data: [{ id: 're_1', amount: 100, status: 'succeeded' }] },
    }
    const intent = {
      id: 'pi_1',
      client_secret: 'pi_1_secret_x',
      status: 'requires_payment_method',
      last_payment_error: { message: 'declined', payment_method: { id: 'pm_1', card: { last4: '0002' } } },
    }
    const event = { id: 'evt_1', type: 'charge.refunded', data: { object: charge }, related: [intent] }
    const out = redactStripeObject(event)
    const text = JSON.stringify(out)
    for (const secret of ['4242', '0002', 'fingerprint', 'Alex Guest', 'alex@example.test', 'pi_1_secret_x'])
      expect(text).not.toContain(secret)
    expect(out.data.object).toMatchObject({
      id: 'ch_1',
      amount: 5000,
      payment_intent: 'pi_1',
      payment_method: 'pm_1',
      refunds: { data: [{ id: 're_1', amount: 100, status: 'succeeded' }] },
    })
    expect(out.related[0]).toMatchObject({
      id: 'pi_1',
      status: 'requires_payment_method',
      last_payment_error: { message: 'declined', payment_method: '[redacted]' },
    })
    expect(event.data.object.payment_method_details.card.last4).toBe('4242')
  })
})
