import { checkApiRequest } from './requestGuard'

const get = (url: string) => checkApiRequest({ method: 'GET', url })
const code = (url: string, method = 'GET') => checkApiRequest({ method, url })?.code ?? null

describe('requestGuard: ids in the path', () => {
  it.each([
    ['/api/users/abc', null], // a word: Payload's route or NaN, answered by guardInput
    ['/api/users/1', null],
    ['/api/users/2147483647', null],
    ['/api/users/me', null],
    ['/api/users/forgot-password', null],
    ['/api/search', null],
    ['/api/stripe/webhook', null],
    ['/api/reconciliation/run', null],
    ['/api/bookings/7/cancel', null],
    ['/api/properties/versions/12', null],
    ['/api/media/file/photo.webp', null],
    ['/api/users/verify/abc123', null],
    ['/api/payload-preferences/nav', null],
    ['/api/docs/swagger-ui.css', null],
    ['/api/openapi.json', null],
    ['/api/properties/1.5', 'NOT_FOUND'],
    ['/api/users/1%20OR%201=1', 'NOT_FOUND'],
    ['/api/users/0', 'NOT_FOUND'],
    ['/api/users/01', 'NOT_FOUND'],
    ['/api/users/-1', 'NOT_FOUND'],
    ['/api/users/2147483648', 'NOT_FOUND'],
    ['/api/users/1e3', 'NOT_FOUND'],
    ['/api/bookings/abc/cancel', 'NOT_FOUND'],
    ['/api/bookings/1%20OR%201=1/cancel', 'NOT_FOUND'],
    ['/api/properties/versions/abc', 'NOT_FOUND'],
    ['/api/properties/versions', null],
    ['/api/bookings/versions', 'NOT_FOUND'], // no versions: Payload would answer 500
    ['/api/bookings/versions/1', 'NOT_FOUND'],
    ['/api/messages/versions', 'NOT_FOUND'],
    ['/api/users/versions/1', 'NOT_FOUND'],
    ['/api/users/access/1x', 'NOT_FOUND'],
    ['/api/users/access', 'NOT_FOUND'],
    ['/api/users/access/3', null],
  ])('%s → %s', (url, expected) => {
    expect(code(url)).toBe(expected)
  })

  it('names the id it refused', () => {
    expect(get('/api/users/1%20OR%201=1')).toMatchObject({ status: 404, field: 'id', message: expect.stringContaining('"1 OR 1=1"') })
  })
})

describe('requestGuard: URL encoding and NUL bytes', () => {
  it.each([
    ['/api/media/file/%00.jpg', 'VALIDATION_FAILED'],
    ['/api/users?where[name][equals]=a%00b', 'VALIDATION_FAILED'],
    ['/api/users?sort=%00', 'VALIDATION_FAILED'],
    ['/api/users?a%00=1', 'VALIDATION_FAILED'],
    ['/api/users/%E0%A4%A', 'MALFORMED_REQUEST'],
    ['/api/users?where[name][equals]=%E0%A4%A', 'MALFORMED_REQUEST'],
    ['/api/users?where=notjson', 'MALFORMED_REQUEST'],
    ['/api/users?where=%7B%22name%22%3A%7B%22equals%22%3A%22x%22%7D%7D', null],
    ['/api/users?data={', 'MALFORMED_REQUEST'],
    ['/api/users?where[name][like]=100%25', null],
    ['/api/graphql?query=%00', null],
  ])('%s → %s', (url, expected) => {
    expect(code(url)).toBe(expected)
  })
})

describe('requestGuard: body types', () => {
  const post = (contentType: string | undefined, extra: Partial<Parameters<typeof checkApiRequest>[0]> = {}) =>
    checkApiRequest({ method: 'POST', url: '/api/properties', contentType, hasBody: true, ...extra })?.code ?? null
  it.each([
    ['application/json', null],
    ['application/json; charset=utf-8', null],
    ['multipart/form-data; boundary=----x', null],
    ['multipart/form-data', 'MALFORMED_REQUEST'],
    ['text/plain', 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/x-www-form-urlencoded', 'UNSUPPORTED_MEDIA_TYPE'],
    [undefined, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('%s → %s', (type, expected) => {
    expect(post(type)).toBe(expected)
  })

  it("the admin panel's GET override may send its query as a form", () => {
    expect(post('application/x-www-form-urlencoded', { methodOverride: 'GET' })).toBeNull()
  })

  it('a POST without a body needs no type (logout), and GraphQL is left to its own checks', () => {
    expect(post(undefined, { hasBody: false })).toBeNull()
    expect(checkApiRequest({ method: 'POST', url: '/api/graphql', contentType: 'text/plain', hasBody: true })).toBeNull()
  })
})
