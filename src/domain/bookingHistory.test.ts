import { type HistoryEntry, actorOf, describeActor, formatUtcTime, timelineSteps } from './bookingHistory'

const at = (n: number) => `2027-01-0${n}T10:00:00.000Z`
const entry = (status: HistoryEntry['status'], n: number, actor: HistoryEntry['actor'] = 'system'): HistoryEntry => ({
  status,
  at: at(n),
  actor,
})
const shape = (steps: ReturnType<typeof timelineSteps>) => steps.map((s) => `${s.status}:${s.state}${s.entry ? '' : '?'}`)

describe('actorOf', () => {
  const booking = { guest: 1, host: 2 }
  it.each([
    ['no user: Staybase itself', null, { actor: 'system', by: null }],
    ['the guest', { id: 1, roles: ['guest'] }, { actor: 'guest', by: 1 }],
    ['the host', { id: 2, roles: ['host'] }, { actor: 'host', by: 2 }],
    ['staff', { id: 9, roles: ['staff'] }, { actor: 'staff', by: 9 }],
    ['an admin', { id: 9, roles: ['admin'] }, { actor: 'staff', by: 9 }],
    ['a stranger never claims a role', { id: 5, roles: ['guest'] }, { actor: 'system', by: 5 }],
  ])('%s', (_, user, expected) => {
    expect(actorOf(user, booking)).toEqual(expected)
  })
})

describe('timelineSteps', () => {
  it.each<[string, string, HistoryEntry[], string[]]>([
    [
      'a new request',
      'requested',
      [entry('requested', 1, 'guest')],
      ['requested:current', 'awaiting_payment:upcoming?', 'confirmed:upcoming?', 'completed:upcoming?'],
    ],
    [
      'an instant booking is never a request',
      'awaiting_payment',
      [entry('awaiting_payment', 1, 'guest')],
      ['awaiting_payment:current', 'confirmed:upcoming?', 'completed:upcoming?'],
    ],
    [
      'an accepted request, paid',
      'confirmed',
      [entry('requested', 1, 'guest'), entry('awaiting_payment', 2, 'host'), entry('confirmed', 3)],
      ['requested:done', 'awaiting_payment:done', 'confirmed:current', 'completed:upcoming?'],
    ],
    [
      'a completed stay',
      'completed',
      [entry('awaiting_payment', 1, 'guest'), entry('confirmed', 2), entry('completed', 5)],
      ['awaiting_payment:done', 'confirmed:done', 'completed:current'],
    ],
    [
      'a declined request',
      'declined',
      [entry('requested', 1, 'guest'), entry('declined', 2, 'host')],
      ['requested:done', 'declined:current'],
    ],
    [
      'an expired hold',
      'expired',
      [entry('awaiting_payment', 1, 'guest'), entry('expired', 2)],
      ['awaiting_payment:done', 'expired:current'],
    ],
    [
      'cancelled after payment',
      'cancelled',
      [entry('awaiting_payment', 1, 'guest'), entry('confirmed', 2), entry('cancelled', 3, 'guest')],
      ['awaiting_payment:done', 'confirmed:done', 'cancelled:current'],
    ],
    [
      'a backfilled history: the acceptance was not recorded',
      'completed',
      [entry('requested', 1, 'guest'), entry('confirmed', 3), entry('completed', 5)],
      ['requested:done', 'awaiting_payment:done?', 'confirmed:done', 'completed:current'],
    ],
    ['no history at all', 'confirmed', [], ['confirmed:current?', 'completed:upcoming?']],
    [
      'a status the history lacks',
      'completed',
      [entry('awaiting_payment', 1, 'guest'), entry('confirmed', 2)],
      ['awaiting_payment:done', 'confirmed:done', 'completed:current?'],
    ],
  ])('%s', (_, status, history, expected) => {
    expect(shape(timelineSteps(status, history))).toEqual(expected)
  })

  it('labels read as words', () => {
    expect(timelineSteps('awaiting_payment', [entry('awaiting_payment', 1)]).map((s) => s.label)).toEqual([
      'Awaiting payment',
      'Confirmed',
      'Completed',
    ])
  })
})

describe('formatUtcTime', () => {
  it.each([
    ['2026-11-28T10:46:21.000Z', 'Sat 28 Nov 2026, 10:46 UTC'],
    ['2027-01-01T00:05:00+01:00', 'Thu 31 Dec 2026, 23:05 UTC'],
    ['not a time', null],
    [null, null],
  ])('%s', (iso, expected) => {
    expect(formatUtcTime(iso)).toBe(expected)
  })
})

describe('describeActor', () => {
  const names = { guest: 'Sam Lee', host: 'Ana Host', by: null }
  it.each([
    ['guest', names, 'Sam Lee (guest)'],
    ['host', names, 'Ana Host (host)'],
    ['staff', names, 'Staybase staff'],
    ['staff', { ...names, by: 'Kim Staff' }, 'Kim Staff (staff)'],
    ['system', names, 'Staybase (automatic)'],
    ['guest', {}, 'The guest'],
  ] as const)('%s', (actor, given, expected) => {
    expect(describeActor({ actor }, given)).toBe(expected)
  })
})
