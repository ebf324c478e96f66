/**
 * Where the generated listings are: 40 countries, each with its best-known destinations at their real
 * coordinates (rounded), and a popularity weight (raised to the power 1.3 so the few huge ones dominate:
 * Paris gets ~3.3 % of all listings, ~3,300 at 100k). `makeCities` fills the rest of the ~2,000 cities
 * with small towns around them (invented names, real-ish positions), which share what the destinations leave.
 */
import type { Currency } from '@/domain/money'
import type { Rng } from './rng'

export type City = {
  name: string
  country: string
  currency: Currency
  region: string
  lat: number
  lng: number
  /** Spread of the listings around the centre, km. */
  radiusKm: number
  weight: number
  /** Price level relative to the country's (1 = typical). */
  priceFactor: number
}

type Country = { code: string; currency: Currency; priceLevel: number; cities: string }

// "Name|lat|lng|weight|region" per line.
const COUNTRIES: Country[] = [
  {
    code: 'FR',
    currency: 'EUR',
    priceLevel: 1.0,
    cities: `Paris|48.857|2.352|33|Île-de-France
Nice|43.703|7.266|9|Provence-Alpes-Côte d'Azur
Marseille|43.296|5.370|6|Provence-Alpes-Côte d'Azur
Lyon|45.764|4.836|6|Auvergne-Rhône-Alpes
Bordeaux|44.838|-0.579|5|Nouvelle-Aquitaine
Chamonix|45.924|6.870|3|Auvergne-Rhône-Alpes
Strasbourg|48.573|7.752|3|Grand Est
Cannes|43.552|7.017|3|Provence-Alpes-Côte d'Azur`,
  },
  {
    code: 'GB',
    currency: 'GBP',
    priceLevel: 1.05,
    cities: `London|51.507|-0.128|30|England
Edinburgh|55.953|-3.188|8|Scotland
Manchester|53.481|-2.242|4|England
Bath|51.381|-2.359|2|England
Liverpool|53.408|-2.991|3|England
Brighton|50.822|-0.137|3|England`,
  },
  {
    code: 'US',
    currency: 'USD',
    priceLevel: 1.15,
    cities: `New York|40.713|-74.006|28|New York
Los Angeles|34.052|-118.244|18|California
Miami|25.762|-80.192|12|Florida
San Francisco|37.775|-122.419|9|California
Chicago|41.878|-87.630|8|Illinois
Las Vegas|36.170|-115.140|7|Nevada
Orlando|28.538|-81.379|9|Florida
New Orleans|29.951|-90.072|5|Louisiana
Austin|30.267|-97.743|5|Texas
Seattle|47.606|-122.332|5|Washington
Honolulu|21.307|-157.858|6|Hawaii
Boston|42.360|-71.059|5|Massachusetts
Nashville|36.163|-86.781|4|Tennessee
San Diego|32.716|-117.161|6|California`,
  },
  {
    code: 'IT',
    currency: 'EUR',
    priceLevel: 0.95,
    cities: `Rome|41.903|12.496|22|Lazio
Florence|43.770|11.256|10|Tuscany
Venice|45.441|12.316|9|Veneto
Milan|45.464|9.190|9|Lombardy
Naples|40.852|14.268|5|Campania
Amalfi|40.634|14.603|3|Campania
Bologna|44.494|11.343|4|Emilia-Romagna
Palermo|38.116|13.361|3|Sicily`,
  },
  {
    code: 'ES',
    currency: 'EUR',
    priceLevel: 0.85,
    cities: `Barcelona|41.385|2.173|20|Catalonia
Madrid|40.417|-3.704|14|Community of Madrid
Seville|37.389|-5.985|6|Andalusia
Valencia|39.470|-0.376|6|Valencian Community
Málaga|36.721|-4.421|7|Andalusia
Palma|39.570|2.650|7|Balearic Islands
Granada|37.177|-3.599|3|Andalusia
Ibiza|38.907|1.421|4|Balearic Islands`,
  },
  {
    code: 'PT',
    currency: 'EUR',
    priceLevel: 0.75,
    cities: `Lisbon|38.722|-9.139|14|Lisbon
Porto|41.158|-8.629|9|Porto
Lagos|37.102|-8.673|4|Faro
Funchal|32.651|-16.908|4|Madeira
Albufeira|37.089|-8.250|4|Faro`,
  },
  {
    code: 'DE',
    currency: 'EUR',
    priceLevel: 0.9,
    cities: `Berlin|52.520|13.405|12|Berlin
Munich|48.135|11.582|8|Bavaria
Hamburg|53.551|9.994|6|Hamburg
Cologne|50.938|6.960|4|North Rhine-Westphalia
Dresden|51.050|13.738|3|Saxony
Frankfurt|50.110|8.682|3|Hesse`,
  },
  {
    code: 'NL',
    currency: 'EUR',
    priceLevel: 1.1,
    cities: `Amsterdam|52.368|4.904|12|North Holland
Rotterdam|51.924|4.478|3|South Holland
Utrecht|52.091|5.122|2|Utrecht
The Hague|52.070|4.300|2|South Holland`,
  },
  {
    code: 'CH',
    currency: 'CHF',
    priceLevel: 1.5,
    cities: `Zürich|47.377|8.541|5|Zürich
Geneva|46.204|6.143|4|Geneva
Zermatt|46.020|7.749|3|Valais
Lucerne|47.050|8.309|3|Lucerne
Interlaken|46.686|7.863|3|Bern
St. Moritz|46.498|9.839|2|Graubünden`,
  },
  {
    code: 'AT',
    currency: 'EUR',
    priceLevel: 0.95,
    cities: `Vienna|48.208|16.373|8|Vienna
Salzburg|47.809|13.055|4|Salzburg
Innsbruck|47.269|11.404|3|Tyrol
Kitzbühel|47.446|12.392|2|Tyrol`,
  },
  {
    code: 'GR',
    currency: 'EUR',
    priceLevel: 0.8,
    cities: `Athens|37.984|23.728|9|Attica
Santorini|36.393|25.461|5|South Aegean
Mykonos|37.446|25.329|4|South Aegean
Thessaloniki|40.640|22.944|3|Central Macedonia
Chania|35.514|24.018|4|Crete`,
  },
  {
    code: 'HR',
    currency: 'EUR',
    priceLevel: 0.7,
    cities: `Dubrovnik|42.651|18.094|5|Dubrovnik-Neretva
Split|43.508|16.440|6|Split-Dalmatia
Zagreb|45.815|15.982|3|Zagreb
Hvar|43.173|16.441|2|Split-Dalmatia`,
  },
  {
    code: 'CZ',
    currency: 'EUR',
    priceLevel: 0.65,
    cities: `Prague|50.076|14.438|10|Prague
Brno|49.195|16.607|2|South Moravia
Český Krumlov|48.811|14.315|1|South Bohemia`,
  },
  {
    code: 'HU',
    currency: 'EUR',
    priceLevel: 0.6,
    cities: `Budapest|47.498|19.040|8|Budapest
Debrecen|47.532|21.627|1|Hajdú-Bihar`,
  },
  {
    code: 'PL',
    currency: 'EUR',
    priceLevel: 0.55,
    cities: `Kraków|50.065|19.945|6|Lesser Poland
Warsaw|52.230|21.012|5|Masovia
Gdańsk|54.352|18.647|3|Pomerania
Wrocław|51.108|17.039|2|Lower Silesia`,
  },
  {
    code: 'IE',
    currency: 'EUR',
    priceLevel: 1.1,
    cities: `Dublin|53.350|-6.260|7|Leinster
Galway|53.271|-9.057|2|Connacht
Cork|51.898|-8.472|2|Munster`,
  },
  {
    code: 'BE',
    currency: 'EUR',
    priceLevel: 0.9,
    cities: `Brussels|50.850|4.352|5|Brussels
Bruges|51.209|3.225|3|West Flanders
Antwerp|51.219|4.402|2|Antwerp`,
  },
  {
    code: 'DK',
    currency: 'EUR',
    priceLevel: 1.2,
    cities: `Copenhagen|55.676|12.568|7|Capital Region
Aarhus|56.163|10.204|2|Central Jutland`,
  },
  {
    code: 'SE',
    currency: 'SEK',
    priceLevel: 1.0,
    cities: `Stockholm|59.329|18.069|7|Stockholm
Gothenburg|57.709|11.975|3|Västra Götaland
Malmö|55.605|13.004|2|Skåne`,
  },
  {
    code: 'NO',
    currency: 'EUR',
    priceLevel: 1.3,
    cities: `Oslo|59.914|10.752|4|Oslo
Bergen|60.392|5.324|3|Vestland
Tromsø|69.649|18.956|2|Troms`,
  },
  {
    code: 'FI',
    currency: 'EUR',
    priceLevel: 1.0,
    cities: `Helsinki|60.170|24.938|4|Uusimaa
Rovaniemi|66.503|25.729|2|Lapland`,
  },
  {
    code: 'IS',
    currency: 'EUR',
    priceLevel: 1.4,
    cities: `Reykjavík|64.147|-21.942|4|Capital Region
Akureyri|65.683|-18.091|1|Northeastern Region`,
  },
  {
    code: 'TR',
    currency: 'EUR',
    priceLevel: 0.5,
    cities: `Istanbul|41.008|28.978|12|Istanbul
Antalya|36.897|30.713|6|Antalya
Bodrum|37.034|27.430|3|Muğla
Cappadocia|38.643|34.829|2|Nevşehir`,
  },
  {
    code: 'MA',
    currency: 'EUR',
    priceLevel: 0.45,
    cities: `Marrakesh|31.629|-7.981|7|Marrakesh-Safi
Fes|34.018|-5.007|2|Fès-Meknès
Essaouira|31.513|-9.770|2|Marrakesh-Safi`,
  },
  {
    code: 'CA',
    currency: 'CAD',
    priceLevel: 1.0,
    cities: `Toronto|43.653|-79.383|8|Ontario
Vancouver|49.283|-123.121|7|British Columbia
Montreal|45.502|-73.567|7|Quebec
Quebec City|46.813|-71.208|3|Quebec
Banff|51.178|-115.571|2|Alberta`,
  },
  {
    code: 'MX',
    currency: 'USD',
    priceLevel: 0.6,
    cities: `Mexico City|19.433|-99.133|10|Mexico City
Cancún|21.161|-86.851|9|Quintana Roo
Tulum|20.211|-87.465|5|Quintana Roo
Playa del Carmen|20.629|-87.073|5|Quintana Roo
Oaxaca|17.073|-96.726|2|Oaxaca`,
  },
  {
    code: 'BR',
    currency: 'USD',
    priceLevel: 0.5,
    cities: `Rio de Janeiro|-22.907|-43.173|10|Rio de Janeiro
São Paulo|-23.551|-46.633|7|São Paulo
Salvador|-12.978|-38.501|3|Bahia
Florianópolis|-27.595|-48.548|3|Santa Catarina`,
  },
  {
    code: 'AR',
    currency: 'USD',
    priceLevel: 0.45,
    cities: `Buenos Aires|-34.604|-58.382|8|Buenos Aires
Mendoza|-32.889|-68.845|2|Mendoza
Bariloche|-41.133|-71.310|2|Río Negro`,
  },
  {
    code: 'CO',
    currency: 'USD',
    priceLevel: 0.4,
    cities: `Medellín|6.244|-75.581|5|Antioquia
Cartagena|10.391|-75.479|4|Bolívar
Bogotá|4.711|-74.072|4|Bogotá`,
  },
  {
    code: 'PE',
    currency: 'USD',
    priceLevel: 0.4,
    cities: `Lima|-12.046|-77.043|4|Lima
Cusco|-13.532|-71.967|3|Cusco`,
  },
  {
    code: 'JP',
    currency: 'JPY',
    priceLevel: 1.0,
    cities: `Tokyo|35.676|139.650|16|Tokyo
Kyoto|35.012|135.768|8|Kyoto
Osaka|34.694|135.502|8|Osaka
Sapporo|43.062|141.354|3|Hokkaido
Fukuoka|33.590|130.402|3|Fukuoka
Naha|26.212|127.681|2|Okinawa`,
  },
  {
    code: 'TH',
    currency: 'USD',
    priceLevel: 0.4,
    cities: `Bangkok|13.756|100.502|10|Bangkok
Phuket|7.880|98.392|8|Phuket
Chiang Mai|18.788|98.986|5|Chiang Mai
Koh Samui|9.512|100.014|4|Surat Thani`,
  },
  {
    code: 'ID',
    currency: 'USD',
    priceLevel: 0.45,
    cities: `Ubud|-8.507|115.263|7|Bali
Seminyak|-8.691|115.168|6|Bali
Canggu|-8.648|115.138|5|Bali
Jakarta|-6.208|106.846|3|Jakarta
Yogyakarta|-7.797|110.371|2|Yogyakarta`,
  },
  {
    code: 'VN',
    currency: 'USD',
    priceLevel: 0.35,
    cities: `Hanoi|21.028|105.834|4|Hanoi
Ho Chi Minh City|10.823|106.630|5|Ho Chi Minh City
Da Nang|16.054|108.202|3|Da Nang
Hoi An|15.880|108.338|2|Quảng Nam`,
  },
  {
    code: 'KR',
    currency: 'USD',
    priceLevel: 0.8,
    cities: `Seoul|37.567|126.978|8|Seoul
Busan|35.180|129.076|3|Busan
Jeju|33.499|126.531|3|Jeju`,
  },
  { code: 'SG', currency: 'USD', priceLevel: 1.2, cities: `Singapore|1.352|103.820|6|Singapore` },
  {
    code: 'AE',
    currency: 'USD',
    priceLevel: 1.1,
    cities: `Dubai|25.205|55.271|9|Dubai
Abu Dhabi|24.454|54.377|3|Abu Dhabi`,
  },
  {
    code: 'ZA',
    currency: 'USD',
    priceLevel: 0.5,
    cities: `Cape Town|-33.925|18.424|8|Western Cape
Johannesburg|-26.204|28.047|3|Gauteng
Durban|-29.859|31.022|2|KwaZulu-Natal`,
  },
  {
    code: 'AU',
    currency: 'AUD',
    priceLevel: 1.0,
    cities: `Sydney|-33.869|151.209|10|New South Wales
Melbourne|-37.814|144.963|8|Victoria
Brisbane|-27.470|153.026|4|Queensland
Gold Coast|-28.017|153.400|4|Queensland
Perth|-31.950|115.860|3|Western Australia
Byron Bay|-28.647|153.612|2|New South Wales`,
  },
  {
    code: 'NZ',
    currency: 'USD',
    priceLevel: 0.95,
    cities: `Auckland|-36.848|174.763|4|Auckland
Queenstown|-45.031|168.663|3|Otago
Wellington|-41.287|174.776|2|Wellington`,
  },
]

/** Typical nightly rate (major units of the currency) at price level 1. */
const BASE_RATE: Record<Currency, number> = { EUR: 120, USD: 140, GBP: 110, CHF: 150, JPY: 16_000, CAD: 170, AUD: 180, SEK: 1_300 }
export const baseNightlyRate = (currency: Currency): number => BASE_RATE[currency]

const SYLLABLES_A = [
  'Val',
  'Mont',
  'Ros',
  'Bel',
  'Cas',
  'Mar',
  'Lin',
  'Ber',
  'San',
  'Tor',
  'Al',
  'Cor',
  'Fen',
  'Gal',
  'Har',
  'Kal',
  'Lor',
  'Mel',
  'Nor',
  'Or',
  'Pen',
  'Ril',
  'Sol',
  'Tal',
  'Ver',
  'Wes',
  'Ash',
  'Bran',
  'Dun',
  'El',
]
const SYLLABLES_B = ['a', 'e', 'i', 'o', 'ra', 'ri', 'la', 'lo', 'ne', 'na', 'ta', 'de', 'ven', 'mor', 'ber']
const SYLLABLES_C = [
  'ville',
  'burg',
  'ton',
  'ford',
  'mar',
  'dal',
  'sund',
  'ia',
  'ona',
  'era',
  'ano',
  'heim',
  'port',
  'field',
  'haven',
  'ès',
  'ac',
  'ino',
  'by',
  'stad',
]

function townName(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const name = rng.pick(SYLLABLES_A) + rng.pick(SYLLABLES_B) + rng.pick(SYLLABLES_C)
    if (!taken.has(name)) {
      taken.add(name)
      return name
    }
  }
}

/** Moves a point `km` kilometres in a random direction (flat-earth approximation, fine at these scales). */
export function offsetKm(rng: Rng, lat: number, lng: number, km: number): { lat: number; lng: number } {
  const angle = rng.next() * 2 * Math.PI
  const distance = km * Math.sqrt(rng.next())
  const dLat = (distance * Math.cos(angle)) / 111.32
  const dLng = (distance * Math.sin(angle)) / (111.32 * Math.max(0.1, Math.cos((lat * Math.PI) / 180)))
  return { lat: Math.max(-89.9, Math.min(89.9, lat + dLat)), lng: ((lng + dLng + 540) % 360) - 180 }
}

/**
 * The destinations, then towns up to `total` cities: each town lies 10–120 km from a destination of its
 * country (picked by weight, so busy regions get more towns) and weighs little, with a heavy tail.
 * Town weights add up to `TOWN_SHARE` of all listings.
 */
export function makeCities(rng: Rng, total = 2_000): City[] {
  const cities: City[] = []
  const taken = new Set<string>()
  for (const country of COUNTRIES) {
    for (const line of country.cities.split('\n')) {
      const [name, lat, lng, weight, region] = line.split('|')
      if (name === undefined || region === undefined) throw new Error(`Malformed city line (name|lat|lng|weight|region): ${line}`)
      taken.add(name)
      const w = Number(weight)
      cities.push({
        name,
        country: country.code,
        currency: country.currency,
        region,
        lat: Number(lat),
        lng: Number(lng),
        radiusKm: 3 + Math.sqrt(w) * 2,
        // Steeper than the table: the biggest destinations dominate (Paris ≈ 3.3 % of all listings).
        weight: w ** 1.3,
        priceFactor: country.priceLevel * (1 + Math.min(w, 30) / 60),
      })
    }
  }
  const destinations = cities.slice()
  const destinationWeight = destinations.reduce((sum, c) => sum + c.weight, 0)
  const TOWN_SHARE = 0.35
  const towns: City[] = []
  for (let i = destinations.length; i < total; i++) {
    const anchor = rng.weighted(destinations, (c) => c.weight ** 0.4)
    const at = offsetKm(rng, anchor.lat, anchor.lng, 10 + rng.next() * 110)
    // Pareto-like: most towns are tiny, a few are sizeable resorts.
    const weight = Math.min(6, 0.08 / (1 - rng.next() * 0.999) ** 0.8)
    towns.push({
      name: townName(rng, taken),
      country: anchor.country,
      currency: anchor.currency,
      region: anchor.region,
      lat: Math.round(at.lat * 1000) / 1000,
      lng: Math.round(at.lng * 1000) / 1000,
      radiusKm: 2 + weight,
      weight,
      priceFactor: (anchor.priceFactor / (1 + Math.min(anchor.weight ** (1 / 1.3), 30) / 60)) * (0.75 + rng.next() * 0.5),
    })
  }
  const townWeight = towns.reduce((sum, c) => sum + c.weight, 0)
  const scale = townWeight > 0 ? (destinationWeight * TOWN_SHARE) / (1 - TOWN_SHARE) / townWeight : 0
  for (const town of towns) town.weight *= scale
  return [...destinations, ...towns]
}

export const COUNTRY_COUNT = COUNTRIES.length
