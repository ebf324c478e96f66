import {
  type OccupancyBlock,
  type OccupancyListing,
  type OccupancyStay,
  allocate,
  formatOccupancy,
  hostShare,
  nightlyShares,
  occupancyReport,
  twoMonthsFrom,
} from './occupancy'
import { formatMonthShort, monthRange, nightsInMonth } from './calendar'
import { nightsOf } from './stayDates'

/** A stay at a flat rate (or the rates given, one per night), no discount or cleaning unless given. */
function stay(
  listing: number,
  checkIn: string,
  checkOut: string,
  o: {
    status?: string
    currency?: string
    rate?: number
    rates?: number[]
    discount?: number
    cleaningFee?: number
    /** Service fee and taxes on top of the host's share. */
    fees?: number
    refunded?: number
  } = {},
): OccupancyStay {
  const nights = nightsOf(checkIn, checkOut)
  const rates = o.rates ?? nights.map(() => o.rate ?? 10_000)
  return {
    listing,
    status: o.status ?? 'confirmed',
    checkIn,
    checkOut,
    quote: {
      currency: o.currency ?? 'EUR',
      nightlySubtotal: rates.reduce((a, b) => a + b, 0),
      discount: o.discount ?? 0,
      cleaningFee: o.cleaningFee ?? 0,
      total: rates.reduce((a, b) => a + b, 0) - (o.discount ?? 0) + (o.cleaningFee ?? 0) + (o.fees ?? 0),
      perNight: nights.map((date, i) => ({ date, rate: rates[i]! })),
    },
    refunded: o.refunded ?? null,
  }
}
const block = (listing: number, startDate: string, endDate: string): OccupancyBlock => ({ listing, startDate, endDate })
const villa: OccupancyListing = { id: 1, title: 'Villa', currency: 'EUR' }
const flat: OccupancyListing = { id: 2, title: 'Flat', currency: 'CHF' }

describe('months', () => {
  it.each([
    ['2027-01', 31, '2027-01-01', '2027-02-01'],
    ['2027-02', 28, '2027-02-01', '2027-03-01'],
    ['2028-02', 29, '2028-02-01', '2028-03-01'],
    ['2027-04', 30, '2027-04-01', '2027-05-01'],
    ['2026-12', 31, '2026-12-01', '2027-01-01'],
  ])('%s has %i nights, [%s, %s)', (month, nights, start, end) => {
    expect(nightsInMonth(month)).toBe(nights)
    expect(monthRange(month)).toEqual({ start, end })
  })

  it('this month and next span both, across a year end', () => {
    expect(twoMonthsFrom('2026-12-15')).toEqual({ months: ['2026-12', '2027-01'], start: '2026-12-01', end: '2027-02-01' })
    expect(formatMonthShort('2027-01')).toBe('Jan 2027')
  })
})

describe('allocate: exact integer split in proportion', () => {
  it.each([
    ['even', 100, [1, 1, 1, 1], [25, 25, 25, 25]],
    ['remainder to the largest fractions, earlier first on a tie', 100, [1, 1, 1], [34, 33, 33]],
    ['by rate', 1_000, [100, 100, 200], [250, 250, 500]],
    ['by rate with leftovers', 1_001, [100, 100, 200], [250, 250, 501]],
    ['zero weights count as equal', 10, [0, 0], [5, 5]],
    ['nothing to split', 0, [3, 7], [0, 0]],
    ['past 2^53 in the products', 99_999_999, [99_999_999, 1], [99_999_998, 1]],
  ])('%s', (_, total, weights, expected) => {
    const parts = allocate(total, weights)
    expect(parts).toEqual(expected)
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total)
  })
})

describe("the host's share", () => {
  it.each([
    ['subtotal − discount + cleaning', stay(1, '2027-01-04', '2027-01-11', { rate: 10_000, discount: 7_000, cleaningFee: 5_000 }), 68_000],
    ['less the refund', stay(1, '2027-01-04', '2027-01-06', { rate: 10_000, refunded: 5_000 }), 15_000],
    // Half the total back to the guest (fees and taxes included) takes half the host's share.
    [
      'less the host’s part of a refund of the whole',
      stay(1, '2027-01-04', '2027-01-06', { rate: 10_000, fees: 4_000, refunded: 12_000 }),
      10_000,
    ],
    ['the host’s part rounds half up', stay(1, '2027-01-04', '2027-01-06', { rate: 10_000, fees: 4_000, refunded: 1 }), 19_999],
    ['a full refund leaves nothing', stay(1, '2027-01-04', '2027-01-06', { rate: 10_000, fees: 4_000, refunded: 24_000 }), 0],
    ['never below zero', stay(1, '2027-01-04', '2027-01-06', { rate: 10_000, refunded: 30_000 }), 0],
    ['no quote, nothing', { ...stay(1, '2027-01-04', '2027-01-06'), quote: null }, 0],
  ])('%s', (_, s, expected) => expect(hostShare(s)).toBe(expected))

  it('spreads over the nights by rate: a weekend night carries more', () => {
    // Thu, Fri (weekend rate), Sat (weekend rate); cleaning 3,000 spread by rate too.
    const s = stay(1, '2027-01-07', '2027-01-10', { rates: [10_000, 20_000, 20_000], cleaningFee: 5_000 })
    expect(nightlyShares(s)).toEqual([
      { date: '2027-01-07', amount: 11_000 },
      { date: '2027-01-08', amount: 22_000 },
      { date: '2027-01-09', amount: 22_000 },
    ])
  })

  it('rates that do not match the nights weigh every night the same', () => {
    const s = { ...stay(1, '2027-01-07', '2027-01-10'), quote: { currency: 'EUR', nightlySubtotal: 100, perNight: [] } }
    expect(nightlyShares(s).map((n) => n.amount)).toEqual([34, 33, 33])
  })
})

describe('occupancyReport', () => {
  const months = ['2027-01', '2027-02']
  const report = (stays: OccupancyStay[], blocks: OccupancyBlock[] = [], listings = [villa]) =>
    occupancyReport({ months, listings, stays, blocks })
  const cell = (r: ReturnType<typeof report>, listing: number, month: number) => {
    const f = r.listings.find((l) => l.listing.id === listing)!.months[month]!
    return { booked: f.booked, blocked: f.blocked, occupancy: f.occupancy, earnings: f.earnings }
  }

  it.each<[string, OccupancyStay[], OccupancyBlock[], ReturnType<typeof cell>, ReturnType<typeof cell>]>([
    [
      'nothing booked',
      [],
      [],
      { booked: 0, blocked: 0, occupancy: 0, earnings: {} },
      { booked: 0, blocked: 0, occupancy: 0, earnings: {} },
    ],
    [
      'a stay 30 Jan – 3 Feb: 2 nights in each month, the share split by night',
      [stay(1, '2027-01-30', '2027-02-03', { rate: 10_000, cleaningFee: 4_000 })],
      [],
      { booked: 2, blocked: 0, occupancy: 2 / 31, earnings: { EUR: 22_000 } },
      { booked: 2, blocked: 0, occupancy: 2 / 28, earnings: { EUR: 22_000 } },
    ],
    [
      'blocked nights leave fewer to fill; a block crossing the month end is clipped',
      [stay(1, '2027-01-10', '2027-01-20')],
      [block(1, '2027-01-01', '2027-01-11'), block(1, '2027-01-29', '2027-02-05')],
      // Jan: 10 + 3 blocked → 10 / 18; Feb: 4 blocked → 0 / 24. (A block and a stay never share a night.)
      { booked: 10, blocked: 13, occupancy: 10 / 18, earnings: { EUR: 100_000 } },
      { booked: 0, blocked: 4, occupancy: 0, earnings: {} },
    ],
    [
      'a listing fully blocked has no occupancy, not a division by zero',
      [],
      [block(1, '2026-12-20', '2027-02-01')],
      { booked: 0, blocked: 31, occupancy: null, earnings: {} },
      { booked: 0, blocked: 0, occupancy: 0, earnings: {} },
    ],
    [
      'overlapping blocks count a night once',
      [],
      [block(1, '2027-02-01', '2027-02-10'), block(1, '2027-02-05', '2027-02-15')],
      { booked: 0, blocked: 0, occupancy: 0, earnings: {} },
      { booked: 0, blocked: 14, occupancy: 0, earnings: {} },
    ],
    [
      'a refund comes off the stay, spread with it',
      [stay(1, '2027-01-31', '2027-02-02', { rate: 10_000, refunded: 5_000 })],
      [],
      { booked: 1, blocked: 0, occupancy: 1 / 31, earnings: { EUR: 7_500 } },
      { booked: 1, blocked: 0, occupancy: 1 / 28, earnings: { EUR: 7_500 } },
    ],
    [
      'requested, awaiting payment, declined, expired and cancelled stays count for nothing; completed ones do',
      [
        stay(1, '2027-01-01', '2027-01-03', { status: 'requested' }),
        stay(1, '2027-01-03', '2027-01-05', { status: 'awaiting_payment' }),
        stay(1, '2027-01-05', '2027-01-07', { status: 'cancelled' }),
        stay(1, '2027-01-07', '2027-01-09', { status: 'declined' }),
        stay(1, '2027-01-09', '2027-01-11', { status: 'expired' }),
        stay(1, '2027-01-11', '2027-01-12', { status: 'completed' }),
      ],
      [],
      { booked: 1, blocked: 0, occupancy: 1 / 31, earnings: { EUR: 10_000 } },
      { booked: 0, blocked: 0, occupancy: 0, earnings: {} },
    ],
    [
      'stays before and after the two months, and of other listings, are ignored',
      [stay(1, '2026-12-01', '2027-01-01'), stay(1, '2027-03-01', '2027-03-05'), stay(99, '2027-01-10', '2027-01-12')],
      [block(99, '2027-01-01', '2027-02-01')],
      { booked: 0, blocked: 0, occupancy: 0, earnings: {} },
      { booked: 0, blocked: 0, occupancy: 0, earnings: {} },
    ],
    [
      'a listing whose stays were paid in two currencies earns in both',
      [stay(1, '2027-01-10', '2027-01-12', { currency: 'EUR' }), stay(1, '2027-01-20', '2027-01-21', { currency: 'CHF', rate: 20_000 })],
      [],
      { booked: 3, blocked: 0, occupancy: 3 / 31, earnings: { EUR: 20_000, CHF: 20_000 } },
      { booked: 0, blocked: 0, occupancy: 0, earnings: {} },
    ],
  ])('%s', (_, stays, blocks, january, february) => {
    const r = report(stays, blocks)
    expect(cell(r, 1, 0)).toEqual(january)
    expect(cell(r, 1, 1)).toEqual(february)
  })

  it('a leap February has 29 nights to fill', () => {
    const r = occupancyReport({ months: ['2028-02'], listings: [villa], stays: [stay(1, '2028-02-28', '2028-03-01')], blocks: [] })
    expect(r.listings[0]!.months[0]).toMatchObject({ nights: 29, booked: 2, occupancy: 2 / 29 })
  })

  it('an April has 30', () => {
    const r = occupancyReport({ months: ['2027-04'], listings: [villa], stays: [stay(1, '2027-03-31', '2027-04-04')], blocks: [] })
    expect(r.listings[0]!.months[0]).toMatchObject({ nights: 30, booked: 3, occupancy: 3 / 30, earnings: { EUR: 30_000 } })
  })

  it('totals per currency: occupancy over the listings priced in it, earnings of every stay paid in it', () => {
    const r = report(
      [
        stay(1, '2027-01-30', '2027-02-03', { rate: 10_000 }),
        stay(2, '2027-01-01', '2027-01-11', { currency: 'CHF', rate: 15_000 }),
        // The villa was once priced in CHF.
        stay(1, '2027-01-05', '2027-01-06', { currency: 'CHF', rate: 12_000 }),
      ],
      [block(2, '2027-02-01', '2027-03-01')],
      [villa, flat],
    )
    expect(r.totals.map((t) => t.currency)).toEqual(['CHF', 'EUR'])
    const [chf, eur] = r.totals
    expect(chf!.months[0]).toMatchObject({ nights: 31, booked: 10, occupancy: 10 / 31, earnings: { CHF: 162_000 } })
    // The flat is blocked all February: nothing to fill in CHF-priced listings.
    expect(chf!.months[1]).toMatchObject({ nights: 28, blocked: 28, occupancy: null, earnings: {} })
    expect(eur!.months[0]).toMatchObject({ nights: 31, booked: 3, occupancy: 3 / 31, earnings: { EUR: 20_000 } })
    expect(eur!.months[1]).toMatchObject({ booked: 2, earnings: { EUR: 20_000 } })
  })

  it('the parts of every stay add up to its share, whatever the months', () => {
    const s = stay(1, '2027-01-25', '2027-02-08', {
      rates: [9_999, 10_001, 12_345, 7, 1, 3, 5, 8, 13, 21, 34, 55, 89, 144],
      discount: 3_333,
      cleaningFee: 4_999,
    })
    const r = report([s])
    const sum = (cell(r, 1, 0).earnings.EUR ?? 0) + (cell(r, 1, 1).earnings.EUR ?? 0)
    expect(sum).toBe(hostShare(s))
  })
})

describe('formatOccupancy', () => {
  it.each([
    [null, '—'],
    [0, '0%'],
    [2 / 3, '67%'],
    [1, '100%'],
  ])('%p → %s', (value, text) => expect(formatOccupancy(value)).toBe(text))
})
