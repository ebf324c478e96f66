import type { Stack } from './stack'
import { type TestUser, rest } from './api'

/** A valid listing body; tests override what they are about. */
export function listingInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Sunny flat near the lake',
    propertyType: 'apartment',
    address: { line1: 'Seestrasse 1', city: 'Zürich', postalCode: '8002', country: 'CH' },
    location: { latitude: 47.3601, longitude: 8.5365 },
    maxGuests: 4,
    bedrooms: 2,
    beds: 2,
    bathrooms: 1.5,
    amenities: ['wifi', 'kitchen'],
    pricing: {
      currency: 'CHF',
      nightlyRate: 18000,
      cleaningFee: 5000,
      weeklyDiscountPercent: 10,
      monthlyDiscountPercent: 20,
      taxPercent: 3.5,
    },
    minNights: 2,
    maxNights: 30,
    cancellationPolicy: 'moderate',
    ...overrides,
  }
}

export async function createListing(
  stack: Stack,
  host: TestUser,
  overrides: Record<string, unknown> = {},
  options: { publish?: boolean } = {},
): Promise<{ id: number; slug: string; [key: string]: unknown }> {
  const res = await rest(stack, 'POST', '/api/properties', {
    token: host.token,
    body: listingInput({ ...(options.publish ? { _status: 'published' } : {}), ...overrides }),
  })
  if (res.status !== 201) throw new Error(`create listing failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc
}
