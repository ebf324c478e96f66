import { formatStay } from './stayDates'

/**
 * A booking as people name it: "Sam Lee · Villa on Lake Como · 11–15 Jan 2027" (guest · listing ·
 * stay). Stored on the booking when it is made (its `title`, the admin panel's heading, relationship
 * pickers and breadcrumbs), so it names the booking as it was booked: a guest's or listing's later
 * rename does not rewrite it. A missing name or title reads "Guest" / "Listing" rather than leaving a
 * gap; missing dates leave the stay out.
 */
export function bookingTitle(args: {
  guestName?: string | null
  listingTitle?: string | null
  checkIn?: string | null
  checkOut?: string | null
}): string {
  const guest = args.guestName?.trim() || 'Guest'
  const listing = args.listingTitle?.trim() || 'Listing'
  const stay = args.checkIn && args.checkOut ? formatStay(args.checkIn, args.checkOut) : null
  return [guest, listing, stay].filter(Boolean).join(' · ')
}
