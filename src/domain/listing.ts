/** The fixed vocabularies and limits of a listing. Pure data and checks; the collection uses them. */
export const PROPERTY_TYPES = ['apartment', 'house', 'cabin', 'villa', 'room', 'other'] as const

export const AMENITIES = [
  'wifi',
  'kitchen',
  'washer',
  'dryer',
  'air_conditioning',
  'heating',
  'pool',
  'hot_tub',
  'free_parking',
  'ev_charger',
  'workspace',
  'tv',
  'pets_allowed',
  'wheelchair_accessible',
  'self_check_in',
  'crib',
  'fireplace',
  'balcony',
  'sea_view',
  'gym',
] as const

export const CANCELLATION_POLICIES = ['flexible', 'moderate', 'strict', 'non_refundable'] as const

export const MAX_PHOTOS = 50

/** `HH:MM`, 24-hour clock. */
export const isClockTime = (value: unknown): boolean => typeof value === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(value)

export const humanize = (value: string): string => (value.charAt(0).toUpperCase() + value.slice(1)).replace(/_/g, ' ')
