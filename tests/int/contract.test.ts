import { readFileSync } from 'node:fs'
import path from 'node:path'

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

import { OPERATIONS } from '@/contract/operations'
import { ERROR_STATUS } from '@/lib/errors'
import { type ApiResponse, type Cast, rest, signUpCast, uniqueEmail } from '../helpers/api'
import { GOOD_PASSWORD } from '../helpers/constants'
import { makeImage } from '../helpers/images'
import { createListing } from '../helpers/listings'
import { type Stack, startStack } from '../helpers/stack'

/**
 * The published contract against the running server: real answers — successes and errors, for the
 * collections and every custom operation in the registry — must match the schemas the document gives
 * for their status, and every status a server answers with must be one the document lists.
 */
let stack: Stack
let cast: Cast
let doc: { paths: Record<string, Record<string, any>>; components: Record<string, any> }
let ajv: Ajv2020
const validators = new Map<string, ValidateFunction>()

beforeAll(async () => {
  stack = await startStack()
  cast = await signUpCast(stack)
  const res = await rest(stack, 'GET', '/api/openapi.json')
  expect(res.status).toBe(200)
  doc = res.body
  ajv = new Ajv2020({ strict: false, allErrors: true })
  // `format` is checked: a stay date must be YYYY-MM-DD, a timestamp RFC 3339, an email an address.
  ;(addFormats as unknown as (a: Ajv2020) => void)(ajv)
  ajv.addSchema(doc, 'openapi')
}, 180_000)
afterAll(async () => {
  await stack?.stop()
}, 60_000)

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

/** Checks one real answer against the document's operation `method path` (a template such as /api/x/{id}). */
function expectDocumented(res: ApiResponse, method: string, template: string) {
  const operation = doc.paths[template]?.[method.toLowerCase()]
  if (!operation) throw new Error(`${method} ${template} is not in the document`)
  const response = operation.responses[String(res.status)]
  if (!response) {
    throw new Error(
      `${method} ${template} answered ${res.status}, which the document does not list: ${JSON.stringify(res.body).slice(0, 500)}`,
    )
  }
  const key = `${template} ${method} ${res.status}`
  let validate = validators.get(key)
  if (!validate) {
    const ref = `openapi#/${pointer('paths', template, method.toLowerCase(), 'responses', String(res.status), 'content', 'application/json', 'schema')}`
    validate = ajv.compile({ $ref: ref })
    validators.set(key, validate)
  }
  if (!validate(res.body)) {
    throw new Error(
      `${method} ${template} ${res.status} does not match the document:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\nbody: ${JSON.stringify(res.body).slice(0, 1500)}`,
    )
  }
}

describe('the document', () => {
  it('is OpenAPI 3.1 with the one error schema, whose codes are ERROR_STATUS', () => {
    expect((doc as any).openapi).toBe('3.1.0')
    expect([...doc.components.schemas.ErrorCode.enum].sort()).toEqual(Object.keys(ERROR_STATUS).sort())
  })

  it('is the committed openapi.json that clients are generated from', () => {
    expect(doc).toEqual(JSON.parse(readFileSync(path.resolve(process.cwd(), 'openapi.json'), 'utf8')))
  })

  it('lists every custom operation of the registry, with its error codes by status', () => {
    for (const operation of OPERATIONS) {
      const entry = doc.paths[operation.path]?.[operation.method]
      expect(entry?.operationId).toBe(operation.operationId)
      for (const code of operation.errors) {
        const codes =
          entry.responses[String(ERROR_STATUS[code])].content['application/json'].schema.properties.errors.items.properties.code.enum
        expect(codes).toContain(code)
      }
    }
  })

  it('offers clients no write to payments, Stripe events or reconciliation reports, and the server refuses them', async () => {
    for (const slug of ['payments', 'stripe-events', 'reconciliation-reports']) {
      expect(Object.keys(doc.paths[`/api/${slug}`] ?? {})).toEqual(['get'])
      expect(Object.keys(doc.paths[`/api/${slug}/{id}`] ?? {}).filter((k) => k !== 'parameters')).toEqual(['get'])
      const res = await rest(stack, 'POST', `/api/${slug}`, { token: cast.staff.token, body: {} })
      expect(res.status).toBe(403)
    }
  })

  it('leaves server-owned fields out of what clients may send', () => {
    const { schemas } = doc.components
    expect(Object.keys(schemas.BookingCreate.properties).sort()).toEqual(['checkIn', 'checkOut', 'guests', 'messageToHost', 'property'])
    for (const field of ['slug', 'ratingAverage', 'reviewCount', 'publishedAt', 'moderation', 'createdAt', 'updatedAt']) {
      expect(schemas.PropertyCreate.properties).not.toHaveProperty(field)
      expect(schemas.PropertyUpdate.properties).not.toHaveProperty(field)
    }
    expect(schemas.PropertyCreate.properties.host.description).toMatch(/Staff only/)
    expect(schemas.MediaCreate.properties).not.toHaveProperty('owner')
    expect(schemas.Property.properties.pricing.properties.nightlyRate.type).toBe('integer')
    for (const hidden of ['hash', 'salt', 'resetPasswordToken', 'loginAttempts', 'lockUntil', 'currentPassword'])
      expect(schemas.User.properties).not.toHaveProperty(hidden)
  })
})

describe('collections: real answers match the document', () => {
  it('properties: find, select, findByID, create, update, draft, delete and their errors', async () => {
    const { host, otherHost } = cast
    const listing = await createListing(stack, host, { title: 'Contract cabin' }, { publish: true })
    expectDocumented(await rest(stack, 'GET', '/api/properties?limit=5&sort=-createdAt'), 'GET', '/api/properties')
    expectDocumented(
      await rest(stack, 'GET', '/api/properties?select[title]=true&select[pricing][nightlyRate]=true'),
      'GET',
      '/api/properties',
    )
    expectDocumented(await rest(stack, 'GET', '/api/properties?where[title][equals]=Contract%20cabin&depth=1'), 'GET', '/api/properties')
    expectDocumented(await rest(stack, 'GET', `/api/properties/${listing.id}?depth=0`), 'GET', '/api/properties/{id}')
    expectDocumented(await rest(stack, 'GET', `/api/properties/${listing.id}?depth=2`), 'GET', '/api/properties/{id}')
    expectDocumented(
      await rest(stack, 'GET', `/api/properties/${listing.id}?draft=true`, { token: host.token }),
      'GET',
      '/api/properties/{id}',
    )

    const created = await rest(stack, 'POST', '/api/properties', {
      token: host.token,
      body: {
        title: 'Contract loft',
        propertyType: 'apartment',
        address: { line1: 'Main 1', city: 'Bern', postalCode: '3000', country: 'CH' },
        location: { latitude: 46.9, longitude: 7.4 },
        maxGuests: 2,
        pricing: { currency: 'CHF', nightlyRate: 9000 },
        minNights: 1,
        maxNights: 10,
        cancellationPolicy: 'flexible',
      },
    })
    expect(created.status).toBe(201)
    expectDocumented(created, 'POST', '/api/properties')
    const id = created.body.doc.id
    expectDocumented(
      await rest(stack, 'PATCH', `/api/properties/${id}`, { token: host.token, body: { _status: 'published' } }),
      'PATCH',
      '/api/properties/{id}',
    )
    expectDocumented(
      await rest(stack, 'PATCH', `/api/properties/${id}?draft=true`, { token: host.token, body: { title: 'Contract loft, renamed' } }),
      'PATCH',
      '/api/properties/{id}',
    )

    const errors: [ApiResponse, string, string, number][] = [
      [await rest(stack, 'GET', '/api/properties?where[nope][equals]=1'), 'GET', '/api/properties', 400],
      [await rest(stack, 'GET', '/api/properties/99999999'), 'GET', '/api/properties/{id}', 404],
      [await rest(stack, 'POST', '/api/properties', { body: { title: 'x' } }), 'POST', '/api/properties', 401],
      [await rest(stack, 'POST', '/api/properties', { token: host.token, body: { title: 'No price' } }), 'POST', '/api/properties', 400],
      [
        await rest(stack, 'PATCH', `/api/properties/${id}`, { token: host.token, body: { pricing: { nightlyRate: 1.5 } } }),
        'PATCH',
        '/api/properties/{id}',
        400,
      ],
      [
        await rest(stack, 'PATCH', `/api/properties/${id}`, { token: otherHost.token, body: { title: 'Mine now' } }),
        'PATCH',
        '/api/properties/{id}',
        403,
      ],
      [await rest(stack, 'DELETE', `/api/properties/${id}`, { token: otherHost.token }), 'DELETE', '/api/properties/{id}', 403],
      [await rest(stack, 'POST', '/api/properties', { token: host.token, raw: '{"title": ' }), 'POST', '/api/properties', 400],
    ]
    for (const [res, method, template, status] of errors) {
      expect([res.status, method, template]).toEqual([status, method, template])
      expectDocumented(res, method, template)
    }
    expectDocumented(await rest(stack, 'DELETE', `/api/properties/${id}`, { token: host.token }), 'DELETE', '/api/properties/{id}')
  })

  it('users: registration, login, me, refresh, forgot and reset password, verify, profile and their errors', async () => {
    const email = uniqueEmail('contract')
    const registered = await rest(stack, 'POST', '/api/users', { body: { email, password: GOOD_PASSWORD, name: 'Contract Person' } })
    expect(registered.status).toBe(201)
    expectDocumented(registered, 'POST', '/api/users')
    const byStaff = await rest(stack, 'POST', '/api/users', {
      token: cast.admin.token,
      body: { email: uniqueEmail('bystaff'), password: GOOD_PASSWORD, name: 'Made by staff' },
    })
    expectDocumented(byStaff, 'POST', '/api/users')
    expectDocumented(await rest(stack, 'POST', '/api/users', { body: { email, password: 'short', name: 'X' } }), 'POST', '/api/users')
    expectDocumented(
      await rest(stack, 'POST', '/api/users', { body: { email: uniqueEmail('x'), password: GOOD_PASSWORD, name: 'X', roles: ['admin'] } }),
      'POST',
      '/api/users',
    )

    const { guest } = cast
    const login = await rest(stack, 'POST', '/api/users/login', { body: { email: guest.email, password: guest.password } })
    expectDocumented(login, 'POST', '/api/users/login')
    const token = login.body.token
    expectDocumented(
      await rest(stack, 'POST', '/api/users/login', { body: { email: guest.email, password: 'wrong password here' } }),
      'POST',
      '/api/users/login',
    )
    expectDocumented(
      await rest(stack, 'POST', '/api/users/login', { body: { email, password: GOOD_PASSWORD } }),
      'POST',
      '/api/users/login',
    )
    expectDocumented(await rest(stack, 'GET', '/api/users/me', { token }), 'GET', '/api/users/me')
    expectDocumented(await rest(stack, 'GET', '/api/users/me'), 'GET', '/api/users/me')
    expectDocumented(await rest(stack, 'POST', '/api/users/refresh-token', { token }), 'POST', '/api/users/refresh-token')
    expectDocumented(
      await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: guest.email } }),
      'POST',
      '/api/users/forgot-password',
    )
    expectDocumented(
      await rest(stack, 'POST', '/api/users/forgot-password', { body: { email: 'a\u0000b' } }),
      'POST',
      '/api/users/forgot-password',
    )
    expectDocumented(
      await rest(stack, 'POST', '/api/users/reset-password', { body: { token: 'not-a-token', password: GOOD_PASSWORD } }),
      'POST',
      '/api/users/reset-password',
    )
    expectDocumented(await rest(stack, 'POST', '/api/users/verify/not-a-token'), 'POST', '/api/users/verify/{token}')

    expectDocumented(await rest(stack, 'GET', '/api/users?limit=3'), 'GET', '/api/users')
    expectDocumented(await rest(stack, 'GET', '/api/users?limit=3', { token: cast.staff.token }), 'GET', '/api/users')
    expectDocumented(await rest(stack, 'GET', `/api/users/${guest.id}`, { token: guest.token }), 'GET', '/api/users/{id}')
    expectDocumented(await rest(stack, 'GET', `/api/users/${guest.id}`), 'GET', '/api/users/{id}')
    expectDocumented(
      await rest(stack, 'PATCH', `/api/users/${guest.id}`, { token: guest.token, body: { bio: 'Likes lakes.' } }),
      'PATCH',
      '/api/users/{id}',
    )
    expectDocumented(await rest(stack, 'PATCH', `/api/users/${guest.id}`, { body: { bio: 'Anonymous edit' } }), 'PATCH', '/api/users/{id}')
    expectDocumented(await rest(stack, 'DELETE', `/api/users/${guest.id}`, { token: guest.token }), 'DELETE', '/api/users/{id}')
    expectDocumented(await rest(stack, 'POST', '/api/users/logout', { token }), 'POST', '/api/users/logout')
  })

  it('media: multipart upload, find, update and their errors', async () => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(await makeImage(640, 480))], { type: 'image/jpeg' }), 'lake.jpg')
    form.append('_payload', JSON.stringify({ alt: 'A lake at dawn' }))
    const upload = async (body: FormData, token?: string) => {
      const res = await fetch(`${stack.url}/api/media`, {
        method: 'POST',
        body,
        headers: token ? { authorization: `JWT ${token}` } : {},
        signal: AbortSignal.timeout(30_000),
      })
      return { status: res.status, body: await res.json(), headers: res.headers }
    }
    const created = await upload(form, cast.host.token)
    expect(created.status).toBe(201)
    expectDocumented(created, 'POST', '/api/media')
    const id = created.body.doc.id
    expectDocumented(await rest(stack, 'GET', '/api/media?limit=2'), 'GET', '/api/media')
    expectDocumented(await rest(stack, 'GET', `/api/media/${id}`), 'GET', '/api/media/{id}')
    expectDocumented(
      await rest(stack, 'PATCH', `/api/media/${id}`, { token: cast.host.token, body: { alt: 'The lake at dusk' } }),
      'PATCH',
      '/api/media/{id}',
    )
    expectDocumented(
      await rest(stack, 'PATCH', `/api/media/${id}`, { token: cast.otherHost.token, body: { alt: 'Not yours' } }),
      'PATCH',
      '/api/media/{id}',
    )

    const notAnImage = new FormData()
    notAnImage.append('file', new Blob(['plain text'], { type: 'image/jpeg' }), 'fake.jpg')
    notAnImage.append('_payload', JSON.stringify({ alt: 'Not a photo' }))
    expectDocumented(await upload(notAnImage, cast.host.token), 'POST', '/api/media')
    const anonymous = new FormData()
    anonymous.append('_payload', JSON.stringify({ alt: 'Nobody' }))
    expectDocumented(await upload(anonymous), 'POST', '/api/media')
    expectDocumented(await rest(stack, 'DELETE', `/api/media/${id}`, { token: cast.host.token }), 'DELETE', '/api/media/{id}')
  })

  it('availability blocks, bookings, reviews, payments and reports: reads and writes by role', async () => {
    const { host, guest, staff } = cast
    const listing = await createListing(stack, host, {}, { publish: true })
    const block = await rest(stack, 'POST', '/api/availability-blocks', {
      token: host.token,
      body: { property: listing.id, startDate: '2027-01-10', endDate: '2027-01-12', reason: 'maintenance' },
    })
    expectDocumented(block, 'POST', '/api/availability-blocks')
    expectDocumented(await rest(stack, 'GET', '/api/availability-blocks', { token: host.token }), 'GET', '/api/availability-blocks')
    expectDocumented(
      await rest(stack, 'PATCH', `/api/availability-blocks/${block.body.doc.id}`, { token: host.token, body: { note: 'Roof' } }),
      'PATCH',
      '/api/availability-blocks/{id}',
    )
    expectDocumented(
      await rest(stack, 'DELETE', `/api/availability-blocks/${block.body.doc.id}`, { token: host.token }),
      'DELETE',
      '/api/availability-blocks/{id}',
    )

    const booking = await rest(stack, 'POST', '/api/bookings', {
      token: guest.token,
      body: { property: listing.id, checkIn: '2027-03-02', checkOut: '2027-03-05', guests: 2 },
    })
    expect(booking.status).toBe(201)
    expectDocumented(booking, 'POST', '/api/bookings')
    expectDocumented(
      await rest(stack, 'POST', '/api/bookings', {
        token: guest.token,
        body: { property: listing.id, checkIn: '2027-03-03', checkOut: '2027-03-04', guests: 2 },
      }),
      'POST',
      '/api/bookings',
    )
    expectDocumented(
      await rest(stack, 'POST', '/api/bookings', {
        body: { property: listing.id, checkIn: '2027-04-01', checkOut: '2027-04-03', guests: 1 },
      }),
      'POST',
      '/api/bookings',
    )
    expectDocumented(await rest(stack, 'GET', '/api/bookings?depth=1', { token: guest.token }), 'GET', '/api/bookings')
    expectDocumented(
      await rest(stack, 'GET', `/api/bookings/${booking.body.doc.id}?depth=0`, { token: host.token }),
      'GET',
      '/api/bookings/{id}',
    )
    expectDocumented(
      await rest(stack, 'GET', `/api/bookings/${booking.body.doc.id}`, { token: cast.otherGuest.token }),
      'GET',
      '/api/bookings/{id}',
    )

    for (const slug of ['reviews', 'payments']) {
      expectDocumented(await rest(stack, 'GET', `/api/${slug}`, { token: guest.token }), 'GET', `/api/${slug}`)
    }
    for (const slug of ['payments', 'stripe-events', 'reconciliation-reports']) {
      expectDocumented(await rest(stack, 'GET', `/api/${slug}?limit=5`, { token: staff.token }), 'GET', `/api/${slug}`)
      expectDocumented(await rest(stack, 'GET', `/api/${slug}/99999999`, { token: staff.token }), 'GET', `/api/${slug}/{id}`)
    }
    expectDocumented(await rest(stack, 'GET', '/api/stripe-events', { token: guest.token }), 'GET', '/api/stripe-events')
  })
})

/**
 * One success and the signed-out answer of each custom operation, by operationId (the GraphQL field
 * name). A new operation must bring its case here: the first test below fails until it does.
 */
type Case = (ctx: { listing: { id: number } }) => Promise<ApiResponse>
const CASES: Record<string, Case> = {
  searchListings: () => rest(stack, 'GET', '/api/properties/search?guests=2&checkIn=2027-06-01&checkOut=2027-06-04'),
  listingQuote: ({ listing }) => rest(stack, 'GET', `/api/properties/${listing.id}/quote?checkIn=2027-06-01&checkOut=2027-06-04&guests=2`),
  listingAvailability: ({ listing }) => rest(stack, 'GET', `/api/properties/${listing.id}/availability?from=2027-06-01&to=2027-07-01`),
  createBooking: ({ listing }) =>
    rest(stack, 'POST', '/api/bookings', {
      token: cast.otherGuest.token,
      headers: { 'idempotency-key': `contract-${listing.id}` },
      body: { property: listing.id, checkIn: '2027-08-01', checkOut: '2027-08-04', guests: 2 },
    }),
  acceptBooking: async ({ listing }) =>
    rest(stack, 'POST', `/api/bookings/${await newBooking(listing, '2027-09-01', '2027-09-03')}/accept`, { token: cast.host.token }),
  declineBooking: async ({ listing }) =>
    rest(stack, 'POST', `/api/bookings/${await newBooking(listing, '2027-09-05', '2027-09-07')}/decline`, {
      token: cast.host.token,
      body: { reason: 'Closed for painting' },
    }),
  cancelBooking: async ({ listing }) =>
    rest(stack, 'POST', `/api/bookings/${await newBooking(listing, '2027-09-10', '2027-09-12')}/cancel`, {
      token: cast.guest.token,
      body: { reason: 'Plans changed' },
    }),
  cancellationPreview: async ({ listing }) =>
    rest(stack, 'GET', `/api/bookings/${await newBooking(listing, '2027-09-20', '2027-09-22')}/cancellation-preview`, {
      token: cast.guest.token,
    }),
  bookingMessages: async ({ listing }) =>
    rest(stack, 'GET', `/api/bookings/${await newBooking(listing, '2027-09-24', '2027-09-26')}/messages`, { token: cast.host.token }),
  sendBookingMessage: async ({ listing }) =>
    rest(stack, 'POST', `/api/bookings/${await newBooking(listing, '2027-09-28', '2027-09-30')}/messages`, {
      token: cast.guest.token,
      body: { text: 'Can we bring a dog?' },
    }),
  createPaymentIntent: async ({ listing }) =>
    rest(stack, 'POST', `/api/bookings/${await newBooking(listing, '2027-09-15', '2027-09-17')}/payment-intent`, {
      token: cast.guest.token,
    }),
  respondToReview: () => rest(stack, 'POST', '/api/reviews/99999999/response', { token: cast.host.token, body: { text: 'Thank you!' } }),
  hideReview: () => rest(stack, 'POST', '/api/reviews/99999999/hide', { token: cast.staff.token, body: { reason: 'Off topic' } }),
  unhideReview: () => rest(stack, 'POST', '/api/reviews/99999999/unhide', { token: cast.staff.token }),
  unpublishListing: ({ listing }) =>
    rest(stack, 'POST', `/api/properties/${listing.id}/unpublish`, { token: cast.staff.token, body: { reason: 'Photos do not match' } }),
  reinstateListing: ({ listing }) => rest(stack, 'POST', `/api/properties/${listing.id}/reinstate`, { token: cast.staff.token }),
  regenerateCalendarToken: ({ listing }) => rest(stack, 'POST', `/api/properties/${listing.id}/calendar-token`, { token: cast.host.token }),
  runReconciliation: () => rest(stack, 'POST', '/api/reconciliation/run', { token: cast.staff.token, body: {} }),
  syncCalendarFeed: async ({ listing }) => {
    const feed = await rest(stack, 'POST', '/api/calendar-feeds', {
      token: cast.host.token,
      body: { property: listing.id, name: 'Airbnb', url: 'https://calendar.example.com/contract.ics' },
    })
    expect(feed.status).toBe(201)
    return rest(stack, 'POST', `/api/calendar-feeds/${feed.body.doc.id}/sync`, { token: cast.host.token })
  },
}

async function newBooking(listing: { id: number }, checkIn: string, checkOut: string): Promise<number> {
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listing.id, checkIn, checkOut, guests: 2 },
  })
  if (res.status !== 201) throw new Error(`booking failed ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.doc?.id ?? res.body.id
}

describe('custom operations: real answers match the document', () => {
  it('every operation in the registry has a contract case', () => {
    expect(OPERATIONS.map((o) => o.operationId).filter((id) => !CASES[id])).toEqual([])
  })

  it('each answers as documented, signed in and signed out', async () => {
    // Every operation is tried, and all mismatches are reported together.
    const failures: string[] = []
    for (const operation of OPERATIONS)
      await checkOperation(operation).catch((e: Error) => failures.push(`${operation.operationId}: ${e.message}`))
    expect(failures).toEqual([])
  }, 120_000)
})

async function checkOperation(operation: (typeof OPERATIONS)[number]) {
  const listing = await createListing(stack, cast.host, { title: `Contract ${operation.operationId}` }, { publish: true })
  const exercise = CASES[operation.operationId]
  if (!exercise) throw new Error('no case in CASES exercises this operation')
  const res = await exercise({ listing })
  expectDocumented(res, operation.method, operation.path)
  // Signed out, with placeholders for the path: an error the document lists (or a public success).
  const path = operation.path.replace(/\{[^}]+\}/g, String(listing.id))
  const anonymous = await rest(stack, operation.method.toUpperCase(), path, operation.method === 'get' ? {} : { body: {} })
  expectDocumented(anonymous, operation.method, operation.path)
  // Who may call is checked before the input: signed out is 401, whatever the body.
  if (operation.auth === 'user' || operation.auth === 'staff') {
    expect({ operation: operation.operationId, status: anonymous.status, code: anonymous.body?.errors?.[0]?.code }).toEqual({
      operation: operation.operationId,
      status: 401,
      code: 'UNAUTHORIZED',
    })
  }
}
