import { receiptLines } from './receipt'

describe('receiptLines: the quote as a receipt', () => {
  it('groups nights by rate (a weekend rate is its own line), then discount, fees, taxes and the total', () => {
    expect(
      receiptLines({
        currency: 'CHF',
        nightlySubtotal: 92_000,
        discount: 9_200,
        cleaningFee: 5_000,
        serviceFee: 10_536,
        taxes: 3_073,
        total: 101_409,
        perNight: [
          { date: '2027-01-11', rate: 18_000, weekend: false },
          { date: '2027-01-12', rate: 18_000, weekend: false },
          { date: '2027-01-15', rate: 20_000, weekend: true },
          { date: '2027-01-16', rate: 20_000, weekend: true },
          { date: '2027-01-17', rate: 16_000, weekend: false },
        ],
      }),
    ).toEqual([
      { label: '2 nights × CHF 180.00', amount: 'CHF 360.00', kind: 'nights' },
      { label: '2 nights × CHF 200.00', amount: 'CHF 400.00', kind: 'nights' },
      { label: '1 night × CHF 160.00', amount: 'CHF 160.00', kind: 'nights' },
      { label: 'Discount', amount: '−CHF 92.00', kind: 'discount' },
      { label: 'Cleaning fee', amount: 'CHF 50.00', kind: 'fee' },
      { label: 'Service fee', amount: 'CHF 105.36', kind: 'fee' },
      { label: 'Taxes', amount: 'CHF 30.73', kind: 'fee' },
      { label: 'Total', amount: 'CHF 1,014.09', kind: 'total' },
    ])
  })

  it('leaves out lines that are zero, and works in a currency without minor units', () => {
    expect(
      receiptLines({
        currency: 'JPY',
        nightlySubtotal: 24_000,
        discount: 0,
        cleaningFee: 0,
        serviceFee: 2_880,
        taxes: null,
        total: 26_880,
        perNight: [
          { rate: 12_000, weekend: false },
          { rate: 12_000, weekend: false },
        ],
      }),
    ).toEqual([
      { label: '2 nights × ¥12,000', amount: '¥24,000', kind: 'nights' },
      { label: 'Service fee', amount: '¥2,880', kind: 'fee' },
      { label: 'Total', amount: '¥26,880', kind: 'total' },
    ])
  })

  it('a listing without a weekend rate: its weekend nights are at the nightly rate, on one line', () => {
    const perNight = [
      { rate: 18_000, weekend: false },
      { rate: 18_000, weekend: true },
      { rate: 18_000, weekend: true },
    ]
    expect(receiptLines({ currency: 'EUR', nightlySubtotal: 54_000, total: 54_000, perNight })[0]).toEqual({
      label: '3 nights × €180.00',
      amount: '€540.00',
      kind: 'nights',
    })
  })

  it('a quote without nightly rows shows its subtotal', () => {
    expect(receiptLines({ currency: 'EUR', nightlySubtotal: 30_000, total: 30_000, perNight: [] })).toEqual([
      { label: 'Nights', amount: '€300.00', kind: 'nights' },
      { label: 'Total', amount: '€300.00', kind: 'total' },
    ])
  })
})
