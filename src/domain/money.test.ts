import { CURRENCY_CODES, formatMoney, isCurrency } from './money'

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
