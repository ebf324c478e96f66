/** Words for names, titles, descriptions and review comments. Deterministic through the caller's Rng. */
import type { Rng } from './rng'

export const FIRST_NAMES = [
  'Ada',
  'Alex',
  'Amara',
  'Ana',
  'Ben',
  'Bruno',
  'Carla',
  'Chen',
  'Chloé',
  'Daniel',
  'Elena',
  'Emma',
  'Farah',
  'Felix',
  'Giulia',
  'Hana',
  'Hugo',
  'Ines',
  'Ivan',
  'Jana',
  'João',
  'Kai',
  'Kenji',
  'Lars',
  'Laura',
  'Leila',
  'Lucas',
  'Maja',
  'Marco',
  'Maria',
  'Mei',
  'Mohamed',
  'Nadia',
  'Noah',
  'Olga',
  'Omar',
  'Pablo',
  'Priya',
  'Rosa',
  'Sam',
  'Sara',
  'Sofia',
  'Tariq',
  'Tom',
  'Uma',
  'Victor',
  'Wen',
  'Yara',
  'Yusuf',
  'Zoé',
]
export const LAST_NAMES = [
  'Andersen',
  'Becker',
  'Costa',
  'Dubois',
  'Eriksson',
  'Fischer',
  'García',
  'Hansen',
  'Ito',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Martin',
  'Müller',
  'Nakamura',
  'Novak',
  'Olsen',
  'Petrov',
  'Quinn',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Smith',
  'Tanaka',
  'Todorov',
  'Ueda',
  'Varga',
  'Weber',
  'Wong',
  'Yilmaz',
  'Zhang',
]

const ADJECTIVES = [
  'Sunny',
  'Cosy',
  'Bright',
  'Quiet',
  'Charming',
  'Modern',
  'Spacious',
  'Stylish',
  'Rustic',
  'Elegant',
  'Airy',
  'Peaceful',
  'Renovated',
  'Historic',
  'Light-filled',
  'Minimalist',
]
const NOUNS: Record<string, string[]> & { other: string[] } = {
  apartment: ['apartment', 'flat', 'loft', 'studio', 'penthouse'],
  house: ['house', 'townhouse', 'cottage', 'family home'],
  cabin: ['cabin', 'chalet', 'lodge', 'hut'],
  villa: ['villa', 'estate', 'pool villa'],
  room: ['room', 'guest room', 'private room', 'double room'],
  other: ['houseboat', 'tiny house', 'yurt', 'treehouse', 'farm stay'],
}
const FEATURES = [
  'near the old town',
  'with balcony',
  'with garden',
  'by the sea',
  'with a view',
  'close to the station',
  'in the centre',
  'with terrace',
  'by the park',
  'with fast wifi',
  'with pool',
  'on a quiet street',
  'with parking',
  'near the river',
]
const OPENERS = [
  'A calm base for exploring the city on foot.',
  'Wake up to morning light and the sound of the street café below.',
  'Renovated last year with a fully equipped kitchen and a comfortable bed.',
  'Ideal for families: there is space for everyone and a park around the corner.',
  'Five minutes from public transport, shops and restaurants.',
  'A peaceful retreat with plenty of room to unwind after a day out.',
  'Designed for remote work: a proper desk, fast wifi and good coffee.',
  'Surrounded by nature, yet only a short drive from town.',
]
const DETAILS = [
  'Fresh linen and towels are provided; check-in is contactless.',
  'The host lives nearby and is happy to share local tips.',
  'There is a supermarket and a bakery within walking distance.',
  'Quiet hours after 22:00, please respect the neighbours.',
  'Free street parking is usually available in front of the building.',
  'The building has a lift; the apartment is on the third floor.',
  'A welcome basket with local products awaits you on arrival.',
  'Bikes are available to borrow for exploring the area.',
]
export const HOUSE_RULES = [
  'No smoking inside.',
  'No parties or events. Quiet hours 22:00–07:00.',
  'Pets welcome on request.',
  'Please remove shoes indoors.',
  '',
]
export const STREETS = [
  'Main Street',
  'Station Road',
  'Church Lane',
  'Harbour Street',
  'Market Square',
  'Park Avenue',
  'Rose Street',
  'Mill Road',
  'Garden Way',
  'River Walk',
  'Hill Street',
  'Old Town Row',
]

export const title = (rng: Rng, type: string, city: string): string =>
  `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS[type] ?? NOUNS.other)} ${rng.pick(FEATURES)} in ${city}`.slice(0, 120)

export const descriptionParagraphs = (rng: Rng): string[] => [rng.pick(OPENERS), rng.pick(DETAILS), rng.pick(DETAILS)]

const GOOD = [
  'Wonderful stay, exactly as described. We would come back any time.',
  'Great location and a very responsive host. Highly recommended!',
  'Spotless, comfortable and quiet. Everything we needed was there.',
  'Lovely place with a beautiful view. The check-in was easy.',
]
const MIXED = [
  'Good value overall, though the street was noisier than expected.',
  'Nice apartment, but the wifi was slow during our stay.',
  'Decent place for a short stay; the beds could be more comfortable.',
]
const BAD = [
  'Not as clean as the photos suggested, and check-in was delayed.',
  'Disappointing: the heating did not work and the host was hard to reach.',
]
const GUEST_NOTES = [
  'A pleasure to host, left the place tidy. Welcome back!',
  'Great communication and very respectful of the house rules.',
  'Friendly guests, no issues at all.',
  'Left the kitchen a bit messy but otherwise fine.',
]
export const RESPONSES = [
  'Thank you for staying with us — hope to see you again!',
  'Thanks for the feedback, we have fixed the wifi since.',
  'Glad you enjoyed the view!',
]
export const CANCEL_REASONS = [
  'Change of travel plans.',
  'Found a place closer to the venue.',
  'Family emergency.',
  'The listing needs urgent repairs.',
  null,
  null,
]
export const MESSAGES = [
  'Hi! We are arriving in the evening, is a late check-in possible?',
  'Travelling with a toddler — is a crib available?',
  'Looking forward to our stay!',
  'Could we store our luggage after check-out?',
]

export const comment = (rng: Rng, subject: 'property' | 'guest', rating: number): string =>
  subject === 'guest' ? rng.pick(GUEST_NOTES) : rating >= 4 ? rng.pick(GOOD) : rating === 3 ? rng.pick(MIXED) : rng.pick(BAD)
