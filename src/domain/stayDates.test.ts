import {
  addDays,
  dayNumber,
  formatDay,
  formatStay,
  isCalendarDate,
  nightsBetween,
  nightsOf,
  staysOverlap,
  timeLeft,
  weekday,
} from './stayDates'

describe('calendar dates', () => {
  it.each([
    ['2027-03-01', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2027-13-01', false],
    ['2027-3-1', false],
    ['2027-03-01T00:00:00Z', false],
    ['', false],
  ])('%s valid: %s', (date, valid) => {
    expect(isCalendarDate(date)).toBe(valid)
  })

  it.each([
    ['2027-03-01', '2027-03-03', 2],
    ['2027-03-27', '2027-03-29', 2], // across the EU daylight-saving change
    ['2027-12-31', '2028-01-01', 1],
    ['2028-02-28', '2028-03-01', 2],
    ['2027-03-03', '2027-03-01', -2],
  ])('%s → %s is %i nights', (a, b, n) => {
    expect(nightsBetween(a, b)).toBe(n)
  })

  it('weekdays, days and nights', () => {
    expect(weekday('2027-03-05')).toBe(5) // a Friday
    expect(weekday('1970-01-01')).toBe(4) // a Thursday
    expect(addDays('2027-02-27', 2)).toBe('2027-03-01')
    expect(nightsOf('2027-03-05', '2027-03-08')).toEqual(['2027-03-05', '2027-03-06', '2027-03-07'])
    expect(dayNumber('1970-01-02')).toBe(1)
  })

  it.each<[[string, string], [string, string], boolean]>([
    [['2027-03-01', '2027-03-05'], ['2027-03-05', '2027-03-07'], false], // checkout day = next check-in
    [['2027-03-01', '2027-03-05'], ['2027-03-04', '2027-03-07'], true],
    [['2027-03-01', '2027-03-05'], ['2027-02-20', '2027-03-01'], false],
    [['2027-03-01', '2027-03-05'], ['2027-03-02', '2027-03-03'], true],
  ])('%j and %j overlap: %s', ([aIn, aOut], [bIn, bOut], overlap) => {
    expect(staysOverlap({ checkIn: aIn, checkOut: aOut }, { checkIn: bIn, checkOut: bOut })).toBe(overlap)
  })
})

describe('formatStay: a stay as people write it', () => {
  it.each([
    ['2027-01-11', '2027-01-15', '11–15 Jan 2027'],
    ['2027-01-30', '2027-02-02', '30 Jan – 2 Feb 2027'],
    ['2026-12-30', '2027-01-02', '30 Dec 2026 – 2 Jan 2027'],
  ])('%s → %s: %s', (checkIn, checkOut, text) => expect(formatStay(checkIn, checkOut)).toBe(text))
})

describe('formatDay', () => {
  it.each([
    ['2026-11-30', 'Mon 30 Nov'],
    ['2027-01-01', 'Fri 1 Jan'],
    ['2027-02-28', 'Sun 28 Feb'],
  ])('%s → %s', (date, text) => expect(formatDay(date)).toBe(text))
})

describe('timeLeft', () => {
  const now = new Date('2027-01-10T12:00:00Z')
  it.each([
    ['2027-01-10T12:00:00Z', 'expired'],
    ['2027-01-10T11:00:00Z', 'expired'],
    ['2027-01-10T12:00:30Z', '1 min'],
    ['2027-01-10T12:40:30Z', '41 min'],
    ['2027-01-10T17:00:00Z', '5 h'],
    ['2027-01-12T11:00:00Z', '47 h'],
    ['2027-01-13T12:00:00Z', '3 days'],
  ])('until %s → %s', (until, text) => expect(timeLeft(new Date(until), now)).toBe(text))
})
