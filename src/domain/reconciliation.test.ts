import { type LocalPayment, type StripeIntent, planReconciliation } from './reconciliation'

const intent = (id: string, status: string, amount = 1000, currency = 'eur', extra: Partial<StripeIntent> = {}): StripeIntent => ({
  id,
  status,
  amount,
  currency,
  ...extra,
})
const payment = (id: number, intentId: string, status: LocalPayment['status'], extra: Partial<LocalPayment> = {}): LocalPayment => ({
  id,
  stripePaymentIntentId: intentId,
  amount: 1000,
  currency: 'EUR',
  status,
  amountRefunded: 0,
  refundIds: [],
  ...extra,
})

describe('planReconciliation', () => {
  it('agreeing records need nothing', () => {
    const plan = planReconciliation({
      intents: [intent('pi_1', 'succeeded'), intent('pi_2', 'requires_payment_method')],
      refunds: [],
      payments: [payment(1, 'pi_1', 'succeeded'), payment(2, 'pi_2', 'requires_payment')],
    })
    expect(plan).toEqual({ checked: 2, sync: [], discrepancies: [] })
  })

  it('a success we were not told about is synced (the missed webhook)', () => {
    const plan = planReconciliation({ intents: [intent('pi_1', 'succeeded')], refunds: [], payments: [payment(1, 'pi_1', 'processing')] })
    expect(plan.sync).toEqual([{ paymentId: 1, intentId: 'pi_1', reason: 'processing here, succeeded at Stripe' }])
    expect(plan.discrepancies).toEqual([])
  })

  it('amount or currency mismatches are reported, never synced', () => {
    const plan = planReconciliation({
      intents: [intent('pi_1', 'succeeded', 1100), intent('pi_2', 'succeeded', 1000, 'usd')],
      refunds: [],
      payments: [payment(1, 'pi_1', 'requires_payment'), payment(2, 'pi_2', 'requires_payment')],
    })
    expect(plan.sync).toEqual([])
    expect(plan.discrepancies.map((d) => [d.kind, d.paymentId])).toEqual([
      ['amount_mismatch', 1],
      ['amount_mismatch', 2],
    ])
    expect(plan.discrepancies[0]?.details).toBe('Stripe: €11.00; our payment: €10.00.')
  })

  it('an intent with no payment here is an orphan, naming the booking its metadata claims', () => {
    const plan = planReconciliation({
      intents: [intent('pi_9', 'succeeded', 500, 'eur', { metadata: { bookingId: '77' } })],
      refunds: [],
      payments: [],
    })
    expect(plan.discrepancies).toEqual([
      { kind: 'orphan_intent', stripeObjectId: 'pi_9', details: expect.stringContaining('metadata says booking 77') },
    ])
  })

  it('a local success Stripe does not confirm is reported, whether Stripe says otherwise or nothing', () => {
    const plan = planReconciliation({
      intents: [intent('pi_1', 'requires_payment_method')],
      refunds: [],
      payments: [payment(1, 'pi_1', 'succeeded'), payment(2, 'pi_gone', 'refunded')],
    })
    expect(plan.discrepancies.map((d) => [d.kind, d.stripeObjectId])).toEqual([
      ['unconfirmed_success', 'pi_1'],
      ['unconfirmed_success', 'pi_gone'],
    ])
    expect(plan.sync).toEqual([])
  })

  it('a refund missing here syncs its payment once; a refund of an unknown intent is reported', () => {
    const plan = planReconciliation({
      intents: [intent('pi_1', 'succeeded')],
      refunds: [
        { id: 're_1', payment_intent: 'pi_1', amount: 300, currency: 'eur', status: 'succeeded' },
        { id: 're_2', payment_intent: 'pi_1', amount: 200, currency: 'eur', status: 'succeeded' },
        { id: 're_3', payment_intent: 'pi_x', amount: 100, currency: 'eur', status: 'succeeded' },
      ],
      payments: [payment(1, 'pi_1', 'succeeded')],
    })
    expect(plan.sync).toEqual([{ paymentId: 1, intentId: 'pi_1', reason: 'refund re_1 missing here' }])
    expect(plan.discrepancies.map((d) => [d.kind, d.stripeObjectId])).toEqual([['orphan_refund', 're_3']])
    // Money as people write it, like the other discrepancies.
    expect(plan.discrepancies[0]?.details).toBe('Stripe has a succeeded refund of €1.00 for pi_x, which has no payment here.')
    expect(plan.checked).toBe(4)
  })

  it('a failed or unpaid payment follows Stripe without being a discrepancy', () => {
    const plan = planReconciliation({ intents: [intent('pi_1', 'canceled')], refunds: [], payments: [payment(1, 'pi_1', 'failed')] })
    expect(plan.sync.map((s) => s.paymentId)).toEqual([1])
    expect(plan.discrepancies).toEqual([])
  })
})
