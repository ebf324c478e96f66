import { contentEncoding, parsePublicRead } from './publicRead'

describe('parsePublicRead: only plain anonymous reads take the fast path', () => {
  it.each([
    ['/api/properties/42', { kind: 'byId', id: 42, depth: undefined }],
    ['/api/properties/42?depth=0', { kind: 'byId', id: 42, depth: 0 }],
    ['/api/properties/42?depth=2', { kind: 'byId', id: 42, depth: 2 }],
    ['/api/properties?where[slug][equals]=a-b', { kind: 'slug', value: 'a-b', depth: undefined, limit: undefined }],
    ['/api/properties?where%5Bslug%5D%5Bequals%5D=a-b&depth=1', { kind: 'slug', value: 'a-b', depth: 1, limit: undefined }],
    [
      '/api/properties?where[address.city][equals]=S%C3%A3o+Paulo&limit=10',
      { kind: 'city', value: 'São Paulo', depth: undefined, limit: 10 },
    ],
  ])('%s', (url, expected) => {
    expect(parsePublicRead('GET', url, {})).toEqual(expected)
  })

  it.each([
    ['POST', '/api/properties/42', {}],
    ['HEAD', '/api/properties/42', {}],
    ['GET', '/api/properties/42', { cookie: 'payload-token=x' }],
    ['GET', '/api/properties/42', { authorization: 'JWT x' }],
    ['GET', '/api/properties/0', {}],
    ['GET', '/api/properties/2147483648', {}],
    ['GET', '/api/properties/042', {}],
    ['GET', '/api/properties/42?depth=3', {}],
    ['GET', '/api/properties/42?depth=0&depth=0', {}],
    ['GET', '/api/properties/42?draft=true', {}],
    ['GET', '/api/properties/42?locale=de', {}],
    ['GET', '/api/properties/42?select[title]=true', {}],
    ['GET', '/api/properties/42?populate[users][name]=true', {}],
    ['GET', '/api/properties/42?joins=false', {}],
    ['GET', '/api/properties/42/versions', {}],
    ['GET', '/api/properties/search?city=Paris', {}],
    ['GET', '/api/properties', {}],
    ['GET', '/api/properties?limit=10', {}],
    ['GET', '/api/properties?where[slug][like]=a', {}],
    ['GET', '/api/properties?where[slug][equals]=', {}],
    ['GET', '/api/properties?where[slug][equals]=a&where[address.city][equals]=b', {}],
    ['GET', '/api/properties?where[address.city][equals]=Paris&page=2', {}],
    ['GET', '/api/properties?where[address.city][equals]=Paris&sort=title', {}],
    ['GET', '/api/properties?where[address.city][equals]=Paris&limit=101', {}],
    ['GET', '/api/properties?where[address.city][equals]=Paris&limit=0', {}],
    ['GET', '/api/properties?where[or][0][slug][equals]=a', {}],
    // Names every object has are not where-keys.
    ['GET', '/api/properties?constructor=Paris', {}],
    ['GET', '/api/properties?toString=a', {}],
    ['GET', '/api/properties?__proto__=a', {}],
    ['GET', '/api/properties?hasOwnProperty=a&where[slug][equals]=b', {}],
  ])('%s %s %j falls through', (method, url, headers) => {
    expect(parsePublicRead(method, url, headers)).toBeNull()
  })
})

describe('contentEncoding: as Next would encode, or null to let Next decide', () => {
  it.each([
    [undefined, 'identity'],
    ['identity', 'identity'],
    ['gzip, deflate, br, zstd', 'gzip'],
    ['br, deflate', 'deflate'],
    ['br', 'identity'],
    ['gzip;q=0, deflate', null],
    ['*', null],
  ])('%s → %s', (header, expected) => {
    expect(contentEncoding(header)).toBe(expected)
  })
})
