import { addDays, utcDate } from '@/domain/stayDates'
import { CALENDAR_SYNC_QUEUE, calendarJobIds } from '@/jobs/registry'
import { type Cast, type TestUser, gql, rest, signUpCast } from '../helpers/api'
import { compact, ics } from '../helpers/calendarFeeds'
import { type IcalServer, startIcalServer } from '../helpers/icalServer'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, queryDatabase, startServer, startStack, startWorker } from '../helpers/stack'

/**
 * iCal import (issue 17): feeds of other booking sites, served by a local HTTP server, synced by a real
 * worker into calendar-events whose nights are taken on every path (booking REST and GraphQL, quote,
 * availability, search), mirrored at each sync, with echoes of our own bookings and conflicts with them.
 * Syncs are started by enqueueing `sync-feed` with a fresh job id and waiting for that job, never by time.
 */
let stack: Stack
let cast: Cast
let worker: WorkerProcess
let queues: StackQueues
let feeds: IcalServer
const today = utcDate(new Date())
const night = (n: number) => addDays(today, n)

beforeAll(async () => {
  feeds = await startIcalServer()
  // Scheduled rounds every hour: the tests start each sync themselves. Fetches give up after 2 s and 200 kB.
  const env = {
    CALENDAR_FEEDS_ALLOW_PRIVATE: 'true',
    CALENDAR_SYNC_MINUTES: '60',
    CALENDAR_FETCH_TIMEOUT_MS: '2000',
    CALENDAR_MAX_BYTES: '200000',
  }
  stack = await startStack({ env })
  worker = await startWorker(stack, env)
  cast = await signUpCast(stack)
  queues = stackQueues(stack)
}, 120_000)

afterAll(async () => {
  await queues?.close()
  await worker?.stop()
  await stack?.stop()
  await feeds?.close()
}, 60_000)

let listingCount = 0
/** This suite's listings only, so other listings never push one off the search page. */
const CITY = 'Icaltown'
async function listing(host: TestUser = cast.host): Promise<number> {
  listingCount++
  const doc = await createListing(
    stack,
    host,
    {
      title: `Imported calendar flat ${listingCount}`,
      minNights: 1,
      address: { line1: 'Feedweg 1', city: CITY, postalCode: '8002', country: 'CH' },
    },
    { publish: true },
  )
  return doc.id
}

type Feed = {
  id: number
  updatedAt: string
  lastSyncedAt: string | null
  lastStatus: string
  lastError: string | null
  eventCount: number
  conflicts: any[]
}

/** Creates a feed as the host and waits for the sync its creation starts. */
async function createFeed(listingId: number, path: string, name = 'Airbnb'): Promise<Feed> {
  const res = await rest(stack, 'POST', '/api/calendar-feeds', {
    token: cast.host.token,
    body: { property: listingId, name, url: feeds.url(path) },
  })
  expect(res.status).toBe(201)
  const doc = res.body.doc as Feed
  await queues.waitForJobState(CALENDAR_SYNC_QUEUE, calendarJobIds.syncFeed(doc.id, `changed-${Date.parse(doc.updatedAt)}`), 'completed')
  return readFeed(doc.id)
}

async function readFeed(id: number): Promise<Feed> {
  const res = await rest(stack, 'GET', `/api/calendar-feeds/${id}?depth=0`, { token: cast.host.token })
  expect(res.status).toBe(200)
  return res.body
}

let syncs = 0
/** One sync of the feed, now: a job of our own id, waited for. */
async function sync(feedId: number): Promise<Feed> {
  const jobId = calendarJobIds.syncFeed(feedId, `test-${++syncs}`)
  await queues.queue(CALENDAR_SYNC_QUEUE).add('sync-feed', { feedId }, { jobId })
  await queues.waitForJobState(CALENDAR_SYNC_QUEUE, jobId, 'completed')
  return readFeed(feedId)
}

const book = (listingId: number, checkIn: string, checkOut: string, guest: TestUser = cast.guest) =>
  rest(stack, 'POST', '/api/bookings', { token: guest.token, body: { property: listingId, checkIn, checkOut, guests: 1 } })

const quote = (listingId: number, checkIn: string, checkOut: string) =>
  rest(stack, 'GET', `/api/properties/${listingId}/quote?checkIn=${checkIn}&checkOut=${checkOut}&guests=1`)

async function freeNights(listingId: number, from: string, to: string): Promise<string[]> {
  const res = await rest(stack, 'GET', `/api/properties/${listingId}/availability?from=${from}&to=${to}`)
  expect(res.status).toBe(200)
  return res.body.nights.filter((n: { available: boolean }) => n.available).map((n: { date: string }) => n.date)
}

async function inSearch(listingId: number, checkIn: string, checkOut: string): Promise<boolean> {
  const res = await rest(stack, 'GET', `/api/properties/search?city=${CITY}&checkIn=${checkIn}&checkOut=${checkOut}&guests=1&limit=50`)
  expect(res.status).toBe(200)
  return res.body.docs.some((d: { id: number }) => d.id === listingId)
}

const nightsBetweenDays = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => night(from + i))

describe('a feed takes the nights booked elsewhere', () => {
  it('REST create → synced at once → its nights are taken on every path; free nights stay free', async () => {
    const id = await listing()
    feeds.setFeed('/take.ics', ics([{ uid: 'take-1@airbnb.test', start: night(10), end: night(13) }]))
    const feed = await createFeed(id, '/take.ics')
    expect(feed).toMatchObject({ lastStatus: 'ok', lastError: null, eventCount: 1, conflicts: [] })
    expect(feed.lastSyncedAt).toBeTruthy()

    const refused = await book(id, night(12), night(14))
    expect(refused.status).toBe(409)
    expect(refused.body.errors[0].code).toBe('DATES_UNAVAILABLE')
    const viaGraphql = await gql(
      stack,
      'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id } }',
      { data: { property: id, checkIn: night(10), checkOut: night(11), guests: 1 } },
      { token: cast.guest.token },
    )
    expect(viaGraphql.body.errors?.[0]?.extensions).toMatchObject({ statusCode: 409, code: 'DATES_UNAVAILABLE' })
    expect((await quote(id, night(11), night(12))).status).toBe(409)
    expect(await freeNights(id, night(9), night(14))).toEqual([night(9), night(13)])
    expect(await inSearch(id, night(11), night(12))).toBe(false)
    expect(await inSearch(id, night(13), night(15))).toBe(true)
    // Touching the imported stay is fine: check-out day = check-in day.
    expect((await book(id, night(13), night(15))).status).toBe(201)
  })

  it('GraphQL create works the same', async () => {
    const id = await listing()
    feeds.setFeed('/gql.ics', ics([{ uid: 'gql-1@vrbo.test', start: night(20), end: night(22) }]))
    const res = await gql(
      stack,
      'mutation($data: mutationCalendarFeedInput!) { createCalendarFeed(data: $data) { id updatedAt lastStatus } }',
      { data: { property: id, name: 'Vrbo', url: feeds.url('/gql.ics') } },
      { token: cast.host.token },
    )
    expect(res.body.errors).toBeUndefined()
    const created = res.body.data.createCalendarFeed
    await queues.waitForJobState(
      CALENDAR_SYNC_QUEUE,
      calendarJobIds.syncFeed(created.id, `changed-${Date.parse(created.updatedAt)}`),
      'completed',
    )
    expect(await readFeed(created.id)).toMatchObject({ lastStatus: 'ok', eventCount: 1 })
    expect((await book(id, night(21), night(23))).status).toBe(409)
  })
})

describe('each sync mirrors the feed', () => {
  it('a moved event moves its nights; a cancelled or removed one frees them', async () => {
    const id = await listing()
    feeds.setFeed(
      '/mirror.ics',
      ics([
        { uid: 'm-1@x.test', start: night(30), end: night(33) },
        { uid: 'm-2@x.test', start: night(40), end: night(42) },
      ]),
    )
    const feed = await createFeed(id, '/mirror.ics')
    expect(feed.eventCount).toBe(2)
    expect(await freeNights(id, night(30), night(34))).toEqual([night(33)])

    feeds.setFeed(
      '/mirror.ics',
      ics([
        { uid: 'm-1@x.test', start: night(31), end: night(35) },
        { uid: 'm-2@x.test', start: night(40), end: night(42), extra: ['STATUS:CANCELLED'] },
      ]),
    )
    expect(await sync(feed.id)).toMatchObject({ lastStatus: 'ok', eventCount: 1 })
    expect(await freeNights(id, night(30), night(36))).toEqual([night(30), night(35)])
    expect(await freeNights(id, night(40), night(42))).toEqual([night(40), night(41)])

    feeds.setFeed('/mirror.ics', ics([]))
    expect(await sync(feed.id)).toMatchObject({ lastStatus: 'ok', eventCount: 0 })
    expect(await freeNights(id, night(30), night(36))).toEqual(nightsBetweenDays(30, 36))
    expect((await book(id, night(31), night(34))).status).toBe(201)
  })

  it('recurring events take every occurrence; timed events in a time zone take their local nights', async () => {
    const id = await listing()
    const stamp = (date: string, time: string) => `${compact(date)}T${time}`
    feeds.setFeed(
      '/kinds.ics',
      ics([
        // Every week for three weeks: three stays of two nights.
        { uid: 'weekly@x.test', start: night(140), end: night(142), extra: ['RRULE:FREQ=WEEKLY;COUNT=3'] },
        { uid: 'allday@x.test', start: night(160), end: night(161) },
      ]).replace(
        'END:VCALENDAR',
        [
          'BEGIN:VEVENT',
          'UID:tz@x.test',
          'DTSTAMP:20260101T000000Z',
          `DTSTART;TZID=Europe/Zurich:${stamp(night(170), '150000')}`,
          `DTEND;TZID=Europe/Zurich:${stamp(night(172), '100000')}`,
          'SUMMARY:Timed',
          'END:VEVENT',
          'END:VCALENDAR',
        ].join('\r\n'),
      ),
    )
    const feed = await createFeed(id, '/kinds.ics')
    expect(feed).toMatchObject({ lastStatus: 'ok', eventCount: 5 })
    expect(await freeNights(id, night(140), night(156))).toEqual([
      ...nightsBetweenDays(142, 147),
      ...nightsBetweenDays(149, 154),
      ...nightsBetweenDays(156, 156),
    ])
    expect(await freeNights(id, night(159), night(163))).toEqual([night(159), night(161), night(162)])
    expect(await freeNights(id, night(169), night(173))).toEqual([night(169), night(172)])
  })

  it('deleting a feed frees its nights', async () => {
    const id = await listing()
    feeds.setFeed('/delete.ics', ics([{ uid: 'd-1@x.test', start: night(50), end: night(52) }]))
    const feed = await createFeed(id, '/delete.ics')
    expect((await quote(id, night(50), night(51))).status).toBe(409)
    expect((await rest(stack, 'DELETE', `/api/calendar-feeds/${feed.id}`, { token: cast.host.token })).status).toBe(200)
    expect((await queryDatabase(stack, 'SELECT count(*)::int AS n FROM calendar_events WHERE feed_id = $1', [feed.id])).rows[0].n).toBe(0)
    expect((await quote(id, night(50), night(51))).status).toBe(200)
  })
})

describe('a feed’s address or listing changes', () => {
  it('a new url is synced at once, and its calendar replaces the old one’s', async () => {
    const id = await listing()
    feeds.setFeed('/old.ics', ics([{ uid: 'old-1@x.test', start: night(190), end: night(192) }]))
    feeds.setFeed('/new.ics', ics([{ uid: 'new-1@x.test', start: night(195), end: night(197) }]))
    const feed = await createFeed(id, '/old.ics')
    const moved = await rest(stack, 'PATCH', `/api/calendar-feeds/${feed.id}`, {
      token: cast.host.token,
      body: { url: feeds.url('/new.ics') },
    })
    expect(moved.status).toBe(200)
    await queues.waitForJobState(
      CALENDAR_SYNC_QUEUE,
      calendarJobIds.syncFeed(feed.id, `changed-${Date.parse(moved.body.doc.updatedAt)}`),
      'completed',
    )
    expect(await freeNights(id, night(190), night(192))).toEqual([night(190), night(191)])
    expect((await quote(id, night(195), night(196))).status).toBe(409)
  })

  it('deleting the listing deletes its feeds and their events', async () => {
    const id = await listing()
    feeds.setFeed('/gone.ics', ics([{ uid: 'gone-1@x.test', start: night(200), end: night(202) }]))
    const feed = await createFeed(id, '/gone.ics')
    expect((await rest(stack, 'DELETE', `/api/properties/${id}`, { token: cast.host.token })).status).toBe(200)
    const left = await queryDatabase(
      stack,
      'SELECT (SELECT count(*) FROM calendar_feeds WHERE id = $1)::int AS feeds, (SELECT count(*) FROM calendar_events WHERE feed_id = $1)::int AS events',
      [feed.id],
    )
    expect(left.rows[0]).toEqual({ feeds: 0, events: 0 })
  })
})

describe('bad feeds', () => {
  it('malformed, huge and slow feeds → lastStatus error with the reason, their events kept, the listing’s other feed unaffected', async () => {
    const id = await listing()
    feeds.setFeed('/good.ics', ics([{ uid: 'g-1@x.test', start: night(60), end: night(61) }]))
    feeds.setFeed('/flaky.ics', ics([{ uid: 'f-1@x.test', start: night(62), end: night(63) }]))
    const good = await createFeed(id, '/good.ics', 'Booking.com')
    const flaky = await createFeed(id, '/flaky.ics', 'Airbnb')
    expect(flaky.eventCount).toBe(1)
    // CALENDAR_MAX_BYTES is 200 kB and CALENDAR_FETCH_TIMEOUT_MS 2 s on this stack.
    const bad: [string, () => void][] = [
      ['malformed', () => feeds.setFeed('/flaky.ics', 'this is not a calendar at all')],
      ['huge', () => feeds.huge('/flaky.ics', 1_000_000)],
      ['huge, chunked', () => feeds.huge('/flaky.ics', 1_000_000, { contentLength: false })],
      ['slow', () => feeds.slow('/flaky.ics', { delayMs: 5_000 })],
      ['not found', () => feeds.setFeed('/flaky.ics', 'gone', { status: 404 })],
    ]
    for (const [what, serve] of bad) {
      serve()
      const after = await sync(flaky.id)
      expect({ what, status: after.lastStatus, hasError: typeof after.lastError === 'string' && after.lastError.length > 0 }).toEqual({
        what,
        status: 'error',
        hasError: true,
      })
      expect(after.lastError).not.toMatch(/\n\s+at /) // a reason, never a stack
      expect(after.eventCount).toBe(1)
      expect((await quote(id, night(62), night(63))).status).toBe(409)
      expect(await sync(good.id)).toMatchObject({ lastStatus: 'ok', eventCount: 1 })
      expect((await quote(id, night(60), night(61))).status).toBe(409)
    }
  }, 120_000)
})

describe('echoes and conflicts', () => {
  it('our own feed read back from another site: every event an echo, no conflict, nights not counted twice', async () => {
    const id = await listing()
    const a = await book(id, night(70), night(72))
    expect(a.status).toBe(201)
    const token = (await rest(stack, 'GET', `/api/properties/${id}?depth=0`, { token: cast.host.token })).body.calendarToken
    const exported = await fetch(`${stack.url}/api/properties/${id}/calendar.ics?token=${token}`).then((r) => r.text())
    feeds.setFeed('/echo-uid.ics', exported)
    const feed = await createFeed(id, '/echo-uid.ics')
    expect(feed).toMatchObject({ lastStatus: 'ok', eventCount: 1, conflicts: [] })
    const events = await rest(stack, 'GET', `/api/calendar-events?where[feed][equals]=${feed.id}&depth=0`, { token: cast.host.token })
    expect(events.body.docs).toEqual([
      expect.objectContaining({ echo: true, echoOf: a.body.doc.id, startDate: night(70), endDate: night(72) }),
    ])
    // The booking is untouched and still the only thing on those nights.
    expect((await rest(stack, 'GET', `/api/bookings/${a.body.doc.id}`, { token: cast.host.token })).body.status).toBe(a.body.doc.status)
    expect(await freeNights(id, night(69), night(73))).toEqual([night(69), night(72)])
    // Once the booking is cancelled, its echo holds nothing.
    const cancelled = await rest(stack, 'POST', `/api/bookings/${a.body.doc.id}/cancel`, {
      token: cast.guest.token,
      body: { reason: 'plans changed' },
    })
    expect(cancelled.status).toBe(200)
    expect(await freeNights(id, night(70), night(72))).toEqual([night(70), night(71)])
  })

  it('an event on exactly our booking’s nights (another UID) is an echo', async () => {
    const id = await listing()
    const a = await book(id, night(80), night(83))
    expect(a.status).toBe(201)
    feeds.setFeed('/echo-nights.ics', ics([{ uid: 'rewritten-123@booking.test', start: night(80), end: night(83) }]))
    const feed = await createFeed(id, '/echo-nights.ics')
    expect(feed.conflicts).toEqual([])
    const events = await rest(stack, 'GET', `/api/calendar-events?where[feed][equals]=${feed.id}&depth=0`, { token: cast.host.token })
    expect(events.body.docs).toEqual([expect.objectContaining({ echo: true, echoOf: a.body.doc.id })])
  })

  it('an event overlapping a booking otherwise → one conflict, the booking untouched, exactly one mail to the host after 3 syncs', async () => {
    const id = await listing()
    const a = await book(id, night(90), night(93))
    expect(a.status).toBe(201)
    feeds.setFeed('/conflict.ics', ics([{ uid: 'dbl-1@airbnb.test', start: night(92), end: night(95) }]))
    const feed = await createFeed(id, '/conflict.ics', 'Airbnb')
    expect(feed.conflicts).toEqual([
      expect.objectContaining({ uid: 'dbl-1@airbnb.test', booking: a.body.doc.id, startDate: night(92), endDate: night(95) }),
    ])
    const firstSeenAt = feed.conflicts[0].firstSeenAt
    for (let i = 0; i < 3; i++) expect((await sync(feed.id)).conflicts).toEqual([expect.objectContaining({ firstSeenAt })])
    await queues.quiescent()
    const mails = stack.mail.messages.filter((m) => m.to.includes(cast.host.email) && /Double booking/.test(m.subject))
    expect(mails).toHaveLength(1)
    expect(mails[0]!.text).toContain(`#${a.body.doc.id}`)
    expect(mails[0]!.text).toContain('Airbnb')
    expect(mails[0]!.text).toContain(`/admin/collections/bookings/${a.body.doc.id}`)
    const booking = await rest(stack, 'GET', `/api/bookings/${a.body.doc.id}?depth=0`, { token: cast.host.token })
    expect(booking.body).toMatchObject({ status: a.body.doc.status, checkIn: night(90), checkOut: night(93) })
    // The imported nights beyond the booking are taken; the conflict is gone once the event is.
    expect((await quote(id, night(93), night(95))).status).toBe(409)
    feeds.setFeed('/conflict.ics', ics([]))
    expect((await sync(feed.id)).conflicts).toEqual([])
  })

  it('a booking racing a sync of the same nights: either the booking is refused or the import records the conflict', async () => {
    const outcomes: string[] = []
    for (let round = 0; round < 4; round++) {
      const id = await listing()
      feeds.setFeed(`/race-${round}.ics`, ics([]))
      const feed = await createFeed(id, `/race-${round}.ics`)
      feeds.setFeed(`/race-${round}.ics`, ics([{ uid: `race-${round}@x.test`, start: night(100), end: night(103) }]))
      const [booked, synced] = await Promise.all([book(id, night(101), night(102)), sync(feed.id)])
      expect([201, 409]).toContain(booked.status)
      if (booked.status === 201) expect(synced.conflicts.map((c) => c.booking)).toEqual([booked.body.doc.id])
      else expect(synced.conflicts).toEqual([])
      outcomes.push(booked.status === 201 ? 'booked first, conflict recorded' : 'imported first, booking refused')
    }
    console.log(`booking vs sync race: ${outcomes.join('; ')}`)
  }, 120_000)
})

describe('feed URLs the server must not fetch', () => {
  it('localhost, literal internal addresses and other schemes → 400 with a stable code, on REST and GraphQL; nothing stored', async () => {
    const strict = await startServer(stack, { CALENDAR_FEEDS_ALLOW_PRIVATE: 'false' })
    try {
      const id = await listing()
      for (const [url, code] of [
        ['http://localhost/x', 'FEED_URL_PRIVATE'],
        ['http://10.0.0.1/', 'FEED_URL_PRIVATE'],
        ['http://169.254.169.254/latest/meta-data', 'FEED_URL_PRIVATE'],
        ['http://[::1]/cal.ics', 'FEED_URL_PRIVATE'],
        ['ftp://example.com/cal.ics', 'FEED_URL_INVALID'],
        ['not a url', 'FEED_URL_INVALID'],
      ]) {
        const res = await rest(strict, 'POST', '/api/calendar-feeds', { token: cast.host.token, body: { property: id, name: 'X', url } })
        expect({ url, status: res.status, code: res.body.errors?.[0]?.code }).toEqual({ url, status: 400, code })
        const viaGraphql = await gql(
          strict,
          'mutation($data: mutationCalendarFeedInput!) { createCalendarFeed(data: $data) { id } }',
          { data: { property: id, name: 'X', url } },
          { token: cast.host.token },
        )
        expect({ url, ...viaGraphql.body.errors?.[0]?.extensions }).toMatchObject({ url, statusCode: 400, code })
      }
      // And on update of the url.
      const ok = await rest(strict, 'POST', '/api/calendar-feeds', {
        token: cast.host.token,
        body: { property: id, name: 'Fine', url: 'https://calendar.example.com/a.ics' },
      })
      expect(ok.status).toBe(201)
      const moved = await rest(strict, 'PATCH', `/api/calendar-feeds/${ok.body.doc.id}`, {
        token: cast.host.token,
        body: { url: 'http://127.0.0.1:6379/' },
      })
      expect(moved.status).toBe(400)
      expect(moved.body.errors[0].code).toBe('FEED_URL_PRIVATE')
      expect((await rest(stack, 'GET', `/api/calendar-feeds/${ok.body.doc.id}`, { token: cast.host.token })).body.url).toBe(
        'https://calendar.example.com/a.ics',
      )
      const stored = await queryDatabase(stack, 'SELECT count(*)::int AS n FROM calendar_feeds WHERE property_id = $1', [id])
      expect(stored.rows[0].n).toBe(1)
    } finally {
      await strict.stop()
    }
  })
})

describe('access', () => {
  it('feeds and events: the listing’s host and staff only; clients write no server-owned field', async () => {
    const id = await listing()
    feeds.setFeed('/access.ics', ics([{ uid: 'acc-1@x.test', start: night(110), end: night(112) }]))
    const feed = await createFeed(id, '/access.ics')
    const readers: [string, TestUser | null, boolean][] = [
      ['anonymous', null, false],
      ['guest', cast.guest, false],
      ['other host', cast.otherHost, false],
      ['host', cast.host, true],
      ['staff', cast.staff, true],
      ['admin', cast.admin, true],
    ]
    for (const [who, user, allowed] of readers) {
      const token = user?.token
      const one = await rest(stack, 'GET', `/api/calendar-feeds/${feed.id}`, { token })
      expect({ who, status: one.status }).toEqual({ who, status: allowed ? 200 : user ? 404 : 401 })
      const list = await rest(stack, 'GET', `/api/calendar-feeds?where[id][equals]=${feed.id}`, { token })
      expect({ who, n: list.body.docs?.length ?? 0 }).toEqual({ who, n: allowed ? 1 : 0 })
      const events = await rest(stack, 'GET', `/api/calendar-events?where[feed][equals]=${feed.id}`, { token })
      expect({ who, n: events.body.docs?.length ?? 0 }).toEqual({ who, n: allowed ? 1 : 0 })
      const viaGraphql = await gql(
        stack,
        `{ CalendarFeeds(where: { id: { equals: ${feed.id} } }) { docs { id } } CalendarEvents(where: { feed: { equals: ${feed.id} } }) { docs { id } } }`,
        {},
        { token },
      )
      expect({
        who,
        feeds: viaGraphql.body.data?.CalendarFeeds?.docs?.length ?? 0,
        events: viaGraphql.body.data?.CalendarEvents?.docs?.length ?? 0,
      }).toEqual({
        who,
        feeds: allowed ? 1 : 0,
        events: allowed ? 1 : 0,
      })
      // The listing's join shows feeds to its host and staff only.
      const listingDoc = await rest(stack, 'GET', `/api/properties/${id}?depth=0`, { token })
      expect({ who, join: listingDoc.body.calendarFeeds?.docs?.length ?? 0 }).toEqual({ who, join: allowed ? 1 : 0 })
    }
    const writers: [string, TestUser | null, boolean][] = [
      ['anonymous', null, false],
      ['guest', cast.guest, false],
      ['other host', cast.otherHost, false],
      ['staff', cast.staff, true],
      ['host', cast.host, true],
    ]
    for (const [who, user, allowed] of writers) {
      const token = user?.token
      const rename = await rest(stack, 'PATCH', `/api/calendar-feeds/${feed.id}`, { token, body: { name: `renamed by ${who}` } })
      expect({ who, ok: rename.status === 200 }).toEqual({ who, ok: allowed })
      expect(rename.status).toBeLessThan(500)
      const renameGql = await gql(
        stack,
        `mutation { updateCalendarFeed(id: ${feed.id}, data: { name: "gql ${who}" }) { id } }`,
        {},
        { token },
      )
      expect({ who, ok: !renameGql.body.errors }).toEqual({ who, ok: allowed })
      const attach = await rest(stack, 'POST', '/api/calendar-feeds', {
        token,
        body: { property: id, name: 'X', url: feeds.url('/access.ics') },
      })
      expect({ who, ok: attach.status === 201 }).toEqual({ who, ok: allowed })
      if (attach.status === 201)
        expect((await rest(stack, 'DELETE', `/api/calendar-feeds/${attach.body.doc.id}`, { token })).status).toBe(200)
    }
    // Another host cannot attach a feed to this listing, nor move their own feed onto it.
    const otherListing = await listing(cast.otherHost)
    const theirs = await rest(stack, 'POST', '/api/calendar-feeds', {
      token: cast.otherHost.token,
      body: { property: otherListing, name: 'Mine', url: feeds.url('/access.ics') },
    })
    expect(theirs.status).toBe(201)
    const hijack = await rest(stack, 'PATCH', `/api/calendar-feeds/${theirs.body.doc.id}?depth=0`, {
      token: cast.otherHost.token,
      body: { property: id },
    })
    // `property` is fixed after create: the sent value is ignored, the feed stays on its listing.
    expect(hijack.status).toBe(200)
    expect(hijack.body.doc.property).toBe(otherListing)
    // Events are the sync's: nobody writes them through the API.
    const event = (await rest(stack, 'GET', `/api/calendar-events?where[feed][equals]=${feed.id}`, { token: cast.staff.token })).body
      .docs[0]
    for (const user of [cast.host, cast.staff, cast.admin]) {
      expect(
        (
          await rest(stack, 'POST', '/api/calendar-events', {
            token: user.token,
            body: { feed: feed.id, property: id, uid: 'x', startDate: night(1), endDate: night(2) },
          })
        ).status,
      ).toBe(403)
      expect((await rest(stack, 'PATCH', `/api/calendar-events/${event.id}`, { token: user.token, body: { echo: true } })).status).toBe(403)
      expect((await rest(stack, 'DELETE', `/api/calendar-events/${event.id}`, { token: user.token })).status).toBe(403)
    }
    // Server-owned fields sent by a client are ignored.
    const sneaky = await rest(stack, 'PATCH', `/api/calendar-feeds/${feed.id}`, {
      token: cast.host.token,
      body: {
        lastStatus: 'error',
        lastError: 'forged',
        eventCount: 999,
        lastSyncedAt: '2000-01-01T00:00:00.000Z',
        host: cast.otherHost.id,
        conflicts: [{ uid: 'x', booking: 1, startDate: night(1), endDate: night(2), firstSeenAt: '2000-01-01T00:00:00.000Z' }],
      },
    })
    expect(sneaky.status).toBe(200)
    expect(await readFeed(feed.id)).toMatchObject({ lastStatus: 'ok', lastError: null, eventCount: 1, conflicts: [] })
    expect((await readFeed(feed.id)).lastSyncedAt).not.toBe('2000-01-01T00:00:00.000Z')
  }, 120_000)
})

describe('Hostile UIDs', () => {
  it('a random 10,000-character UID is stored under its hash: the sync succeeds and takes its nights', async () => {
    const a = await listing()
    const { randomBytes } = await import('node:crypto')
    const uid = randomBytes(5000).toString('hex')
    feeds.setFeed(
      '/longuid.ics',
      ics([
        { uid, start: night(150), end: night(151) },
        { uid: 'ok@x', start: night(152), end: night(153) },
      ]),
    )
    const feed = await createFeed(a, '/longuid.ics')
    expect(feed).toMatchObject({ lastStatus: 'ok', lastError: null, eventCount: 2 })
    const uids = async () =>
      (await queryDatabase(stack, 'SELECT uid FROM calendar_events WHERE feed_id = $1 ORDER BY start_date', [feed.id])).rows.map(
        (r) => r.uid,
      )
    const rows = await uids()
    expect(rows).toEqual([expect.stringMatching(/^[0-9a-f]{64}@long-uid$/), 'ok@x'])
    // The next sync keeps the same rows (the hash is stable).
    expect(await sync(feed.id)).toMatchObject({ lastStatus: 'ok', eventCount: 2 })
    expect(await uids()).toEqual(rows)
  }, 60_000)
})

describe('A feed stays on its listing', () => {
  it('PATCH {property} by the host or staff (REST and GraphQL) is ignored: events, nights and host stay with the listing', async () => {
    const a = await listing()
    const b = await listing()
    const other = await listing(cast.otherHost)
    feeds.setFeed('/move.ics', ics([{ uid: 'move-1@x.test', start: night(40), end: night(42) }]))
    const feed = await createFeed(a, '/move.ics')
    expect(feed.eventCount).toBe(1)
    const free = async (listingId: number) => {
      const res = await rest(stack, 'GET', `/api/properties/${listingId}/availability?from=${night(40)}&to=${night(42)}`)
      expect(res.status).toBe(200)
      return res.body.nights.filter((x: { available: boolean }) => x.available).map((x: { date: string }) => x.date)
    }
    expect(await free(a)).toEqual([])
    for (const [token, to] of [
      [cast.host.token, b],
      [cast.staff.token, other],
    ] as const) {
      const moved = await rest(stack, 'PATCH', `/api/calendar-feeds/${feed.id}?depth=0`, { token, body: { property: to, name: 'Moved?' } })
      expect(moved.status).toBe(200)
      expect(moved.body.doc).toMatchObject({ property: a, name: 'Moved?' })
      const viaGraphql = await gql(
        stack,
        `mutation { updateCalendarFeed(id: ${feed.id}, data: { property: ${to} }) { id property { id } } }`,
        {},
        { token },
      )
      expect(viaGraphql.body.errors).toBeUndefined()
      expect(viaGraphql.body.data.updateCalendarFeed.property.id).toBe(a)
    }
    const { rows } = await queryDatabase(stack, 'SELECT property_id, host_id FROM calendar_events WHERE feed_id = $1', [feed.id])
    expect(rows).toEqual([{ property_id: a, host_id: cast.host.id }])
    expect(await free(a)).toEqual([])
    expect(await free(b)).toEqual([night(40), night(41)])
    expect(await free(other)).toEqual([night(40), night(41)])
    const oldHost = await rest(stack, 'GET', `/api/calendar-events?where[feed][equals]=${feed.id}&depth=0`, { token: cast.host.token })
    expect(oldHost.body.docs).toHaveLength(1)
    const otherHost = await rest(stack, 'GET', `/api/calendar-events?where[feed][equals]=${feed.id}&depth=0`, {
      token: cast.otherHost.token,
    })
    expect(otherHost.body.docs).toHaveLength(0)
  }, 60_000)

  it('PATCH with the same url spelt differently (spaces, #fragment) keeps lastStatus and lastError', async () => {
    const a = await listing()
    feeds.setFeed('/respell.ics', 'not a calendar')
    const feed = await createFeed(a, '/respell.ics')
    expect(feed.lastStatus).toBe('error')
    const url = feeds.url('/respell.ics')
    for (const spelt of [` ${url}#frag `, `${url}#`]) {
      const res = await rest(stack, 'PATCH', `/api/calendar-feeds/${feed.id}`, { token: cast.host.token, body: { url: spelt } })
      expect(res.status).toBe(200)
      expect(res.body.doc).toMatchObject({ url, lastStatus: 'error', lastError: feed.lastError })
    }
  }, 60_000)
})

describe('Sync now', () => {
  it('POST /api/calendar-feeds/:id/sync (and GraphQL syncCalendarFeed): host and staff, 202, one job a minute; others 404, anonymous 401', async () => {
    const id = await listing()
    feeds.setFeed('/now.ics', ics([]))
    const feed = await createFeed(id, '/now.ics')
    feeds.setFeed('/now.ics', ics([{ uid: 'now-1@x.test', start: night(180), end: night(182) }]))
    const first = await rest(stack, 'POST', `/api/calendar-feeds/${feed.id}/sync`, { token: cast.host.token })
    expect(first.status).toBe(202)
    expect(first.body).toMatchObject({ feed: feed.id, jobId: expect.stringMatching(/^calendar-feed-\d+-sync-manual-\d+$/) })
    const again = await rest(stack, 'POST', `/api/calendar-feeds/${feed.id}/sync`, { token: cast.staff.token })
    expect(again.status).toBe(202)
    // Within the same minute the second click is the same job (a minute boundary in between makes a second one).
    const sameMinute = again.body.jobId === first.body.jobId
    await queues.waitForJobState(CALENDAR_SYNC_QUEUE, first.body.jobId, 'completed')
    if (!sameMinute) await queues.waitForJobState(CALENDAR_SYNC_QUEUE, again.body.jobId, 'completed')
    expect(await readFeed(feed.id)).toMatchObject({ lastStatus: 'ok', eventCount: 1 })
    const viaGraphql = await gql(stack, `mutation { syncCalendarFeed(id: ${feed.id}) { feed jobId } }`, {}, { token: cast.host.token })
    expect(viaGraphql.body.data?.syncCalendarFeed?.feed).toBe(feed.id)
    for (const [who, user, status] of [
      ['anonymous', null, 401],
      ['guest', cast.guest, 404],
      ['other host', cast.otherHost, 404],
    ] as const) {
      const res = await rest(stack, 'POST', `/api/calendar-feeds/${feed.id}/sync`, { token: user?.token })
      expect({ who, status: res.status }).toEqual({ who, status })
    }
    expect((await rest(stack, 'POST', '/api/calendar-feeds/999999/sync', { token: cast.host.token })).status).toBe(404)
  })
})
