import { type ReservedRow, feedEvents } from './calendarFeed'

const at = (iso: string) => new Date(iso)
const row = (kind: ReservedRow['kind'], id: number, start: string, end: string, created = '2027-01-02T03:04:05.678Z'): ReservedRow => ({
  kind,
  id,
  start,
  end,
  createdAt: at(created),
  updatedAt: at('2027-01-05T00:00:00.000Z'),
})

describe('feedEvents', () => {
  it.each([
    ['no rows', [], []],
    [
      'a booking: its nights, half-open, and a UID of id and creation ms',
      [row('booking', 7, '2027-03-01', '2027-03-04')],
      [
        {
          uid: `staybase-booking-7-${at('2027-01-02T03:04:05.678Z').getTime()}@stay.example`,
          start: '2027-03-01',
          end: '2027-03-04',
          summary: 'Booked',
        },
      ],
    ],
    [
      'a block',
      [row('block', 3, '2027-04-10', '2027-04-11', '2027-02-01T00:00:00.001Z')],
      [
        {
          uid: `staybase-block-3-${at('2027-02-01T00:00:00.001Z').getTime()}@stay.example`,
          start: '2027-04-10',
          end: '2027-04-11',
          summary: 'Blocked',
        },
      ],
    ],
    [
      'a booking and a block with the same id stay distinct; ordered by first night',
      [row('block', 5, '2027-05-01', '2027-05-03'), row('booking', 5, '2027-03-01', '2027-03-02')],
      [
        { uid: expect.stringMatching(/^staybase-booking-5-\d+@stay\.example$/), start: '2027-03-01', end: '2027-03-02', summary: 'Booked' },
        { uid: expect.stringMatching(/^staybase-block-5-\d+@stay\.example$/), start: '2027-05-01', end: '2027-05-03', summary: 'Blocked' },
      ],
    ],
  ])('%s', (_, rows, expected) => {
    expect(feedEvents(rows, 'stay.example').map(({ stamp: _stamp, ...event }) => event)).toEqual(expected)
  })

  it('gives the same UIDs whatever order the rows come in', () => {
    const rows = [row('booking', 1, '2027-03-01', '2027-03-02'), row('block', 2, '2027-03-05', '2027-03-06')]
    expect(feedEvents([...rows].reverse(), 'h')).toEqual(feedEvents(rows, 'h'))
  })

  it('stamps each event with its row’s last change (DTSTAMP), so the feed is the same bytes until something changes', () => {
    expect(feedEvents([row('booking', 1, '2027-03-01', '2027-03-02')], 'h')[0]?.stamp).toEqual(at('2027-01-05T00:00:00.000Z'))
  })
})
