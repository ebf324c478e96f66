import { addDays, isCalendarDate, nightsBetween } from './stayDates'

/** Whether a stay may be asked for at all, before availability: the same rules for quotes and bookings. */
export const MAX_STAY_NIGHTS = 365
export const MAX_DAYS_AHEAD = 730

export type StayRequest = { checkIn: unknown; checkOut: unknown; guests: unknown }
export type StayLimits = { minNights: number; maxNights: number; maxGuests: number }

/** A message for a 400, or null when the stay is acceptable. `today` is the UTC calendar date. */
/** What is wrong with a requested stay, and which field of the request it is about. */
export type StayProblem = { field: 'checkIn' | 'checkOut' | 'guests'; message: string }

export function stayProblem(request: StayRequest, limits: StayLimits, today: string): StayProblem | null {
  const { checkIn, checkOut, guests } = request
  if (!isCalendarDate(checkIn) || !isCalendarDate(checkOut))
    return { field: isCalendarDate(checkIn) ? 'checkOut' : 'checkIn', message: 'checkIn and checkOut must be dates as YYYY-MM-DD.' }
  const [start, end] = [checkIn as string, checkOut as string]
  const nights = nightsBetween(start, end)
  if (start < today) return { field: 'checkIn', message: 'checkIn is in the past.' }
  if (nights < 1) return { field: 'checkOut', message: 'checkOut must be after checkIn.' }
  if (nights > MAX_STAY_NIGHTS) return { field: 'checkOut', message: `A stay can be at most ${MAX_STAY_NIGHTS} nights.` }
  if (start > addDays(today, MAX_DAYS_AHEAD)) return { field: 'checkIn', message: 'Bookings open at most two years ahead.' }
  if (nights < limits.minNights) return { field: 'checkOut', message: `This listing needs at least ${limits.minNights} nights.` }
  if (nights > limits.maxNights) return { field: 'checkOut', message: `This listing takes at most ${limits.maxNights} nights.` }
  if (typeof guests !== 'number' || !Number.isInteger(guests) || guests < 1)
    return { field: 'guests', message: 'guests must be a whole number, at least 1.' }
  if (guests > limits.maxGuests) return { field: 'guests', message: `This listing sleeps at most ${limits.maxGuests} guests.` }
  return null
}
