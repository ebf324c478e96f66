import { OPERATIONS } from '@/contract/operations'
import type { Config } from '@/payload-types'

/**
 * The route template an HTTP request is counted under in /metrics (`staybase_http_request_duration_seconds`):
 * `/api/bookings/:id/cancel`, never `/api/bookings/42/cancel`. Every label value is a new time series
 * in Prometheus, so the set of templates is fixed by the code — the collections, the contract's
 * operations (src/contract/operations.ts) and the few routes of the server — and whatever a client
 * sends that fits none of them (a fuzzer's path, a typo, a scanner's /wp-login.php) is `other`.
 * Query strings are never part of a template.
 */

/** Every collection Payload serves under /api/<slug> (a compile error when a collection is added and not listed). */
const COLLECTIONS = [
  'users',
  'properties',
  'bookings',
  'availability-blocks',
  'calendar-feeds',
  'calendar-events',
  'media',
  'reviews',
  'payments',
  'stripe-events',
  'reconciliation-reports',
  'messages',
  'payload-kv',
  'payload-preferences',
  'payload-migrations',
] as const satisfies readonly (keyof Config['collections'])[]
type Unlisted = Exclude<keyof Config['collections'], (typeof COLLECTIONS)[number]>
const everyCollectionListed: [Unlisted] extends [never] ? true : Unlisted = true
void everyCollectionListed

/** Payload's own routes one level under every collection. */
const PAYLOAD_COLLECTION_WORDS = ['count', 'versions', 'access']
/** Payload's routes of the auth collection and the upload collection. */
const AUTH_WORDS = [
  'init',
  'login',
  'logout',
  'me',
  'refresh-token',
  'first-register',
  'forgot-password',
  'reset-password',
  'verify',
  'unlock',
]
const UPLOAD_WORDS = ['file', 'paste-url']
/** Payload's own routes under one document (`/api/<slug>/:id/duplicate`). */
const PAYLOAD_DOCUMENT_WORDS = ['duplicate']

/** The routes of the server that are neither a collection's nor Next's pages. */
const EXACT = [
  '/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/api',
  '/api/graphql',
  '/api/graphql-playground',
  '/api/openapi.json',
  '/api/docs',
  '/api/access',
  '/api/stripe/webhook',
  '/account/verify',
  '/account/reset-password',
  '/account/confirm-email',
]

const collectionSet = new Set<string>(COLLECTIONS)
const exact = new Set(EXACT)
/** Per collection, `/api/<slug>/<word>` and `/api/<slug>/:id/<word>`: Payload's own and the contract's operations. */
const collectionWords = new Map<string, Set<string>>(COLLECTIONS.map((slug) => [slug, new Set(PAYLOAD_COLLECTION_WORDS)]))
const documentWords = new Map<string, Set<string>>(COLLECTIONS.map((slug) => [slug, new Set(PAYLOAD_DOCUMENT_WORDS)]))
for (const word of AUTH_WORDS) collectionWords.get('users')!.add(word)
for (const word of UPLOAD_WORDS) collectionWords.get('media')!.add(word)
for (const { path } of OPERATIONS) {
  const segments = path.split('/').filter(Boolean)
  const [api, slug, second, third] = segments
  if (api !== 'api') continue
  if (!slug || !collectionSet.has(slug)) {
    exact.add(path)
    continue
  }
  if (second && !second.startsWith('{')) collectionWords.get(slug)!.add(second)
  else if (third) documentWords.get(slug)!.add(third)
}

export const OTHER_ROUTE = 'other'

/** The template of a request path (a URL's path, with or without its query). */
export function routeTemplate(url: string): string {
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  const segments = path.split('/').filter(Boolean)
  const normalised = `/${segments.join('/')}`
  if (exact.has(normalised)) return normalised
  const [first, second, third, fourth] = segments
  if (first === '_next') return '/_next/*'
  if (first === 'admin') return second === 'queues' ? '/admin/queues/*' : '/admin/*'
  if (first === 'api' && second === 'docs') return '/api/docs/*'
  if (first !== 'api' || !second || !collectionSet.has(second)) return OTHER_ROUTE
  const base = `/api/${second}`
  if (third === undefined) return base
  if (collectionWords.get(second)!.has(third)) return fourth === undefined ? `${base}/${third}` : `${base}/${third}/*`
  if (fourth === undefined) return `${base}/:id`
  if (segments.length === 4 && documentWords.get(second)!.has(fourth)) return `${base}/:id/${fourth}`
  return `${base}/:id/*`
}

/** Every template routeTemplate can answer: the bound on the HTTP histogram's `route` label. */
export function allRouteTemplates(): Set<string> {
  const all = new Set([...exact, '/_next/*', '/admin/*', '/admin/queues/*', '/api/docs/*', OTHER_ROUTE])
  for (const slug of COLLECTIONS) {
    const base = `/api/${slug}`
    for (const template of [base, `${base}/:id`, `${base}/:id/*`]) all.add(template)
    for (const word of collectionWords.get(slug)!) all.add(`${base}/${word}`).add(`${base}/${word}/*`)
    for (const word of documentWords.get(slug)!) all.add(`${base}/:id/${word}`)
  }
  return all
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/** The method label: the standard ones, anything else (node accepts ~35 methods) as OTHER. */
export const methodLabel = (method: string | undefined): string => (method && METHODS.has(method) ? method : 'OTHER')

/**
 * The statuses Staybase answers on purpose (src/lib/errorCodes.ts), each its own label value; any other
 * becomes its class (`4xx`, `5xx`), and 499 (the client hung up first) stays 499. A client picks the
 * status of what it sends — hanging up, a huge body, a bad method — so without this bound every route
 * could grow a series per status a scanner provokes.
 */
const STATUSES = new Set([
  200, 201, 204, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 499, 500, 502, 503, 504,
])

export const statusLabel = (status: number): string => (STATUSES.has(status) ? String(status) : `${Math.floor(status / 100)}xx`)

/**
 * The labels of one answered request. What fits no route (`other`: scanners, typos, fuzzers) keeps only
 * its status class, whatever the method and exact status, so unknown traffic adds at most a few series.
 */
export function httpLabels(method: string | undefined, path: string, status: number): { method: string; route: string; status: string } {
  const route = routeTemplate(path)
  if (route === OTHER_ROUTE) return { method: 'OTHER', route, status: `${Math.floor(status / 100)}xx` }
  return { method: methodLabel(method), route, status: statusLabel(status) }
}
