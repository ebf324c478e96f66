import fc from 'fast-check'

import { average2, checkReviewAllowed, listingRatings, reviewWindowClosesAt } from './reviews'

const base = { isGuest: true, isHost: false, bookingStatus: 'completed', checkOut: '2027-03-10', windowDays: 14 }

describe('checkReviewAllowed', () => {
  it('the guest reviews the stay, the host the guest, nobody else either', () => {
    expect(checkReviewAllowed({ ...base, subject: 'property', now: new Date('2027-03-11T09:00:00Z') })).toBeNull()
    expect(checkReviewAllowed({ ...base, subject: 'guest', now: new Date('2027-03-11T09:00:00Z') })).toMatchObject({ kind: 'forbidden' })
    expect(
      checkReviewAllowed({ ...base, isGuest: false, isHost: true, subject: 'guest', now: new Date('2027-03-11T09:00:00Z') }),
    ).toBeNull()
    expect(
      checkReviewAllowed({ ...base, isGuest: false, isHost: true, subject: 'property', now: new Date('2027-03-11T09:00:00Z') }),
    ).toMatchObject({ kind: 'forbidden' })
    expect(checkReviewAllowed({ ...base, isGuest: false, subject: 'property', now: new Date('2027-03-11T09:00:00Z') })).toMatchObject({
      kind: 'forbidden',
    })
  })

  it.each(['confirmed', 'cancelled', 'awaiting_payment', 'expired'])('a %s booking cannot be reviewed (409)', (bookingStatus) => {
    expect(checkReviewAllowed({ ...base, bookingStatus, subject: 'property', now: new Date('2027-03-11T09:00:00Z') })).toMatchObject({
      kind: 'conflict',
    })
  })

  it('the window is open through the 14th day after check-out (UTC) and closed after (422)', () => {
    expect(reviewWindowClosesAt('2027-03-10', 14).toISOString()).toBe('2027-03-25T00:00:00.000Z')
    expect(checkReviewAllowed({ ...base, subject: 'property', now: new Date('2027-03-24T23:59:59Z') })).toBeNull()
    const closed = checkReviewAllowed({ ...base, subject: 'property', now: new Date('2027-03-25T00:00:00Z') })
    expect(closed).toEqual({
      kind: 'closed',
      message: 'The review window for this stay closed on 2027-03-24 (14 days after check-out).',
      code: 'REVIEW_WINDOW_CLOSED',
    })
  })
})

describe('average2', () => {
  it.each([
    [9, 2, 4.5],
    [14, 3, 4.67],
    [13, 8, 1.63], // 1.625 rounds half-up
    [10, 3, 3.33],
    [5, 1, 5],
    [0, 0, null],
  ])('%i / %i → %p', (sum, count, expected) => {
    expect(average2(sum, count)).toBe(expected)
  })

  it('is the exact quotient rounded half-up to 2 decimals (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 500 }), (ratings) => {
        const sum = ratings.reduce((a, b) => a + b, 0)
        const cents = Math.round(average2(sum, ratings.length)! * 100)
        // cents/100 is within half a cent of the mean, and ties go up.
        const twice = 2 * sum * 100 - (2 * cents - 1) * ratings.length
        expect(twice).toBeGreaterThanOrEqual(0)
        expect(2 * sum * 100 - (2 * cents + 1) * ratings.length).toBeLessThan(0)
      }),
    )
  })
})

describe('listingRatings', () => {
  it('averages the rating over all reviews and each sub-rating over the reviews that gave it', () => {
    const result = listingRatings([
      { rating: 5, subRatings: { cleanliness: 5, accuracy: 4, communication: 5, location: 3, checkIn: 5, value: 4 } },
      { rating: 4, subRatings: { cleanliness: 4, accuracy: 4, communication: 5, location: 4, checkIn: 5, value: 3 } },
      { rating: 2, subRatings: null },
    ])
    expect(result).toEqual({
      ratingAverage: 3.67,
      reviewCount: 3,
      ratingBreakdown: { cleanliness: 4.5, accuracy: 4, communication: 5, location: 3.5, checkIn: 5, value: 3.5 },
    })
  })

  it('no reviews → no averages', () => {
    expect(listingRatings([])).toEqual({
      ratingAverage: null,
      reviewCount: 0,
      ratingBreakdown: { cleanliness: null, accuracy: null, communication: null, location: null, checkIn: null, value: null },
    })
  })
})
