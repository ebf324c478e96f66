import { INT4_MAX } from '@/domain/ids'

/**
 * Which requests the public read fast path (src/publicReads.ts) answers, decided from the request line
 * and headers alone: pure, so it is tested on its own (publicRead.test.ts).
 */
export type Find = { kind: 'byId'; id: number } | { kind: 'slug' | 'city'; value: string }
export type Read = Find & { depth?: number; limit?: number }

const BY_ID = /^\/api\/properties\/([1-9]\d{0,9})$/
const DEPTH = /^[0-2]$/
const LIMIT = /^[1-9]\d?$|^100$/
const WHERE_KEYS: Record<string, 'slug' | 'city'> = { 'where[slug][equals]': 'slug', 'where[address.city][equals]': 'city' }
const MAX_VALUE = 200

/** The read a request asks for, or null when it is not one the fast path answers. */
export function parsePublicRead(method: string, url: string, headers: Record<string, unknown>): Read | null {
  if (method !== 'GET' || headers.cookie !== undefined || headers.authorization !== undefined) return null
  const at = url.indexOf('?')
  const path = at === -1 ? url : url.slice(0, at)
  const params = new URLSearchParams(at === -1 ? '' : url.slice(at + 1))
  const seen = new Set<string>()
  for (const key of params.keys()) {
    if (seen.has(key)) return null
    seen.add(key)
  }
  const depthText = params.get('depth')
  if (depthText !== null && !DEPTH.test(depthText)) return null
  const depth = depthText === null ? undefined : Number(depthText)

  const byId = BY_ID.exec(path)
  if (byId) {
    const id = Number(byId[1])
    if (id > INT4_MAX || [...seen].some((key) => key !== 'depth')) return null
    return { kind: 'byId', id, depth }
  }
  if (path !== '/api/properties') return null
  const whereKeys = [...seen].filter((key) => Object.hasOwn(WHERE_KEYS, key))
  if (whereKeys.length !== 1 || [...seen].some((key) => key !== 'depth' && key !== 'limit' && !Object.hasOwn(WHERE_KEYS, key))) return null
  const whereKey = whereKeys[0]!
  const value = params.get(whereKey) as string
  if (value === '' || value.length > MAX_VALUE || value.includes('\0')) return null
  const limitText = params.get('limit')
  if (limitText !== null && !LIMIT.test(limitText)) return null
  return { kind: WHERE_KEYS[whereKey]!, value, depth, limit: limitText === null ? undefined : Number(limitText) }
}

/**
 * How Next would encode the answer for this Accept-Encoding: gzip if offered, else deflate, else none;
 * null (let Next answer) for a header with quality values or anything else out of the ordinary.
 */
export function contentEncoding(header: string | string[] | undefined): 'gzip' | 'deflate' | 'identity' | null {
  if (header === undefined) return 'identity'
  if (typeof header !== 'string' || header.includes(';')) return null
  const offered = header.split(',').map((token) => token.trim().toLowerCase())
  if (offered.includes('gzip')) return 'gzip'
  if (offered.includes('deflate')) return 'deflate'
  return offered.every((token) => /^[a-z0-9-]*$/.test(token) && token !== '*') ? 'identity' : null
}
