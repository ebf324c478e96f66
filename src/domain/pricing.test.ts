import { type ListingPricing, percentOf, quoteStay, MAX_STAY_TOTAL, totalProblem } from './pricing'

const eur: ListingPricing = {
  currency: 'EUR',
  nightlyRate: 10000,
  weekendRate: 14000,
  cleaningFee: 5000,
  weeklyDiscountPercent: 10,
  monthlyDiscountPercent: 25,
  taxPercent: 3.5,
}

describe('quoteStay', () => {
  it.each([
    // 2027-03-01 is a Monday.
    ['2 weeknights', eur, '2027-03-01', '2027-03-03', { nights: 2, nightlySubtotal: 20000, discount: 0 }],
    ['Friday and Saturday at the weekend rate', eur, '2027-03-05', '2027-03-07', { nights: 2, nightlySubtotal: 28000, discount: 0 }],
    ['Sunday night is a weeknight', eur, '2027-03-07', '2027-03-08', { nights: 1, nightlySubtotal: 10000 }],
    ['6 nights: no discount yet', eur, '2027-03-01', '2027-03-07', { nights: 6, nightlySubtotal: 68000, discount: 0 }],
    ['7 nights: weekly 10 %', eur, '2027-03-01', '2027-03-08', { nights: 7, nightlySubtotal: 78000, discount: 7800 }],
    ['27 nights: still weekly', eur, '2027-03-01', '2027-03-28', { nights: 27, discount: percentOf(10000 * 19 + 14000 * 8, 10) }],
    ['28 nights: monthly 25 %', eur, '2027-03-01', '2027-03-29', { nights: 28, nightlySubtotal: 10000 * 20 + 14000 * 8, discount: 78000 }],
    [
      'no weekend rate: weekends at the nightly rate',
      { ...eur, weekendRate: null },
      '2027-03-05',
      '2027-03-07',
      { nightlySubtotal: 20000 },
    ],
  ])('%s', (_, pricing, checkIn, checkOut, expected) => {
    expect(quoteStay(pricing, checkIn, checkOut, 12)).toMatchObject(expected)
  })

  it('adds cleaning, a service fee and taxes on (subtotal − discount + cleaning), each rounded half-up once', () => {
    const q = quoteStay(eur, '2027-03-01', '2027-03-08', 12)
    const base = 78000 - 7800 + 5000
    expect(q).toMatchObject({ cleaningFee: 5000, serviceFee: percentOf(base, 12), taxes: percentOf(base, 3.5) })
    expect(q.serviceFee).toBe(9024)
    expect(q.taxes).toBe(2632)
    expect(q.total).toBe(base + 9024 + 2632)
    expect(q.perNight).toHaveLength(7)
    expect(q.perNight.filter((n) => n.weekend).map((n) => n.date)).toEqual(['2027-03-05', '2027-03-06'])
  })

  it('JPY has no minor unit: amounts are whole yen and round to the yen', () => {
    const jpy: ListingPricing = { currency: 'JPY', nightlyRate: 15333, cleaningFee: 3000, taxPercent: 10 }
    const q = quoteStay(jpy, '2027-03-01', '2027-03-03', 12)
    expect(q).toMatchObject({ currency: 'JPY', nightlySubtotal: 30666, serviceFee: 4040, taxes: 3367 })
    expect(q.total).toBe(30666 + 3000 + 4040 + 3367)
  })
})

describe('percentOf rounds half-up once', () => {
  it.each([
    [125, 10, 13],
    [124, 10, 12],
    [1000, 3.5, 35],
    [1, 50, 1],
    [3, 12.5, 0],
    [4, 12.5, 1],
    [33333, 0.001, 0],
    [100000, 33.333, 33333],
  ])('%i × %s %% → %i', (amount, percent, expected) => {
    expect(percentOf(amount, percent)).toBe(expected)
  })
})

describe('totalProblem: one stay is at most one payment', () => {
  it.each([
    [MAX_STAY_TOTAL, null],
    [MAX_STAY_TOTAL + 1, 'checkOut'],
    [0, null],
  ])('total %i → %s', (total, field) => {
    expect(totalProblem({ total })?.field ?? null).toBe(field)
  })
})
