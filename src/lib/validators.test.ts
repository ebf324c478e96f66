import { isCountryCode } from '@/domain/countries'
import { isClockTime } from '@/domain/listing'
import { moneyRule, numberRule, textRule } from './validators'

describe('numberRule', () => {
  const guests = numberRule({ label: 'Max guests', required: true, integer: true, min: 1, max: 50 })
  const baths = numberRule({ label: 'Bathrooms', min: 0, max: 50, step: 0.5 })
  it.each([
    [guests, 1, true],
    [guests, 50, true],
    [guests, 0, 'Max guests must be at least 1.'],
    [guests, 51, 'Max guests must be at most 50.'],
    [guests, 2.5, 'Max guests must be a whole number.'],
    [guests, undefined, 'Max guests is required.'],
    [guests, '3', 'Max guests must be a number.'],
    [guests, Number.NaN, 'Max guests must be a number.'],
    [baths, 1.5, true],
    [baths, 0.1 + 0.2 + 0.2, true],
    [baths, 1.3, 'Bathrooms must be a multiple of 0.5.'],
    [baths, null, true],
  ])('%#: %p → %p', (rule, value, expected) => {
    expect(rule(value, {})).toBe(expected)
  })
})

describe('moneyRule', () => {
  const rate = moneyRule('Nightly rate', { required: true, min: 1 })
  it.each([
    [12000, true],
    [1, true],
    [0, 'Nightly rate must be at least 1.'],
    [-5, 'Nightly rate must be at least 1.'],
    [99.5, 'Nightly rate must be a whole number.'],
    [100_000_001, 'Nightly rate must be at most 100000000.'],
  ])('%p → %p', (value, expected) => {
    expect(rate(value, {})).toBe(expected)
  })
})

describe('text checks', () => {
  const time = textRule('Check-in time', isClockTime, 'must be HH:MM.')
  it.each([
    ['15:00', true],
    ['00:00', true],
    ['23:59', true],
    ['24:00', 'Check-in time must be HH:MM.'],
    ['9:00', 'Check-in time must be HH:MM.'],
    ['', true],
  ])('time %p → %p', (value, expected) => {
    expect(time(value, {})).toBe(expected)
  })
  it.each([
    ['CH', true],
    ['PT', true],
    ['QA', true],
    ['ch', false],
    ['UK', false],
    ['XX', false],
    ['', false],
  ])('country %p → %p', (code, expected) => {
    expect(isCountryCode(code)).toBe(expected)
  })
})
