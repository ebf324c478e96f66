import {
  type BookingFacts,
  type IntentFacts,
  type PaymentFacts,
  type StripeRefundFacts,
  mergeRefunds,
  planPaymentSync,
} from './paymentSync'

const at = new Date('2027-03-10T12:00:00Z')
const sec = (iso: string) => Date.parse(iso) / 1000

const payment = (over: Partial<PaymentFacts> = {}): PaymentFacts => ({
  status: 'requires_payment',
  amount: 50_000,
  currency: 'EUR',
  amountRefunded: 0,
  createdAt: '2027-03-10T11:50:00.000Z',
  refunds: [],
  disputed: false,
  failureMessage: null,
  lastStripeEventAt: null,
  attentionReason: null,
  ...over,
})
const intent = (over: Partial<IntentFacts> = {}): IntentFacts => ({
  status: 'succeeded',
  amount: 50_000,
  currency: 'eur',
  created: sec('2027-03-10T11:50:00Z'),
  latest_charge: 'ch_1',
  last_payment_error: null,
  ...over,
})
const refund = (id: string, amount: number, status: string, kind: string | null, created = '2027-03-10T11:55:00Z'): StripeRefundFacts => ({
  id,
  amount,
  status,
  reason: 'requested_by_customer',
  created: sec(created),
  metadata: kind ? { kind } : {},
})
const awaiting: BookingFacts = { status: 'awaiting_payment', confirmedAt: null }
const plan = (args: {
  payment?: PaymentFacts
  intent?: IntentFacts
  stripeRefunds?: StripeRefundFacts[]
  booking?: BookingFacts
  eventAt?: Date
}) =>
  planPaymentSync({
    payment: args.payment ?? payment(),
    intent: args.intent ?? intent(),
    stripeRefunds: args.stripeRefunds ?? [],
    booking: args.booking ?? awaiting,
    at,
    eventAt: args.eventAt,
    recoveryDays: 30,
  })

const CONFIRMATION_MAILS = [
  { kind: 'booking-confirmed', recipient: 'guest' },
  { kind: 'booking-confirmed', recipient: 'host' },
]

describe('planPaymentSync: the money arrives', () => {
  it('for a booking waiting for it: confirm it and mail both sides', () => {
    expect(plan({})).toEqual({
      patch: { status: 'succeeded', amountRefunded: 0, refunds: [], failureMessage: null },
      changed: true,
      status: 'succeeded',
      confirm: true,
      refund: null,
      retryRefunds: [],
      attention: [],
      mails: CONFIRMATION_MAILS,
    })
  })

  it.each([
    ['another amount', intent({ amount: 49_999 }), "Stripe's PaymentIntent is €499.99, not €500.00: the booking was not confirmed."],
    ['another currency', intent({ currency: 'chf' }), "Stripe's PaymentIntent is CHF 500.00, not €500.00: the booking was not confirmed."],
  ])('of %s: no confirmation, staff are told', (_, paid, line) => {
    const result = plan({ intent: paid })
    expect(result).toMatchObject({ confirm: false, refund: null, status: 'succeeded', attention: [line], mails: [] })
    expect(result.patch).toMatchObject({ needsAttention: true, attentionReason: line })
  })

  it.each([
    ['expired', { status: 'expired', confirmedAt: null }],
    ['cancelled before it was paid', { status: 'cancelled', confirmedAt: null, cancelledAt: '2027-03-10T11:58:00.000Z', refundAmount: 0 }],
    ['declined', { status: 'declined', confirmedAt: null }],
  ] as [string, BookingFacts][])('for a booking %s: all of it goes back', (_, booking) => {
    const result = plan({ booking })
    expect(result).toMatchObject({ confirm: false, refund: 'booking_unavailable', mails: [] })
    expect(result.attention).toEqual([`Paid after the booking was ${booking.status}; the full amount is being refunded automatically.`])
  })

  it('for a booking paid and cancelled since: the cancellation refunds it, not the sync', () => {
    const cancelled = {
      status: 'cancelled',
      confirmedAt: '2027-03-01T00:00:00.000Z',
      cancelledAt: '2027-03-09T00:00:00.000Z',
      refundAmount: 25_000,
    }
    expect(plan({ payment: payment({ status: 'succeeded' }), booking: cancelled })).toMatchObject({
      confirm: false,
      refund: null,
      attention: [],
    })
  })

  it('for an unavailable booking, on a payment started before the recovery window: staff decide, and are told', () => {
    const old = payment({ createdAt: '2027-02-01T00:00:00.000Z' })
    const result = plan({ payment: old, booking: { status: 'expired', confirmedAt: null } })
    expect(result).toMatchObject({ confirm: false, refund: null, mails: [] })
    expect(result.attention).toEqual([
      'Paid after the booking was expired, for a payment started more than 30 days ago: not refunded automatically; refund it in Stripe if it is owed.',
    ])
    expect(result.patch).toMatchObject({ needsAttention: true })
  })

  it('for an unavailable booking already refunded: nothing more is asked', () => {
    const refunded = [refund('re_1', 50_000, 'succeeded', 'booking_unavailable')]
    const result = plan({ booking: { status: 'expired', confirmedAt: null }, stripeRefunds: refunded })
    expect(result).toMatchObject({ status: 'refunded', refund: null })
  })
})

describe('planPaymentSync: running again changes nothing', () => {
  it('a confirmed, recorded payment: no write, the confirmation mails again within a day (their job ids send once)', () => {
    const booking = { status: 'confirmed', confirmedAt: '2027-03-10T11:59:00.000Z' }
    expect(plan({ payment: payment({ status: 'succeeded' }), booking })).toEqual({
      patch: null,
      changed: false,
      status: 'succeeded',
      confirm: false,
      refund: null,
      retryRefunds: [],
      attention: [],
      mails: CONFIRMATION_MAILS,
    })
  })

  it('a day after confirming, no mail is queued again', () => {
    const booking = { status: 'confirmed', confirmedAt: '2027-03-09T11:59:59.000Z' }
    expect(plan({ payment: payment({ status: 'succeeded' }), booking }).mails).toEqual([])
  })

  it('an attention line already on the payment is not added twice', () => {
    const line = "Stripe's PaymentIntent is €499.99, not €500.00: the booking was not confirmed."
    const result = plan({
      payment: payment({ status: 'succeeded', attentionReason: `Earlier note\n${line}` }),
      intent: intent({ amount: 49_999 }),
    })
    expect(result).toMatchObject({ patch: null, changed: false, attention: [] })
  })

  it('only a newer event is recorded', () => {
    const seen = payment({ status: 'succeeded', lastStripeEventAt: '2027-03-10T11:59:00.000Z' })
    const booking = { status: 'confirmed', confirmedAt: '2027-03-01T00:00:00.000Z' }
    expect(plan({ payment: seen, booking, eventAt: new Date('2027-03-10T11:58:00Z') }).patch).toBeNull()
    expect(plan({ payment: seen, booking, eventAt: new Date('2027-03-10T12:00:00Z') }).patch).toEqual({
      status: 'succeeded',
      amountRefunded: 0,
      refunds: [],
      failureMessage: null,
      lastStripeEventAt: '2027-03-10T12:00:00.000Z',
    })
  })
})

describe('planPaymentSync: refunds', () => {
  it('Stripe’s refunds are laid over ours, oldest first, and give the status', () => {
    const ours = [
      { stripeRefundId: 're_2', amount: 10_000, status: 'pending', reason: 'cancellation', createdAt: '2027-03-10T11:56:00.000Z' },
    ]
    const atStripe = [refund('re_2', 10_000, 'succeeded', 'cancellation', '2027-03-10T11:56:00Z'), refund('re_1', 5_000, 'succeeded', null)]
    const result = plan({
      payment: payment({ status: 'succeeded', refunds: ours }),
      stripeRefunds: atStripe,
      booking: { status: 'confirmed', confirmedAt: '2027-03-01T00:00:00.000Z' },
    })
    expect(result.status).toBe('partially_refunded')
    expect(result.patch).toMatchObject({
      amountRefunded: 15_000,
      refunds: [
        {
          stripeRefundId: 're_1',
          amount: 5_000,
          status: 'succeeded',
          reason: 'requested_by_customer',
          createdAt: '2027-03-10T11:55:00.000Z',
        },
        { stripeRefundId: 're_2', amount: 10_000, status: 'succeeded', reason: 'cancellation', createdAt: '2027-03-10T11:56:00.000Z' },
      ],
    })
  })

  it('a refund of ours that failed at Stripe is asked again, once, and staff are told', () => {
    const ours = [
      { stripeRefundId: 're_9', amount: 20_000, status: 'pending', reason: 'cancellation', createdAt: '2027-03-10T11:56:00.000Z' },
    ]
    const failed = [refund('re_9', 20_000, 'failed', 'cancellation', '2027-03-10T11:56:00Z')]
    const booking = { status: 'cancelled', confirmedAt: '2027-03-01T00:00:00.000Z', refundAmount: 20_000 }
    const first = plan({
      payment: payment({ status: 'partially_refunded', amountRefunded: 20_000, refunds: ours }),
      stripeRefunds: failed,
      booking,
    })
    expect(first).toMatchObject({
      status: 'succeeded',
      retryRefunds: [{ kind: 'cancellation', replaces: 're_9' }],
      attention: ['Refund re_9 (cancellation, €200.00) failed at Stripe; asking again.'],
    })
    // Recorded as failed: the next sync does not ask again (the retried refund job has it).
    const again = plan({
      payment: payment({ status: 'succeeded', refunds: first.patch!.refunds, attentionReason: first.patch!.attentionReason }),
      stripeRefunds: failed,
      booking,
    })
    expect(again).toMatchObject({ patch: null, retryRefunds: [], attention: [] })
  })

  it('a failed refund made by hand in Stripe (not one of our kinds) is not retried', () => {
    const failed = [refund('re_5', 1_000, 'failed', null)]
    expect(
      plan({
        payment: payment({ status: 'succeeded' }),
        stripeRefunds: failed,
        booking: { status: 'confirmed', confirmedAt: '2027-03-01T00:00:00.000Z' },
      }).retryRefunds,
    ).toEqual([])
  })

  it('mergeRefunds keeps rows Stripe no longer lists', () => {
    const ours = [{ stripeRefundId: 're_old', amount: 1, status: 'succeeded', reason: null, createdAt: '2027-01-01T00:00:00.000Z' }]
    expect(mergeRefunds(ours, [refund('re_new', 2, 'pending', 'cancellation')]).map((r) => r.stripeRefundId)).toEqual(['re_old', 're_new'])
  })
})

describe('planPaymentSync: the payment fails', () => {
  const declined = intent({ status: 'requires_payment_method', last_payment_error: { message: 'Your card was declined.' } })
  it('records why and mails the guest once per failed charge', () => {
    expect(plan({ intent: declined })).toMatchObject({
      status: 'failed',
      confirm: false,
      patch: { status: 'failed', failureMessage: 'Your card was declined.' },
      mails: [{ kind: 'payment-failed', recipient: 'guest', attempt: 'ch_1', failureMessage: 'Your card was declined.' }],
    })
  })
  it('a second failed charge is a second mail; the same one again is the same mail', () => {
    const failedBefore = payment({ status: 'failed', failureMessage: 'Your card was declined.' })
    expect(plan({ payment: failedBefore, intent: { ...declined, latest_charge: 'ch_2' } }).mails).toMatchObject([{ attempt: 'ch_2' }])
    expect(plan({ payment: failedBefore, intent: declined }).mails).toMatchObject([{ attempt: 'ch_1' }])
  })
  it('without a charge: named by the event, and only when the payment was not failed already', () => {
    const noCharge = { ...declined, latest_charge: null }
    const eventAt = new Date('2027-03-10T11:59:00Z')
    expect(plan({ intent: noCharge, eventAt }).mails).toMatchObject([{ attempt: String(eventAt.getTime()) }])
    expect(plan({ intent: noCharge }).mails).toMatchObject([{ attempt: String(noCharge.created) }])
    expect(plan({ payment: payment({ status: 'failed' }), intent: noCharge, eventAt }).mails).toEqual([])
  })
  it('without a message from Stripe: a plain one', () => {
    expect(plan({ intent: { ...declined, last_payment_error: {} } }).patch?.failureMessage).toBe('The payment failed.')
  })
  it('money taken never goes back to unpaid', () => {
    expect(
      plan({
        payment: payment({ status: 'succeeded' }),
        intent: declined,
        booking: { status: 'confirmed', confirmedAt: '2027-03-01T00:00:00.000Z' },
      }),
    ).toMatchObject({
      status: 'succeeded',
      mails: [],
    })
  })
})

describe('planPaymentSync: a dispute', () => {
  it('shows as disputed and confirms nothing more', () => {
    const result = plan({
      payment: payment({ status: 'succeeded', disputed: true }),
      booking: { status: 'confirmed', confirmedAt: '2027-03-01T00:00:00.000Z' },
    })
    expect(result).toMatchObject({ status: 'disputed', confirm: false, refund: null, changed: true })
  })
})
