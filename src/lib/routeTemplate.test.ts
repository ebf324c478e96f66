import fc from 'fast-check'

import { OPERATIONS } from '@/contract/operations'
import { OTHER_ROUTE, allRouteTemplates, httpLabels, methodLabel, routeTemplate, statusLabel } from './routeTemplate'

describe('routeTemplate', () => {
  it.each([
    ['/api/bookings', '/api/bookings'],
    ['/api/bookings/', '/api/bookings'],
    ['/api/bookings?depth=0', '/api/bookings'],
    ['/api/bookings/42', '/api/bookings/:id'],
    ['/api/bookings/42/cancel', '/api/bookings/:id/cancel'],
    ['/api/bookings/42/cancellation-preview?x=1', '/api/bookings/:id/cancellation-preview'],
    ['/api/bookings/42/whatever', '/api/bookings/:id/*'],
    ['/api/bookings/42/cancel/again', '/api/bookings/:id/*'],
    ['/api/properties/search?city=Paris', '/api/properties/search'],
    ['/api/properties/7/quote', '/api/properties/:id/quote'],
    ['/api/properties/some-slug', '/api/properties/:id'],
    ['/api/properties/7/duplicate', '/api/properties/:id/duplicate'],
    ['/api/users/login', '/api/users/login'],
    ['/api/users/me', '/api/users/me'],
    ['/api/users/verify/abc123', '/api/users/verify/*'],
    ['/api/media/file/photo.jpg', '/api/media/file/*'],
    ['/api/graphql', '/api/graphql'],
    ['/api/stripe/webhook', '/api/stripe/webhook'],
    ['/api/reconciliation/run', '/api/reconciliation/run'],
    ['/api/docs/swagger-ui.css', '/api/docs/*'],
    ['/api/openapi.json', '/api/openapi.json'],
    ['/api', '/api'],
    ['/api/nothing-here', OTHER_ROUTE],
    ['/admin', '/admin/*'],
    ['/admin/collections/bookings/12', '/admin/*'],
    ['/admin/queues/api/queues', '/admin/queues/*'],
    ['/_next/static/chunks/abc.js', '/_next/*'],
    ['/account/verify?token=x', '/account/verify'],
    ['/healthz', '/healthz'],
    ['/metrics', '/metrics'],
    ['/', '/'],
    ['/wp-login.php', OTHER_ROUTE],
    ['', '/'],
  ])('%s → %s', (path, template) => {
    expect(routeTemplate(path)).toBe(template)
  })

  it('names every operation of the contract by its own template', () => {
    // The document in the path is `:id` in every label, whatever the contract names it (`{booking}` for messages).
    for (const { path } of OPERATIONS) {
      const template = path.replace(/\{(\w+)\}/g, ':id')
      expect(routeTemplate(path.replace(/\{\w+\}/g, '123'))).toBe(template)
    }
  })

  it('keeps the set of templates bounded whatever the paths (1,000 random ones add none)', () => {
    const all = allRouteTemplates()
    // 178 today: a few per collection, the operations, the server's own routes.
    expect(all.size).toBeLessThan(250)
    const segment = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[\w.~%-]{1,20}$/),
      fc.constantFrom(
        'api',
        'bookings',
        'properties',
        'admin',
        'queues',
        'users',
        'media',
        '_next',
        'docs',
        '..',
        'file',
        'cancel',
        'search',
      ),
    )
    let outside: string[] = []
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.string(), (segments, query) => {
        const template = routeTemplate(`/${segments.join('/')}?${query}`)
        if (!all.has(template)) outside = [...outside, template]
      }),
      { numRuns: 1_000 },
    )
    expect(outside).toEqual([])
  })
})

describe('methodLabel', () => {
  it.each([
    ['GET', 'GET'],
    ['POST', 'POST'],
    ['PROPFIND', 'OTHER'],
    [undefined, 'OTHER'],
  ])('%s → %s', (method, label) => {
    expect(methodLabel(method)).toBe(label)
  })
})

describe('statusLabel and httpLabels', () => {
  it.each([
    [201, '201'],
    [409, '409'],
    [499, '499'],
    [418, '4xx'],
    [431, '4xx'],
    [507, '5xx'],
  ])('status %s → %s', (status, label) => {
    expect(statusLabel(status)).toBe(label)
  })

  it.each([
    ['a route keeps method and status', 'POST', '/api/bookings', 409, { method: 'POST', route: '/api/bookings', status: '409' }],
    ['an odd method on a route', 'PROPFIND', '/api/bookings', 405, { method: 'OTHER', route: '/api/bookings', status: '405' }],
    ['unknown paths keep only the class', 'DELETE', '/wp-login.php', 404, { method: 'OTHER', route: OTHER_ROUTE, status: '4xx' }],
    ['unknown paths, a server error', 'GET', '/../../etc/passwd', 500, { method: 'OTHER', route: OTHER_ROUTE, status: '5xx' }],
  ])('%s', (_, method, path, status, labels) => {
    expect(httpLabels(method, path, status)).toEqual(labels)
  })

  it('bounds the label sets a client can provoke: any method, path and status', () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(fc.string(), fc.webPath(), fc.integer({ min: 100, max: 599 }), (method, path, status) => {
        const { method: m, route, status: s } = httpLabels(method, path, status)
        seen.add(`${m} ${route} ${s}`)
      }),
      { numRuns: 2_000 },
    )
    const templates = allRouteTemplates().size
    // At most every template × 8 method labels × the statuses and classes, and `other` by class alone.
    expect(seen.size).toBeLessThanOrEqual(templates * 8 * 30)
    expect([...seen].filter((labels) => labels.includes(` ${OTHER_ROUTE} `)).every((labels) => /^OTHER other \dxx$/.test(labels))).toBe(
      true,
    )
  })
})
