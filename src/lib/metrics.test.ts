import { metrics, metricsAccess, metricsResponse, watchPool } from './metrics'

const TOKEN = 'a-metrics-token-of-24-chars'

describe('metricsAccess', () => {
  it.each([
    ['no token configured', `Bearer ${TOKEN}`, '', 'disabled'],
    ['the right token', `Bearer ${TOKEN}`, TOKEN, 'ok'],
    ['the scheme in any case', `bearer ${TOKEN}`, TOKEN, 'ok'],
    ['no header', undefined, TOKEN, 'unauthorized'],
    ['another scheme', `Basic ${TOKEN}`, TOKEN, 'unauthorized'],
    ['a wrong token', 'Bearer wrong-token-of-some-length', TOKEN, 'unauthorized'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, 'unauthorized'],
    ['the token and more', `Bearer ${TOKEN}x`, TOKEN, 'unauthorized'],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`, TOKEN, 'unauthorized'],
  ])('%s', (_, header, token, expected) => {
    expect(metricsAccess(header, token)).toBe(expected)
  })
})

describe('metrics', () => {
  it('is one set per process, whichever copy of the module asks (kept on globalThis)', () => {
    const first = metrics()
    expect(metrics()).toBe(first)
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('staybase.metrics')]).toBe(first)
  })

  it('answers the text format with the token, and refuses in the API error shape without it', async () => {
    watchPool('test_pool', { totalCount: 3, idleCount: 1, waitingCount: 2, options: { max: 4 } })
    const ok = await metricsResponse('GET', `Bearer ${TOKEN}`, TOKEN)
    expect(ok.status).toBe(200)
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(ok.body).toContain('staybase_db_pool_connections{pool="test_pool",state="in_use"} 2')
    expect(ok.body).toContain('staybase_db_pool_connections{pool="test_pool",state="waiting"} 2')
    expect(ok.body).toContain('staybase_db_pool_max{pool="test_pool"} 4')
    expect(ok.body).toContain('nodejs_eventloop_lag_seconds')

    const refused = await metricsResponse('GET', undefined, TOKEN)
    expect(refused.status).toBe(401)
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer/)
    expect(JSON.parse(refused.body)).toEqual({ errors: [{ message: expect.any(String), code: 'UNAUTHORIZED' }] })
    expect((await metricsResponse('GET', `Bearer ${TOKEN}`, '')).status).toBe(404)
    expect((await metricsResponse('POST', `Bearer ${TOKEN}`, TOKEN)).status).toBe(405)
  })
})
