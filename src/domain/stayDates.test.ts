import { addDays, dayNumber, isCalendarDate, nightsBetween, nightsOf, staysOverlap, weekday } from './stayDates'

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
