import { CURRENCY_CODES, formatMoney, formatMoneyShort, isCurrency, parseMajorUnits, toMajorText } from './money'

describe('formatMoney', () => {
  it.each([
    [12050, 'EUR', '€120.50'],
    [29000, 'GBP', '£290.00'],
    [15000, 'JPY', '¥15,000'],
    [123456789, 'USD', '$1,234,567.89'],
    [5, 'CHF', 'CHF 0.05'],
  ] as const)('%i %s → %s', (amount, currency, text) => {
    expect(formatMoney(amount, currency)).toBe(text)
  })
})

describe('formatMoneyShort', () => {
  it.each([
    [16000, 'EUR', '€160'],
    [16050, 'EUR', '€160.50'],
    [16005, 'EUR', '€160.05'],
    [1200000, 'CHF', 'CHF 12,000'],
    [12000, 'JPY', '¥12,000'],
  ] as const)('%i %s → %s', (amount, currency, text) => {
    expect(formatMoneyShort(amount, currency)).toBe(text)
  })
})

describe('isCurrency', () => {
  it('knows the listing currencies, and JPY among them', () => {
    expect(CURRENCY_CODES).toEqual(expect.arrayContaining(['EUR', 'USD', 'GBP', 'CHF', 'JPY']))
  })
  it.each([
    ['EUR', true],
    ['eur', false],
    ['XYZ', false],
    [undefined, false],
    ['toString', false],
  ])('%s → %s', (value, expected) => {
    expect(isCurrency(value)).toBe(expected)
  })
})

describe('toMajorText: an amount as a person types it', () => {
  it.each([
    [16000, 'EUR', '160.00'],
    [5, 'EUR', '0.05'],
    [0, 'CHF', '0.00'],
    [12000, 'JPY', '12000'],
    [123456789, 'USD', '1234567.89'],
  ] as const)('%i %s → %s', (amount, currency, text) => {
    expect(toMajorText(amount, currency)).toBe(text)
  })
})

describe('parseMajorUnits: what a person typed, in minor units', () => {
  it.each([
    ['160', 'EUR', 16000],
    ['160.00', 'EUR', 16000],
    ['160.5', 'EUR', 16050],
    [' 160.50 ', 'EUR', 16050],
    ['0.29', 'EUR', 29],
    ['.5', 'EUR', 50],
    ['160.', 'EUR', 16000],
    ['1,600.00', 'EUR', 160000],
    ['€160', 'EUR', 16000],
    ['EUR 160', 'EUR', 16000],
    ['CHF 99.90', 'CHF', 9990],
    ['¥12,000', 'JPY', 12000],
    ['12000', 'JPY', 12000],
    ['160.00', 'JPY', 160],
    ['0', 'USD', 0],
  ] as const)('%j in %s → %i', (text, currency, minor) => {
    expect(parseMajorUnits(text, currency)).toBe(minor)
  })
  it.each([
    ['', 'EUR'],
    ['.', 'EUR'],
    ['abc', 'EUR'],
    ['160.005', 'EUR'],
    ['1.600', 'EUR'],
    ['2.500', 'EUR'],
    ['12.000', 'JPY'],
    ['160.000', 'EUR'],
    ['160.5', 'JPY'],
    ['-160', 'EUR'],
    ['+160', 'EUR'],
    ['1e3', 'EUR'],
    ['1,60', 'EUR'],
    ['1,6000', 'EUR'],
    ['160,00', 'EUR'],
    ['$160', 'EUR'],
    ['99999999999999999999', 'EUR'],
  ] as const)('%j in %s is not an amount', (text, currency) => {
    expect(parseMajorUnits(text, currency)).toBeNull()
  })
  it('round-trips every amount it prints', () => {
    for (const currency of ['EUR', 'JPY'] as const)
      for (const amount of [0, 1, 99, 100, 16000, 123456]) expect(parseMajorUnits(toMajorText(amount, currency), currency)).toBe(amount)
  })
})
