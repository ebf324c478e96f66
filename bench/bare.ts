/**
 * The floor the benchmark compares Staybase with: a bare express + pg server that runs the same SQL for
 * the same requests, with nothing else in the way (no Next, no Payload, no access checks, no cache).
 *
 *   node --import tsx bench/bare.ts --port 3121 --database-url postgres://…/staybase_bench [--pool-max 16]
 *
 * `npm run bench` starts it itself, beside the production build. Routes (same query strings as the API):
 *   GET /search?…                  parseSearch + searchStatements(criteria): the search's own statement
 *   GET /properties/:id            one listing with its amenities and photo ids (Payload's depth=0 document)
 *   GET /properties/by-slug/:slug  the listing with that slug, as Payload's find at its default depth:
 *                                  the page, the count, the photos (media rows) and the host
 *   GET /properties/city/:city     the first 10 listings of a city, newest first, read the same way
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'

import { PgDialect } from '@payloadcms/db-postgres/drizzle/pg-core'
import express from 'express'
import pg from 'pg'

import { decodeCursor } from '@/domain/searchCursor'
import { parseSearch } from '@/domain/searchParams'
import { searchStatements } from '@/services/listingSearch'

const dialect = new PgDialect()

/**
 * A search cursor is opaque and signed with the server's secret (src/domain/searchCursor.ts): the bench
 * gives both processes the same PAYLOAD_SECRET, and the floor decodes the cursor as the endpoint does.
 */
const cursorSecret = () => process.env.PAYLOAD_SECRET ?? ''

// The columns of a listing document at depth 0: the row, its amenities in order, its photo ids in order.
const LISTING = `
  SELECT p.*,
         coalesce((SELECT json_agg(a.value ORDER BY a."order") FROM properties_amenities a WHERE a.parent_id = p.id), '[]') AS amenities,
         coalesce((SELECT json_agg(r.media_id ORDER BY r."order") FROM properties_rels r WHERE r.parent_id = p.id AND r.path = 'photos'), '[]') AS photos
  FROM properties p`

export function bareApp(pool: pg.Pool): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.disable('etag')

  app.get('/search', async (req, res) => {
    const params = new URL(req.url, 'http://bare').searchParams
    const parsed = parseSearch((name) => params.get(name))
    if (!parsed.ok) return void res.status(400).json({ errors: [{ message: parsed.message, field: parsed.field }] })
    const c = parsed.criteria
    if (c.cursor) {
      const after = decodeCursor(cursorSecret(), c, c.cursor)
      if (!after.ok) return void res.status(400).json({ errors: [{ message: after.message, field: 'cursor' }] })
      c.after = after.after
    }
    const { query, count } = searchStatements(c)
    const page = dialect.sqlToQuery(query)
    const { rows: found } = await pool.query(page.sql, page.params)
    // searchListings' own rule: the page asks for limit + 1 rows, and the count runs only when the page
    // cannot tell the total by itself.
    const more = found.length > c.limit
    const rows = found.slice(0, c.limit)
    const skip = c.after ? null : (c.page - 1) * c.limit
    let totalDocs: number
    if (!more && skip !== null && (rows.length > 0 || skip === 0)) totalDocs = skip + rows.length
    else {
      const counted = dialect.sqlToQuery(count)
      totalDocs = Number((await pool.query(counted.sql, counted.params)).rows[0]?.matches ?? 0)
    }
    res.json({
      docs: rows.map((r) => ({
        id: r.id,
        title: r.title,
        slug: r.slug,
        city: r.city,
        country: r.country,
        nightlyRate: Number(r.nightly_rate),
        currency: r.currency,
        cover: r.cover_filename,
      })),
      totalDocs,
      page: c.page,
      totalPages: Math.ceil(totalDocs / c.limit),
      limit: c.limit,
    })
  })

  // Payload's find at its default depth: the page, the count, then the photos and hosts it populates.
  const listingPage = async (where: string, value: string, limit: number) => {
    const page = await pool.query(`${LISTING} WHERE ${where} AND p._status = 'published' ORDER BY p.created_at DESC LIMIT ${limit}`, [
      value,
    ])
    const count = await pool.query(`SELECT count(*)::int AS n FROM properties p WHERE ${where} AND p._status = 'published'`, [value])
    const mediaIds = page.rows.flatMap((r) => r.photos as number[])
    const hostIds = [...new Set(page.rows.map((r) => r.host_id).filter((id) => id !== null))]
    const [media, hosts] = await Promise.all([
      pool.query('SELECT * FROM media WHERE id = ANY($1::int[])', [mediaIds]),
      pool.query('SELECT id, name, bio, avatar_id, created_at, updated_at FROM users WHERE id = ANY($1::int[])', [hostIds]),
    ])
    const mediaById = new Map(media.rows.map((m) => [m.id, m]))
    const hostById = new Map(hosts.rows.map((h) => [h.id, h]))
    return {
      docs: page.rows.map((r) => ({
        ...r,
        photos: (r.photos as number[]).map((id) => mediaById.get(id) ?? id),
        host: hostById.get(r.host_id) ?? r.host_id,
      })),
      totalDocs: count.rows[0].n as number,
      limit,
    }
  }

  app.get('/properties/by-slug/:slug', async (req, res) => {
    res.json(await listingPage('p.slug = $1', req.params.slug, 10))
  })

  app.get('/properties/city/:city', async (req, res) => {
    res.json(await listingPage('p.address_city = $1', req.params.city, 10))
  })

  app.get('/properties/:id', async (req, res) => {
    if (!/^\d{1,9}$/.test(req.params.id)) return void res.status(404).json({ errors: [{ message: 'Not Found' }] })
    const { rows } = await pool.query(`${LISTING} WHERE p.id = $1 AND p._status = 'published'`, [Number(req.params.id)])
    if (!rows[0]) return void res.status(404).json({ errors: [{ message: 'Not Found' }] })
    res.json(rows[0])
  })

  app.get('/healthz', (_req, res) => void res.json({ ok: true }))
  return app
}

export async function startBare(options: {
  databaseUrl: string
  port: number
  poolMax: number
  host?: string
}): Promise<{ url: string; pool: pg.Pool; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax })
  const app = bareApp(pool)
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.port, options.host ?? '127.0.0.1', () => resolve(s))
  })
  server.keepAliveTimeout = 65_000
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    // Keep-alive clients (autocannon, fetch) would hold close() open for the 65 s keep-alive timeout.
    server.closeAllConnections()
    await closed
    await pool.end()
  }
  const { port } = server.address() as AddressInfo
  return { url: `http://${options.host ?? '127.0.0.1'}:${port}`, pool, close }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href
if (isMain) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3121' },
      'database-url': { type: 'string' },
      'pool-max': { type: 'string', default: '16' },
    },
  })
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL
  if (!databaseUrl) {
    console.error('bench/bare.ts needs --database-url (or DATABASE_URL).')
    process.exit(2)
  }
  const bare = await startBare({ databaseUrl, port: Number(values.port), poolMax: Number(values['pool-max']) })
  console.log(`bare express + pg listening on http://127.0.0.1:${values.port}`)
  const stop = () => void bare.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
