import { bookingTitle } from './bookingTitle'

describe('bookingTitle', () => {
  it.each([
    [
      'guest · listing · stay',
      { guestName: 'Sam Lee', listingTitle: 'Villa on Lake Como', checkIn: '2027-01-11', checkOut: '2027-01-15' },
      'Sam Lee · Villa on Lake Como · 11–15 Jan 2027',
    ],
    [
      'a stay across months',
      { guestName: 'Sam Lee', listingTitle: 'Loft', checkIn: '2027-01-30', checkOut: '2027-02-02' },
      'Sam Lee · Loft · 30 Jan – 2 Feb 2027',
    ],
    [
      'a stay across years',
      { guestName: 'Sam Lee', listingTitle: 'Loft', checkIn: '2026-12-30', checkOut: '2027-01-02' },
      'Sam Lee · Loft · 30 Dec 2026 – 2 Jan 2027',
    ],
    [
      'names are trimmed',
      { guestName: '  Ana  ', listingTitle: ' Cabin ', checkIn: '2027-03-01', checkOut: '2027-03-03' },
      'Ana · Cabin · 1–3 Mar 2027',
    ],
    [
      'no guest name',
      { guestName: null, listingTitle: 'Cabin', checkIn: '2027-03-01', checkOut: '2027-03-03' },
      'Guest · Cabin · 1–3 Mar 2027',
    ],
    [
      'a blank listing title',
      { guestName: 'Ana', listingTitle: '   ', checkIn: '2027-03-01', checkOut: '2027-03-03' },
      'Ana · Listing · 1–3 Mar 2027',
    ],
    ['no dates', { guestName: 'Ana', listingTitle: 'Cabin' }, 'Ana · Cabin'],
  ])('%s', (_, args, expected) => {
    expect(bookingTitle(args)).toBe(expected)
  })
})
