import { parseFeedUid } from './calendarFeed'
import { type ActiveBooking, type FeedConflict, classifyEvents, mergeConflicts } from './calendarImport'
import type { ImportedEvent } from './icalImport'

const HOST = 'stay.example'
const ev = (uid: string, start: string, end: string): ImportedEvent => ({ uid, start, end, summary: null })
const bookings: ActiveBooking[] = [
  { id: 7, checkIn: '2027-03-01', checkOut: '2027-03-04' },
  { id: 9, checkIn: '2027-03-10', checkOut: '2027-03-12' },
]

describe('parseFeedUid', () => {
  it.each([
    ['our booking', 'staybase-booking-7-1798000000000@stay.example', { kind: 'booking', id: 7, createdAtMs: 1798000000000 }],
    ['our block', 'staybase-block-3-1798000000001@stay.example', { kind: 'block', id: 3, createdAtMs: 1798000000001 }],
    [
      'case changed by the other site',
      'STAYBASE-BOOKING-7-1798000000000@STAY.EXAMPLE',
      { kind: 'booking', id: 7, createdAtMs: 1798000000000 },
    ],
    ['another deployment', 'staybase-booking-7-1798000000000@other.example', null],
    ['someone else', 'abc123@airbnb.com', null],
    ['a recurrence of our UID is not ours', 'staybase-booking-7-1798000000000@stay.example#2027-03-01', null],
  ])('%s', (_, uid, expected) => {
    expect(parseFeedUid(uid, HOST)).toEqual(expected)
  })
})

describe('classifyEvents', () => {
  it.each([
    ['plain: no booking near', ev('a@x', '2027-05-01', '2027-05-03'), { echo: false, echoOf: null, conflictsWith: [] }],
    [
      'echo by our booking UID',
      ev('staybase-booking-7-1@stay.example', '2027-03-01', '2027-03-04'),
      { echo: true, echoOf: 7, conflictsWith: [] },
    ],
    [
      'echo by UID even when the other site moved it',
      ev('staybase-booking-7-1@stay.example', '2027-03-02', '2027-03-05'),
      { echo: true, echoOf: 7, conflictsWith: [] },
    ],
    [
      'echo by UID of a booking no longer active',
      ev('staybase-booking-8-1@stay.example', '2027-04-01', '2027-04-02'),
      { echo: true, echoOf: null, conflictsWith: [] },
    ],
    [
      'echo by UID of our block',
      ev('staybase-block-2-1@stay.example', '2027-03-01', '2027-03-02'),
      { echo: true, echoOf: null, conflictsWith: [] },
    ],
    ['echo by exact nights', ev('zz@booking.com', '2027-03-10', '2027-03-12'), { echo: true, echoOf: 9, conflictsWith: [] }],
    ['conflict: overlaps one night', ev('a@x', '2027-03-03', '2027-03-06'), { echo: false, echoOf: null, conflictsWith: [7] }],
    ['conflict: spans two bookings', ev('a@x', '2027-03-02', '2027-03-11'), { echo: false, echoOf: null, conflictsWith: [7, 9] }],
    [
      'touching is no overlap (check-out day = check-in day)',
      ev('a@x', '2027-03-04', '2027-03-10'),
      { echo: false, echoOf: null, conflictsWith: [] },
    ],
    [
      'same start, other end: a conflict, not an echo',
      ev('a@x', '2027-03-01', '2027-03-03'),
      { echo: false, echoOf: null, conflictsWith: [7] },
    ],
  ])('%s', (_, event, expected) => {
    expect(classifyEvents([event], bookings, HOST)[0]).toEqual({ ...event, ...expected })
  })
})

describe('mergeConflicts', () => {
  const NOW = '2027-02-01T10:00:00.000Z'
  const EARLIER = '2027-01-01T10:00:00.000Z'
  const old: FeedConflict = { uid: 'a@x', booking: 7, startDate: '2027-03-03', endDate: '2027-03-06', firstSeenAt: EARLIER }
  const conflicting = classifyEvents([ev('a@x', '2027-03-03', '2027-03-06')], bookings, HOST)
  it.each([
    ['a new conflict is added and stamped now', [], conflicting, [{ ...old, firstSeenAt: NOW }], 1],
    ['a known one keeps its firstSeenAt and is not new', [old], conflicting, [old], 0],
    [
      'a known one that moved keeps firstSeenAt, with the new nights',
      [old],
      classifyEvents([ev('a@x', '2027-03-02', '2027-03-05')], bookings, HOST),
      [{ ...old, startDate: '2027-03-02', endDate: '2027-03-05' }],
      0,
    ],
    ['the event is gone: dropped', [old], [], [], 0],
    ['the booking is no longer active: dropped', [old], classifyEvents([ev('a@x', '2027-03-03', '2027-03-06')], [], HOST), [], 0],
  ])('%s', (_, previous, events, conflicts, added) => {
    const result = mergeConflicts(previous, events, NOW)
    expect(result.conflicts).toEqual(conflicts)
    expect(result.added).toHaveLength(added)
  })
})
