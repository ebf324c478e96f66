import { stayProblem } from './stayRules'

const limits = { minNights: 2, maxNights: 30, maxGuests: 4 }
const today = '2027-03-01'

describe('stayProblem', () => {
  it.each([
    ['an acceptable stay', '2027-03-10', '2027-03-12', 2, null],
    ['check-in today', '2027-03-01', '2027-03-03', 1, null],
    ['exactly the minimum', '2027-03-10', '2027-03-12', 4, null],
    ['exactly two years ahead', '2029-02-28', '2029-03-02', 2, null],
    ['past check-in', '2027-02-28', '2027-03-03', 2, ['checkIn', /past/]],
    ['same day out', '2027-03-10', '2027-03-10', 2, ['checkOut', /after checkIn/]],
    ['not a date', '2027-02-30', '2027-03-03', 2, ['checkIn', /YYYY-MM-DD/]],
    ['check-out not a date', '2027-03-10', '03/12/2027', 2, ['checkOut', /YYYY-MM-DD/]],
    ['too short', '2027-03-10', '2027-03-11', 2, ['checkOut', /at least 2 nights/]],
    ['too long for the listing', '2027-03-10', '2027-04-10', 2, ['checkOut', /at most 30 nights/]],
    ['longer than a year', '2027-03-10', '2028-03-11', 2, ['checkOut', /at most 365 nights/]],
    ['more than two years ahead', '2029-03-02', '2029-03-05', 2, ['checkIn', /two years/]],
    ['zero guests', '2027-03-10', '2027-03-12', 0, ['guests', /at least 1/]],
    ['half a guest', '2027-03-10', '2027-03-12', 1.5, ['guests', /whole number/]],
    ['guests as text', '2027-03-10', '2027-03-12', '2', ['guests', /whole number/]],
    ['too many guests', '2027-03-10', '2027-03-12', 5, ['guests', /at most 4 guests/]],
  ] as const)('%s', (_, checkIn, checkOut, guests, expected) => {
    const problem = stayProblem({ checkIn, checkOut, guests }, limits, today)
    if (expected === null) expect(problem).toBeNull()
    else {
      expect(problem?.field).toBe(expected[0])
      expect(problem?.message).toMatch(expected[1])
    }
  })
})
