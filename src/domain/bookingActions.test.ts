import {
  type BookingFacts,
  availableActions,
  type Party,
  decideAccept,
  decideCancel,
  decideDecline,
  decideExpire,
  isHoldOver,
  partyOf,
  paymentRefusal,
  previewCancel,
} from './bookingActions'

const now = new Date('2027-03-10T12:00:00Z')
const inMinutes = (m: number) => new Date(now.getTime() + m * 60_000).toISOString()

/** A moderate-policy stay of CHF 1,000.00 booked long ago, checking in on the 20th. */
const booking = (over: Partial<BookingFacts> = {}): BookingFacts => ({
  status: 'confirmed',
  checkIn: '2027-03-20',
  checkOut: '2027-03-24',
  createdAt: '2027-01-01T12:00:00.000Z',
  holdExpiresAt: null,
  cancellationPolicy: 'moderate',
  quote: { total: 100_000, currency: 'CHF' },
  ...over,
})

describe('partyOf', () => {
  const stay = { guest: 7, host: { id: 9 } }
  it.each([
    ['the guest, by number', { id: 7 }, 'guest'],
    ['the guest, by numeric string id', { id: '7' }, 'guest'],
    ['the host, populated on the booking', { id: 9 }, 'host'],
    ['staff, not party to it', { id: 3, roles: ['staff'] }, 'staff'],
    ['an admin', { id: 3, roles: ['admin'] }, 'staff'],
    ['another guest', { id: 8, roles: ['guest'] }, null],
    ['another host', { id: 10, roles: ['host'] }, null],
    ['a guest who is also staff acts as the guest', { id: 7, roles: ['guest', 'staff'] }, 'guest'],
  ] as const)('%s', (_, user, party) => {
    expect(partyOf(user, stay)).toBe(party)
  })
  it('nobody signed in is nobody', () => expect(partyOf(null, stay)).toBeNull())
  it('a booking without a guest is not everyone’s', () => expect(partyOf({ id: 7 }, { guest: null, host: 9 })).toBeNull())
})

describe('isHoldOver', () => {
  it.each([
    [inMinutes(1), false],
    [inMinutes(0), true],
    [inMinutes(-1), true],
    [null, true],
  ])('hold until %s → %s', (holdExpiresAt, over) => {
    expect(isHoldOver({ holdExpiresAt }, now)).toBe(over)
  })
})

describe('decideAccept', () => {
  const request = booking({ status: 'requested', holdExpiresAt: inMinutes(60) })
  it('the host accepts: the guest has the hold time to pay', () => {
    expect(decideAccept({ booking: request, party: 'host', now, holdMinutes: 30 })).toEqual({
      to: 'awaiting_payment',
      data: { holdExpiresAt: inMinutes(30) },
    })
  })
  it.each(['guest', 'staff'] as Party[])('%s may not accept', (party) => {
    expect(decideAccept({ booking: request, party, now, holdMinutes: 30 })).toEqual({
      kind: 'forbidden',
      message: "Only the listing's host can accept a booking request.",
    })
  })
  it('a request whose answer time ran out cannot be accepted', () => {
    expect(decideAccept({ booking: { ...request, holdExpiresAt: inMinutes(0) }, party: 'host', now, holdMinutes: 30 })).toEqual({
      kind: 'conflict',
      message: 'This request has expired; the guest can send a new one.',
    })
  })
  it('a booking that is not a request is left to the state machine (applyTransition refuses it)', () => {
    expect(decideAccept({ booking: booking({ status: 'cancelled' }), party: 'host', now, holdMinutes: 30 })).toMatchObject({
      to: 'awaiting_payment',
    })
  })
})

describe('decideDecline', () => {
  it.each([
    ['host', { to: 'declined' }],
    ['guest', { kind: 'forbidden', message: "Only the listing's host can decline a booking request." }],
    ['staff', { kind: 'forbidden', message: "Only the listing's host can decline a booking request." }],
  ] as [Party, object][])('%s → %o', (party, outcome) => {
    expect(decideDecline({ party })).toEqual(outcome)
  })
})

describe('decideCancel', () => {
  const STARTED = { kind: 'conflict', message: 'The stay has started; contact your host or support to end it early.' }
  const OVER = { kind: 'conflict', message: 'This stay is over and can no longer be cancelled.' }
  const at = (iso: string) => new Date(iso)
  it.each([
    // who, status, when, refund (moderate: ≥ 5 days → all, else half; host and staff → all)
    ['guest', 'confirmed', '2027-03-10T12:00:00Z', 100_000],
    ['guest', 'confirmed', '2027-03-16T12:00:00Z', 50_000],
    ['guest', 'confirmed', '2027-03-19T23:59:59Z', 50_000],
    ['host', 'confirmed', '2027-03-19T12:00:00Z', 100_000],
    ['staff', 'confirmed', '2027-03-19T12:00:00Z', 100_000],
    ['host', 'confirmed', '2027-03-21T12:00:00Z', 100_000],
    // Not paid: nothing to give back, whoever cancels.
    ['guest', 'awaiting_payment', '2027-03-10T12:00:00Z', 0],
    ['guest', 'requested', '2027-03-10T12:00:00Z', 0],
    ['host', 'awaiting_payment', '2027-03-10T12:00:00Z', 0],
    // A guest may still withdraw an unpaid booking on its first day.
    ['guest', 'awaiting_payment', '2027-03-20T08:00:00Z', 0],
  ] as [Party, string, string, number][])('%s cancels a %s booking at %s → refund %i', (party, status, when, refundAmount) => {
    expect(decideCancel({ booking: booking({ status }), party, now: at(when), reason: 'Plans changed' })).toEqual({
      to: 'cancelled',
      note: 'Plans changed',
      data: { cancelledAt: at(when).toISOString(), cancelledBy: party, cancellationReason: 'Plans changed', refundAmount },
    })
  })
  it.each([
    ['guest', 'confirmed', '2027-03-20T00:00:00Z', STARTED],
    ['guest', 'confirmed', '2027-03-22T12:00:00Z', STARTED],
    ['guest', 'awaiting_payment', '2027-03-24T00:00:00Z', OVER],
    ['host', 'confirmed', '2027-03-24T00:00:00Z', OVER],
    ['staff', 'confirmed', '2027-04-01T00:00:00Z', OVER],
  ] as [Party, string, string, object][])('%s cannot cancel a %s booking at %s', (party, status, when, refusal) => {
    expect(decideCancel({ booking: booking({ status }), party, now: at(when) })).toEqual(refusal)
  })
  it('an empty reason is stored as none', () => {
    expect(decideCancel({ booking: booking(), party: 'guest', now, reason: '' })).toMatchObject({ data: { cancellationReason: null } })
  })
  it('a booking without a policy refunds nothing to the guest', () => {
    expect(decideCancel({ booking: booking({ cancellationPolicy: null }), party: 'guest', now })).toMatchObject({
      data: { refundAmount: 0 },
    })
  })
})

describe('paymentRefusal', () => {
  const waiting = booking({ status: 'awaiting_payment', holdExpiresAt: inMinutes(10) })
  it('a held booking with a price can be paid', () => expect(paymentRefusal(waiting, now)).toBeNull())
  it.each([
    [{ status: 'requested' }, 'The host has not accepted this request yet; you can pay once they do.'],
    [{ status: 'confirmed' }, 'This booking is confirmed and cannot be paid.'],
    [{ status: 'cancelled' }, 'This booking is cancelled and cannot be paid.'],
    [{ holdExpiresAt: inMinutes(0) }, 'The hold on these dates has expired; book again to pay.'],
    [{ holdExpiresAt: null }, 'The hold on these dates has expired; book again to pay.'],
    [{ quote: { total: 0, currency: 'CHF' } }, 'This booking has no price to pay.'],
    [{ quote: { total: 100, currency: null } }, 'This booking has no price to pay.'],
    [{ quote: null }, 'This booking has no price to pay.'],
  ] as [Partial<BookingFacts>, string][])('%o → %s', (over, message) => {
    expect(paymentRefusal({ ...waiting, ...over }, now)).toEqual({ kind: 'conflict', message })
  })
})

describe('decideExpire', () => {
  const NOT_PAID = 'Not paid before the hold ran out.'
  const NOT_ANSWERED = 'The host did not answer in time.'
  const hold = inMinutes(-1)
  const waiting = booking({ status: 'awaiting_payment', holdExpiresAt: hold })
  it.each([
    ['the hold it was made for ran out', waiting, 'awaiting_payment', hold, { to: 'expired', note: NOT_PAID }],
    ['a sweep, without a particular hold', waiting, 'awaiting_payment', undefined, { to: 'expired', note: NOT_PAID }],
    ['a request nobody answered', { ...waiting, status: 'requested' }, 'requested', hold, { to: 'expired', note: NOT_ANSWERED }],
    ['the hold is not over by this clock', { ...waiting, holdExpiresAt: inMinutes(1) }, 'awaiting_payment', inMinutes(1), 'not-due'],
    ['a newer hold has its own job', { ...waiting, holdExpiresAt: inMinutes(30) }, 'awaiting_payment', hold, null],
    ['it was paid meanwhile', { ...waiting, status: 'confirmed' }, 'awaiting_payment', hold, null],
    ['a request job, but the request was accepted', waiting, 'requested', hold, null],
    ['no hold at all', { ...waiting, holdExpiresAt: null }, 'awaiting_payment', undefined, null],
  ] as [string, BookingFacts, 'awaiting_payment' | 'requested', string | undefined, unknown][])(
    '%s',
    (_, facts, waitingFor, jobHold, outcome) => {
      expect(decideExpire({ booking: facts, waiting: waitingFor, holdExpiresAt: jobHold, now })).toEqual(outcome)
    },
  )
})

describe('previewCancel: what cancelling now would refund, and the rule that says so', () => {
  it.each([
    ['guest', 'confirmed', '2027-03-10T12:00:00Z', 100_000, 'Moderate policy, 10 days before check-in: 100 % back.'],
    ['guest', 'confirmed', '2027-03-16T12:00:00Z', 50_000, 'Moderate policy, 4 days before check-in: 50 % back.'],
    ['guest', 'confirmed', '2027-03-19T12:00:00Z', 50_000, 'Moderate policy, 1 day before check-in: 50 % back.'],
    ['host', 'confirmed', '2027-03-19T12:00:00Z', 100_000, 'Cancelled by the host: the guest gets everything back.'],
    ['staff', 'confirmed', '2027-03-21T12:00:00Z', 100_000, 'Cancelled by staff: the guest gets everything back.'],
    ['guest', 'awaiting_payment', '2027-03-10T12:00:00Z', 0, 'Nothing has been paid for this booking, so nothing is refunded.'],
    ['host', 'requested', '2027-03-10T12:00:00Z', 0, 'Nothing has been paid for this booking, so nothing is refunded.'],
  ] as [Party, string, string, number, string][])('%s, %s booking, at %s → %i: %s', (party, status, when, refundAmount, rule) => {
    const facts = booking({ status })
    expect(previewCancel({ booking: facts, party, now: new Date(when) })).toEqual({
      refundAmount,
      currency: 'CHF',
      policy: 'moderate',
      rule,
    })
    // The preview is what the cancel then does.
    expect(decideCancel({ booking: facts, party, now: new Date(when) })).toMatchObject({ data: { refundAmount } })
  })
  it('a booking made within the last 24 hours, a week or more ahead: all back, and it says why', () => {
    const fresh = booking({ createdAt: '2027-03-10T00:00:00.000Z', cancellationPolicy: 'strict' })
    expect(previewCancel({ booking: fresh, party: 'guest', now })).toMatchObject({
      refundAmount: 100_000,
      policy: 'strict',
      rule: 'Cancelled within 24 hours of booking and 10 days before check-in: everything back.',
    })
  })
  it.each([
    ['non_refundable', 0, 'Non-refundable policy, 10 days before check-in: 0 % back.'],
    ['flexible', 100_000, 'Flexible policy, 10 days before check-in: 100 % back.'],
    ['strict', 50_000, 'Strict policy, 10 days before check-in: 50 % back.'],
  ] as const)('%s', (cancellationPolicy, refundAmount, rule) => {
    expect(previewCancel({ booking: booking({ cancellationPolicy }), party: 'guest', now })).toMatchObject({ refundAmount, rule })
  })
  it.each(['cancelled', 'declined', 'expired', 'completed'])('a %s booking cannot be cancelled: the state machine’s refusal', (status) => {
    expect(previewCancel({ booking: booking({ status }), party: 'host', now })).toEqual({
      kind: 'conflict',
      message: `A booking that is ${status} cannot become cancelled.`,
      code: 'INVALID_TRANSITION',
    })
  })
  it('a status the state machine does not know cannot be cancelled', () => {
    expect(previewCancel({ booking: booking({ status: 'archived' }), party: 'host', now })).toEqual({
      kind: 'conflict',
      message: 'This booking cannot be cancelled.',
      code: 'INVALID_TRANSITION',
    })
  })
  it('a stay that is over answers as the cancel does: over before ended', () => {
    expect(previewCancel({ booking: booking({ status: 'completed' }), party: 'host', now: new Date('2027-03-30T12:00:00Z') })).toEqual({
      kind: 'conflict',
      message: 'This stay is over and can no longer be cancelled.',
    })
  })
  it('refuses what cancelling would refuse', () => {
    expect(previewCancel({ booking: booking(), party: 'guest', now: new Date('2027-03-21T12:00:00Z') })).toEqual({
      kind: 'conflict',
      message: 'The stay has started; contact your host or support to end it early.',
    })
  })
})

describe('availableActions: the buttons on a booking', () => {
  it.each([
    ['host', 'requested', { accept: true, decline: true, cancel: true }],
    ['host', 'awaiting_payment', { accept: false, decline: false, cancel: true }],
    ['host', 'confirmed', { accept: false, decline: false, cancel: true }],
    ['staff', 'requested', { accept: false, decline: false, cancel: true }],
    ['staff', 'confirmed', { accept: false, decline: false, cancel: true }],
    ['guest', 'confirmed', { accept: false, decline: false, cancel: true }],
    [null, 'requested', { accept: false, decline: false, cancel: false }],
    ['host', 'cancelled', { accept: false, decline: false, cancel: false }],
    ['staff', 'completed', { accept: false, decline: false, cancel: false }],
    ['host', 'declined', { accept: false, decline: false, cancel: false }],
    ['host', 'expired', { accept: false, decline: false, cancel: false }],
    ['host', 'nonsense', { accept: false, decline: false, cancel: false }],
    ['host', null, { accept: false, decline: false, cancel: false }],
  ] as [Party | null, string | null, object][])('%s on a %s booking → %o', (party, status, actions) => {
    expect(availableActions(party, status)).toEqual(actions)
  })
})
