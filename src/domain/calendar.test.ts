import { daysFrom, formatMonth, holds, monthWeeks, nightsInMonth, parseMonth, pickedNights, place, shiftMonth } from './calendar'

describe('parseMonth', () => {
  it.each([
    ['2027-01', '2027-01'],
    ['2027-12', '2027-12'],
    ['2027-13', null],
    ['2027-00', null],
    ['2027-1', null],
    ['1999-12', null],
    ['2027-01-01', null],
    [' 2027-01', null],
    [202701, null],
    [undefined, null],
  ])('%p → %p', (value, month) => {
    expect(parseMonth(value)).toBe(month)
  })
})

describe('shiftMonth', () => {
  it.each([
    ['2027-01', 1, '2027-02'],
    ['2027-12', 1, '2028-01'],
    ['2027-01', -1, '2026-12'],
    ['2027-03', -14, '2026-01'],
    ['2027-06', 0, '2027-06'],
  ])('%s %+d → %s', (month, n, shifted) => {
    expect(shiftMonth(month, n)).toBe(shifted)
  })
})

describe('nightsInMonth', () => {
  it.each([
    ['2027-01', 31],
    ['2027-02', 28],
    ['2028-02', 29],
    ['2100-02', 28],
    ['2000-02', 29],
    ['2027-04', 30],
  ])('%s has %i nights', (month, nights) => {
    expect(nightsInMonth(month)).toBe(nights)
  })
})

it('formats a month as people write it', () => {
  expect(formatMonth('2027-01')).toBe('January 2027')
  expect(formatMonth('2026-12')).toBe('December 2026')
})

describe('monthWeeks', () => {
  it('runs Monday to Sunday and covers the whole month', () => {
    // 1 Feb 2027 is a Monday and February 2027 has 28 days: exactly four weeks.
    const feb = monthWeeks('2027-02')
    expect(feb).toHaveLength(4)
    expect(feb[0]![0]).toBe('2027-02-01')
    expect(feb[3]![6]).toBe('2027-02-28')
  })
  it('fills the first and last weeks with the neighbouring months', () => {
    // 1 Jan 2027 is a Friday; 31 Jan a Sunday.
    const jan = monthWeeks('2027-01')
    expect(jan[0]).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03'])
    expect(jan.at(-1)!.at(-1)).toBe('2027-01-31')
    expect(jan).toHaveLength(5)
    for (const week of jan) expect(week).toHaveLength(7)
  })
  it('takes six weeks when the month needs them', () => {
    // 1 Aug 2027 is a Sunday: 31 days starting on the last day of a week.
    expect(monthWeeks('2027-08')).toHaveLength(6)
  })
})

describe('place', () => {
  const week = '2027-01-11' // a Monday; the window is 11–17 Jan
  it.each([
    ['inside', { start: '2027-01-12', end: '2027-01-14' }, { offset: 1, length: 2, continuesBefore: false, continuesAfter: false }],
    ['from before', { start: '2027-01-08', end: '2027-01-13' }, { offset: 0, length: 2, continuesBefore: true, continuesAfter: false }],
    ['past the end', { start: '2027-01-16', end: '2027-01-20' }, { offset: 5, length: 2, continuesBefore: false, continuesAfter: true }],
    ['across', { start: '2027-01-01', end: '2027-02-01' }, { offset: 0, length: 7, continuesBefore: true, continuesAfter: true }],
    [
      'exactly the window',
      { start: '2027-01-11', end: '2027-01-18' },
      { offset: 0, length: 7, continuesBefore: false, continuesAfter: false },
    ],
    ['ending the day the window starts', { start: '2027-01-08', end: '2027-01-11' }, null],
    ['starting the day after the window', { start: '2027-01-18', end: '2027-01-20' }, null],
  ])('%s', (_, range, placement) => {
    expect(place(range, week, 7)).toEqual(placement)
  })
})

describe('pickedNights', () => {
  it('takes the nights from the first pick to the last, inclusive, in either order', () => {
    expect(pickedNights('2027-01-11', '2027-01-14')).toEqual({ start: '2027-01-11', end: '2027-01-15' })
    expect(pickedNights('2027-01-14', '2027-01-11')).toEqual({ start: '2027-01-11', end: '2027-01-15' })
    expect(pickedNights('2027-01-31', '2027-01-31')).toEqual({ start: '2027-01-31', end: '2027-02-01' })
  })
})

it('holds a half-open range of nights', () => {
  const stay = { start: '2027-01-11', end: '2027-01-15' }
  expect(['2027-01-10', '2027-01-11', '2027-01-14', '2027-01-15'].map((n) => holds(stay, n))).toEqual([false, true, true, false])
})

it('lists the days of a window', () => {
  expect(daysFrom('2027-12-30', 4)).toEqual(['2027-12-30', '2027-12-31', '2028-01-01', '2028-01-02'])
})
