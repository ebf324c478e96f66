/**
 * The benchmark generator (`npm run bench:seed`) writes rows the app accepts as its own: its accounts log
 * in with the documented password, its listings read through REST, its active bookings block their
 * nights (a booking over them is a 409) and new bookings get fresh ids. It refuses a database that
 * already has data unless --force.
 */
import { spawn } from 'node:child_process'

import { addDays, utcDate } from '@/domain/stayDates'
import { rest } from '../helpers/api'
import { type Stack, queryDatabase, startStack } from '../helpers/stack'

const PASSWORD = 'staybase-bench-2026'
let stack: Stack

function seed(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/seed.ts', ...args], {
      env: { ...process.env, DATABASE_URL: stack.databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, output }))
  })
}

const login = async (email: string) => {
  const res = await rest(stack, 'POST', '/api/users/login', { body: { email, password: PASSWORD } })
  expect(res.status).toBe(200)
  return res.body.token as string
}

beforeAll(async () => {
  stack = await startStack({ mailWorker: false })
  const first = await seed(['--listings', '40', '--bookings', '400', '--bench-guests', '3'])
  if (first.code !== 0) throw new Error(`bench:seed failed (${first.code}):\n${first.output}`)
}, 180_000)
afterAll(async () => {
  await stack?.stop()
})

describe('bench:seed', () => {
  it('refuses a database that already has data without --force, and refills it with --force', async () => {
    const refused = await seed(['--listings', '5', '--bookings', '5'])
    expect(refused.code).toBe(2)
    expect(refused.output).toMatch(/Refusing to seed.*--force/s)
    expect((await queryDatabase(stack, 'SELECT count(*)::int AS n FROM properties')).rows[0].n).toBe(40)

    const forced = await seed(['--listings', '40', '--bookings', '400', '--bench-guests', '3', '--force'])
    expect(forced.code).toBe(0)
    const { rows } = await queryDatabase(
      stack,
      `SELECT (SELECT count(*)::int FROM properties) AS listings, (SELECT count(*)::int FROM bookings) AS bookings`,
    )
    expect(rows[0]).toEqual({ listings: 40, bookings: 400 })
  }, 120_000)

  it('writes accounts that log in (Payload password hash), listings that read through REST, and an admin', async () => {
    const admin = await login('bench-admin@staybase.bench')
    const me = await rest(stack, 'GET', '/api/users/me', { token: admin })
    expect(me.body.user.roles).toEqual(['admin'])
    await login('bench-staff@staybase.bench')
    await login('bench-host@staybase.bench')

    const { rows } = await queryDatabase(
      stack,
      `SELECT id, title, review_count::int AS reviews FROM properties ORDER BY review_count DESC LIMIT 1`,
    )
    const read = await rest(stack, 'GET', `/api/properties/${rows[0].id}?depth=1`)
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ id: rows[0].id, title: rows[0].title, _status: 'published', reviewCount: rows[0].reviews })
    expect(read.body.photos[0].sizes.card.url).toMatch(/\.webp$/)
  })

  it('blocks the nights of seeded active bookings (409) and takes new bookings with fresh ids (201)', async () => {
    const token = await login('bench-guest-1@staybase.bench')
    const today = utcDate(new Date())
    const { rows: taken } = await queryDatabase(
      stack,
      `SELECT b.property_id AS property, to_char(b.check_in, 'YYYY-MM-DD') AS "checkIn", to_char(b.check_out, 'YYYY-MM-DD') AS "checkOut"
         FROM bookings b JOIN properties p ON p.id = b.property_id
        WHERE b.status = 'confirmed' AND b.check_in > $1::date + 1 AND b.check_out - b.check_in BETWEEN p.min_nights AND p.max_nights
        ORDER BY b.id LIMIT 1`,
      [today],
    )
    expect(taken).toHaveLength(1)
    const clash = await rest(stack, 'POST', '/api/bookings', { token, body: { ...taken[0], guests: 1 } })
    expect(clash.status).toBe(409)

    // The calendars end a year ahead: 400 days out every listing is free.
    const { rows: listing } = await queryDatabase(stack, `SELECT id, min_nights::int AS "minNights" FROM properties ORDER BY id LIMIT 1`)
    const checkIn = addDays(today, 400)
    const stay = { property: listing[0].id, checkIn, checkOut: addDays(checkIn, listing[0].minNights), guests: 1 }
    const created = await rest(stack, 'POST', '/api/bookings', { token, body: stay })
    expect(created.status).toBe(201)
    expect(created.body.doc.id).toBeGreaterThan(400)
    const again = await rest(stack, 'POST', '/api/bookings', { token, body: stay })
    expect(again.status).toBe(409)
  })
})
