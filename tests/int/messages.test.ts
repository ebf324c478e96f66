import { HIDDEN_CONTACT } from '@/domain/messageMasking'
import { addDays, utcDate } from '@/domain/stayDates'
import { MAIL_QUEUE, messageMailJobId } from '@/jobs/registry'
import { type ApiResponse, type Cast, type TestUser, gql, rest, signUp, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, queryDatabase, startServer, startStack } from '../helpers/stack'

/**
 * Messages (issue 17): a conversation per booking between its guest and the listing's host, through the
 * real REST and GraphQL APIs — who may read and write it (every role, both APIs), the booking's
 * messageToHost as its first message, unread counts on the booking for both sides, paging, contact
 * masking before confirmation, one mail per burst (the stack's mail worker, a 3 s delay), the per-sender
 * rate limit, the bad-input matrix (4xx, nothing stored) and Payload's generic /api/messages closed.
 */
const MAIL_DELAY_MINUTES = 0.05

let stack: Stack
let queues: StackQueues
let cast: Cast
let listing: { id: number }
let week = 0
const today = utcDate(new Date())

beforeAll(async () => {
  stack = await startStack({ env: { MESSAGE_MAIL_DELAY_MINUTES: String(MAIL_DELAY_MINUTES), MESSAGE_RATE_LIMIT_PER_MINUTE: '1000' } })
  cast = await signUpCast(stack)
  listing = await createListing(stack, cast.host, { title: 'Chatty chalet', instantBook: true }, { publish: true })
  queues = stackQueues(stack)
}, 120_000)

afterAll(async () => {
  await queues?.close()
  await stack?.stop()
})

const sql = (statement: string, params: unknown[] = []) => queryDatabase(stack, statement, params)
const storedCount = async () => Number((await sql('SELECT count(*)::int AS n FROM messages')).rows[0].n)

type Booking = { id: number; createdAt: string }
async function book(options: { guest?: TestUser; messageToHost?: string } = {}): Promise<Booking> {
  const checkIn = addDays(today, 30 + 3 * week++)
  const res = await rest(stack, 'POST', '/api/bookings', {
    token: (options.guest ?? cast.guest).token,
    body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 2), guests: 2, messageToHost: options.messageToHost },
  })
  expect(res.status).toBe(201)
  return res.body.doc
}
const confirm = (booking: Booking) => sql(`UPDATE bookings SET status = 'confirmed', confirmed_at = now() WHERE id = $1`, [booking.id])

const list = (who: TestUser | null, booking: { id: number | string }, query = '') =>
  rest(stack, 'GET', `/api/bookings/${booking.id}/messages${query}`, { token: who?.token })
const send = (who: TestUser | null, booking: { id: number | string }, text: unknown) =>
  rest(stack, 'POST', `/api/bookings/${booking.id}/messages`, { token: who?.token, body: { text } })

const MESSAGE_FIELDS = 'id fromRole text createdAt readAt'
const gqlList = (who: TestUser | null, booking: { id: number }, page?: number) =>
  gql(
    stack,
    `query($booking: Int!, $page: Int) { bookingMessages(booking: $booking, page: $page) { docs { ${MESSAGE_FIELDS} } totalDocs page totalPages hasNextPage hasPrevPage limit unread side canSend } }`,
    { booking: booking.id, page },
    { token: who?.token },
  )
const gqlSend = (who: TestUser | null, booking: { id: number }, text: unknown) =>
  gql(
    stack,
    `mutation($booking: Int!, $text: String!) { sendBookingMessage(booking: $booking, text: $text) { message doc { ${MESSAGE_FIELDS} } } }`,
    { booking: booking.id, text },
    { token: who?.token },
  )

/** "ok", or "<status> <code>" of a REST answer. */
const outcome = (res: ApiResponse) => (res.status < 300 ? 'ok' : `${res.status} ${res.body?.errors?.[0]?.code}`)
/** "ok", or "<statusCode> <code>" of a GraphQL answer. */
const gqlOutcome = (res: ApiResponse) => {
  const error = res.body?.errors?.[0]
  return error ? `${error.extensions?.statusCode} ${error.extensions?.code}` : 'ok'
}

describe('who may read and write a conversation', () => {
  type Role = keyof Cast | 'anonymous'
  const ROLES: Role[] = ['anonymous', 'guest', 'otherGuest', 'host', 'otherHost', 'staff', 'admin']
  const user = (role: Role) => (role === 'anonymous' ? null : cast[role])
  const READ: Record<Role, string> = {
    // Signed out is a stranger too: the same 404, never a 401 saying the booking may exist (issue 17).
    anonymous: '404 NOT_FOUND',
    guest: 'ok',
    otherGuest: '404 NOT_FOUND',
    host: 'ok',
    otherHost: '404 NOT_FOUND',
    staff: 'ok',
    admin: 'ok',
  }
  const WRITE: Record<Role, string> = { ...READ, staff: '403 FORBIDDEN', admin: '403 FORBIDDEN' }

  it.each(ROLES)('%s on REST', async (role) => {
    const booking = await book({ messageToHost: 'Hello from the guest' })
    const before = await storedCount()
    expect(outcome(await list(user(role), booking))).toBe(READ[role])
    const sent = await send(user(role), booking, `REST from ${role}`)
    expect(outcome(sent)).toBe(WRITE[role])
    if (WRITE[role] === 'ok') {
      expect(sent.status).toBe(201)
      expect(sent.body.doc).toMatchObject({ fromRole: role === 'guest' ? 'guest' : 'host', text: `REST from ${role}`, readAt: null })
    }
    expect(await storedCount()).toBe(before + (WRITE[role] === 'ok' ? 1 : 0))
    // A booking that does not exist, and ids that name none, answer like a booking one may not see.
    for (const id of [999_999_999, 'abc', '1.5', '0', '-1', `${booking.id}x`]) {
      expect(outcome(await list(user(role), { id }))).toBe('404 NOT_FOUND')
      expect(outcome(await send(user(role), { id }, 'hi'))).toBe('404 NOT_FOUND')
    }
  })

  it.each(ROLES)('%s on GraphQL', async (role) => {
    const booking = await book({ messageToHost: 'Hello from the guest' })
    const before = await storedCount()
    const read = await gqlList(user(role), booking)
    expect(gqlOutcome(read)).toBe(READ[role])
    if (READ[role] === 'ok')
      expect(read.body.data.bookingMessages.docs[0]).toMatchObject({ fromRole: 'guest', text: 'Hello from the guest' })
    const sent = await gqlSend(user(role), booking, `GraphQL from ${role}`)
    expect(gqlOutcome(sent)).toBe(WRITE[role])
    if (WRITE[role] === 'ok') expect(sent.body.data.sendBookingMessage.doc.text).toBe(`GraphQL from ${role}`)
    expect(await storedCount()).toBe(before + (WRITE[role] === 'ok' ? 1 : 0))
    expect(gqlOutcome(await gqlList(user(role), { id: 999_999_999 }))).toBe('404 NOT_FOUND')
  })
})

describe('the conversation', () => {
  it('starts with the booking’s messageToHost (REST and GraphQL bookings), from the guest, at the booking’s time', async () => {
    const viaRest = await book({ messageToHost: 'Can we check in at 17:00?' })
    const res = await rest(stack, 'GET', `/api/bookings/${viaRest.id}`, { token: cast.host.token })
    const viaGql = await gql(
      stack,
      'mutation($data: mutationBookingInput!) { createBooking(data: $data) { id createdAt } }',
      {
        data: {
          property: listing.id,
          checkIn: addDays(today, 30 + 3 * week),
          checkOut: addDays(today, 32 + 3 * week++),
          guests: 1,
          messageToHost: 'Via GraphQL',
        },
      },
      { token: cast.guest.token },
    )
    expect(viaGql.body.errors).toBeUndefined()
    for (const [booking, text] of [
      [viaRest, 'Can we check in at 17:00?'],
      [viaGql.body.data.createBooking, 'Via GraphQL'],
    ] as const) {
      const page = await list(cast.guest, booking)
      expect(page.body.docs).toEqual([{ id: expect.any(Number), fromRole: 'guest', text, createdAt: booking.createdAt, readAt: null }])
    }
    expect(res.body.unreadMessages).toBe(1)
    // No message at all without messageToHost (or with only whitespace).
    expect((await list(cast.guest, await book())).body.totalDocs).toBe(0)
    expect((await list(cast.guest, await book({ messageToHost: '  \n ' }))).body.totalDocs).toBe(0)
  })

  it('counts each side’s unread messages on the booking, and reading marks them read (staff reading marks nothing)', async () => {
    const booking = await book({ messageToHost: 'First' })
    const unread = async (who: TestUser) =>
      (await rest(stack, 'GET', `/api/bookings/${booking.id}?depth=0`, { token: who.token })).body.unreadMessages
    const unreadInList = async (who: TestUser) =>
      (await rest(stack, 'GET', `/api/bookings?where[id][equals]=${booking.id}&depth=1`, { token: who.token })).body.docs[0].unreadMessages
    await send(cast.guest, booking, 'Second')
    expect([await unread(cast.host), await unreadInList(cast.host), await unread(cast.guest), await unread(cast.staff)]).toEqual([
      2,
      2,
      0,
      null,
    ])
    const gqlUnread = await gql(stack, `{ Booking(id: ${booking.id}) { unreadMessages } }`, {}, { token: cast.host.token })
    expect(gqlUnread.body.data.Booking.unreadMessages).toBe(2)

    // Staff read it: nothing changes for the host.
    const staffRead = await list(cast.staff, booking)
    expect(staffRead.body).toMatchObject({ unread: null, side: null, canSend: false, totalDocs: 2 })
    expect(await unread(cast.host)).toBe(2)

    // The host reads: the answer says what was new (readAt null, unread 2), then it is read.
    const hostRead = await list(cast.host, booking)
    expect(hostRead.body).toMatchObject({ unread: 2, side: 'host', canSend: true })
    expect(hostRead.body.docs.map((m: { readAt: string | null }) => m.readAt)).toEqual([null, null])
    expect(await unread(cast.host)).toBe(0)
    const again = await list(cast.host, booking)
    expect(again.body.unread).toBe(0)
    expect(again.body.docs.every((m: { readAt: string | null }) => typeof m.readAt === 'string')).toBe(true)

    await send(cast.host, booking, 'Answer')
    expect([await unread(cast.guest), await unread(cast.host)]).toEqual([1, 0])
    const guestRead = await list(cast.guest, booking)
    expect(guestRead.body.unread).toBe(1)
    expect(await unread(cast.guest)).toBe(0)
    // The guest reading does not mark the guest's own messages: they were read by the host already, and stay so.
    expect(guestRead.body.docs.map((m: { fromRole: string }) => m.fromRole)).toEqual(['guest', 'guest', 'host'])
  })

  it('pages oldest first and opens on the newest page', async () => {
    const booking = await book()
    for (let i = 1; i <= 25; i++) expect((await send(i % 2 ? cast.guest : cast.host, booking, `message ${i}`)).status).toBe(201)
    const texts = (res: ApiResponse) => res.body.docs.map((m: { text: string }) => m.text)

    const last = await list(cast.staff, booking)
    expect(last.body).toMatchObject({ totalDocs: 25, page: 2, totalPages: 2, limit: 20, hasPrevPage: true, hasNextPage: false })
    expect(texts(last)).toEqual(['message 21', 'message 22', 'message 23', 'message 24', 'message 25'])
    const first = await list(cast.staff, booking, '?page=1')
    expect(first.body).toMatchObject({ page: 1, hasPrevPage: false, hasNextPage: true })
    expect(texts(first)).toEqual(Array.from({ length: 20 }, (_, i) => `message ${i + 1}`))
    const small = await list(cast.staff, booking, '?limit=10&page=2')
    expect(texts(small)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i + 11}`))
    expect((await list(cast.staff, booking, '?page=9')).body).toMatchObject({ docs: [], page: 9, totalPages: 2 })
    const gqlPage = await gqlList(cast.staff, booking, 1)
    expect(gqlPage.body.data.bookingMessages.docs).toHaveLength(20)

    for (const [query, field] of [
      ['?limit=101', 'limit'],
      ['?limit=0', 'limit'],
      ['?page=0', 'page'],
      ['?page=-1', 'page'],
      ['?page=abc', 'page'],
      ['?limit=1e3', 'limit'],
    ])
      expect((await list(cast.staff, booking, query)).body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field })
  })

  it('hides email addresses and phone numbers until the booking is confirmed; the stored text never changes', async () => {
    const booking = await book({ messageToHost: 'Mail me: sam@example.org' })
    const text = 'Call +33 6 12 34 56 78, arriving 2027-05-01 at 15:00, €120 agreed'
    await send(cast.host, booking, text)
    const masked = await list(cast.guest, booking)
    expect(masked.body.docs.map((m: { text: string }) => m.text)).toEqual([
      `Mail me: ${HIDDEN_CONTACT}`,
      `Call ${HIDDEN_CONTACT}, arriving 2027-05-01 at 15:00, €120 agreed`,
    ])
    // The same for the writer, staff and GraphQL: nobody reads it unmasked before confirmation.
    expect((await list(cast.host, booking)).body.docs[1].text).toBe(masked.body.docs[1].text)
    expect((await list(cast.staff, booking)).body.docs[0].text).toBe(masked.body.docs[0].text)
    expect((await gqlList(cast.host, booking)).body.data.bookingMessages.docs[1].text).toBe(masked.body.docs[1].text)
    // And the sender's own answer to the send is masked too.
    expect((await send(cast.guest, booking, 'or 0612345678')).body.doc.text).toBe(`or ${HIDDEN_CONTACT}`)
    expect((await sql('SELECT text FROM messages WHERE booking_id = $1 ORDER BY id', [booking.id])).rows.map((r) => r.text)).toEqual([
      'Mail me: sam@example.org',
      text,
      'or 0612345678',
    ])

    await confirm(booking)
    expect((await list(cast.guest, booking)).body.docs.map((m: { text: string }) => m.text)).toEqual([
      'Mail me: sam@example.org',
      text,
      'or 0612345678',
    ])
  })

  it('keeps texts as written: markup comes back byte for byte, spaces and emoji included', async () => {
    const booking = await book()
    const texts = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '  two spaces, then 😀 and a new\nline  ', 'é'.repeat(2000)]
    for (const text of texts) expect((await send(cast.guest, booking, text)).body.doc.text).toBe(text)
    expect((await list(cast.host, booking)).body.docs.map((m: { text: string }) => m.text)).toEqual(texts)
  })

  it('refuses bad input with a 4xx and stores nothing', async () => {
    const booking = await book()
    const before = await storedCount()
    const cases: [unknown, string][] = [
      ['', 'text must not be empty.'],
      ['   \n\t', 'text must not be empty.'],
      ['x'.repeat(2001), 'text can be at most 2000 characters.'],
      ['😀'.repeat(2001), 'text can be at most 2000 characters.'],
      ['a\u0000b', 'text contains characters that are not text (NUL or an unpaired surrogate).'],
      ['a\uD83D', 'text contains characters that are not text (NUL or an unpaired surrogate).'],
      [42, 'text must be text.'],
      [null, 'text must be text.'],
      [['a'], 'text must be text.'],
      [{ a: 1 }, 'text must be text.'],
    ]
    for (const [text, message] of cases) {
      const res = await send(cast.guest, booking, text)
      expect([res.status, res.body.errors[0]]).toEqual([
        400,
        expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'text', message }),
      ])
    }
    expect(
      (await rest(stack, 'POST', `/api/bookings/${booking.id}/messages`, { token: cast.guest.token, body: {} })).body.errors[0],
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'text',
    })
    const notJson = await rest(stack, 'POST', `/api/bookings/${booking.id}/messages`, { token: cast.guest.token, raw: '{"text":' })
    expect([notJson.status, notJson.body.errors[0].code]).toEqual([400, 'MALFORMED_REQUEST'])
    const array = await rest(stack, 'POST', `/api/bookings/${booking.id}/messages`, { token: cast.guest.token, raw: '[1]' })
    expect([array.status, array.body.errors[0].code]).toEqual([400, 'MALFORMED_REQUEST'])
    expect(gqlOutcome(await gqlSend(cast.guest, booking, ' '))).toBe('400 VALIDATION_FAILED')
    expect(gqlOutcome(await gqlSend(cast.guest, booking, 'x'.repeat(2001)))).toBe('400 VALIDATION_FAILED')
    expect(await storedCount()).toBe(before)
  })

  it('is closed for declined and expired bookings, and after cancellation or the stay for a while', async () => {
    const booking = await book()
    for (const [status, extra, open] of [
      ['declined', '', false],
      ['expired', '', false],
      ['cancelled', ', cancelled_at = now()', true],
      ['cancelled', `, cancelled_at = now() - interval '15 days'`, false],
    ] as const) {
      await sql(`UPDATE bookings SET status = $2${extra} WHERE id = $1`, [booking.id, status])
      const res = await send(cast.host, booking, `after ${status}`)
      expect(outcome(res)).toBe(open ? 'ok' : '409 CONFLICT')
      expect((await list(cast.host, booking)).body.canSend).toBe(open)
    }
  })
})

describe('one mail per burst', () => {
  const jobOf = (booking: Booking, recipient: 'guest' | 'host', first: number) =>
    messageMailJobId(`${booking.id}-${Date.parse(booking.createdAt)}`, recipient, first)

  it('three messages in a row → one mail to the other side with all three (masked before confirmation) and a link', async () => {
    const booking = await book()
    const sent = []
    for (const text of ['Hi there', 'Is parking free?', 'My number is 06 12 34 56 78'])
      sent.push((await send(cast.guest, booking, text)).body.doc)
    const job = jobOf(booking, 'host', sent[0].id)
    await queues.waitForJobState(MAIL_QUEUE, job, 'completed', 30_000)
    const mails = stack.mail.messages.filter((m) => m.to.includes(cast.host.email) && m.text.includes(`Booking #${booking.id},`))
    expect(mails).toHaveLength(1)
    const [mail] = mails
    expect(mail!.subject).toMatch(/^3 new messages from .+ about Chatty chalet$/)
    for (const text of ['Hi there', 'Is parking free?', `My number is ${HIDDEN_CONTACT}`]) expect(mail!.text).toContain(text)
    expect(mail!.text).not.toContain('06 12 34 56 78')
    expect(mail!.html).not.toContain('06 12 34 56 78')
    expect(mail!.text).toContain(`/admin/collections/bookings/${booking.id}`)
    const rows = await sql('SELECT mailed_at FROM messages WHERE booking_id = $1', [booking.id])
    expect(rows.rows.every((r) => r.mailed_at !== null)).toBe(true)

    // The next message starts a new burst: its own job and mail.
    const next = (await send(cast.guest, booking, 'One more <b>thing</b>')).body.doc
    await queues.waitForJobState(MAIL_QUEUE, jobOf(booking, 'host', next.id), 'completed', 30_000)
    const second = await stack.mail.waitFor(
      (m) => m.to.includes(cast.host.email) && m.subject.startsWith('New message from') && m.text.includes(`Booking #${booking.id},`),
    )
    expect(second.text).toContain('One more <b>thing</b>')
    expect(second.html).toContain('One more &lt;b&gt;thing&lt;/b&gt;')
    expect(second.text).not.toContain('Hi there')
  })

  it('a message read before the next ones are sent: exactly one mail with the later ones, though two jobs are due', async () => {
    const booking = await book()
    const c1 = (await send(cast.guest, booking, 'c1 first')).body.doc
    expect((await list(cast.host, booking)).body.unread).toBe(1)
    const c2 = (await send(cast.guest, booking, 'c2 second')).body.doc
    await send(cast.guest, booking, 'c3 third')
    // c1's job (c1 read since) and c2's job (the new burst) both look for the host's unmailed messages.
    await queues.waitForJobState(MAIL_QUEUE, jobOf(booking, 'host', c1.id), 'completed', 30_000)
    await queues.waitForJobState(MAIL_QUEUE, jobOf(booking, 'host', c2.id), 'completed', 30_000)
    await queues.quiescent()
    const mails = stack.mail.messages.filter((m) => m.to.includes(cast.host.email) && m.text.includes(`Booking #${booking.id},`))
    expect(mails).toHaveLength(1)
    expect(mails[0]!.text).toContain('c2 second')
    expect(mails[0]!.text).toContain('c3 third')
    expect(mails[0]!.text).not.toContain('c1 first')
  })

  it('messages read before the delay are not mailed', async () => {
    const booking = await book()
    const first = (await send(cast.host, booking, 'Welcome!')).body.doc
    await send(cast.host, booking, 'Key is under the mat')
    expect((await list(cast.guest, booking)).body.unread).toBe(2)
    const job = await queues.waitForJobState(MAIL_QUEUE, jobOf(booking, 'guest', first.id), 'completed', 30_000)
    expect(job.returnvalue).toBe('nothing unread to mail')
    expect(stack.mail.messages.filter((m) => m.to.includes(cast.guest.email) && m.text.includes(`Booking #${booking.id},`))).toEqual([])
  })
})

describe('the booking’s messageToHost', () => {
  const CONTACT = 'reach me: jane.doe@example.com or +33 6 12 34 56 78'
  const MASKED = `reach me: ${HIDDEN_CONTACT} or ${HIDDEN_CONTACT}`
  const readers = () => [cast.guest, cast.host, cast.staff, cast.admin]

  /** messageToHost as every reader gets it on every way to read a booking. */
  async function everyRead(booking: Booking): Promise<string[]> {
    const seen: string[] = []
    for (const who of readers()) {
      const token = who.token
      seen.push((await rest(stack, 'GET', `/api/bookings/${booking.id}`, { token })).body.messageToHost)
      seen.push((await rest(stack, 'GET', `/api/bookings/${booking.id}?select[messageToHost]=true`, { token })).body.messageToHost)
      seen.push(
        (await rest(stack, 'GET', `/api/bookings/${booking.id}?depth=0&select[messageToHost]=true&select[status]=true`, { token })).body
          .messageToHost,
      )
      const listed = await rest(stack, 'GET', `/api/bookings?where[id][equals]=${booking.id}&select[messageToHost]=true`, { token })
      seen.push(listed.body.docs[0].messageToHost)
      const one = await gql(stack, 'query($id: Int!) { Booking(id: $id) { messageToHost } }', { id: booking.id }, { token })
      seen.push(one.body.data.Booking.messageToHost)
      const many = await gql(
        stack,
        'query($id: Int) { Bookings(where: { id: { equals: $id } }) { docs { messageToHost } } }',
        { id: booking.id },
        { token },
      )
      seen.push(many.body.data?.Bookings?.docs?.[0]?.messageToHost ?? JSON.stringify(many.body.errors))
    }
    return seen
  }

  it('is masked as the conversation is until the booking is confirmed, for every reader and every read; the stored text never changes', async () => {
    const created = await rest(stack, 'POST', '/api/bookings', {
      token: cast.guest.token,
      body: {
        property: listing.id,
        checkIn: addDays(today, 30 + 3 * week),
        checkOut: addDays(today, 32 + 3 * week++),
        guests: 2,
        messageToHost: CONTACT,
      },
    })
    expect(created.status).toBe(201)
    expect(created.body.doc.messageToHost).toBe(MASKED)
    const booking = created.body.doc as Booking
    expect(new Set(await everyRead(booking))).toEqual(new Set([MASKED]))
    expect((await list(cast.host, booking)).body.docs[0].text).toBe(MASKED)
    expect((await sql('SELECT message_to_host FROM bookings WHERE id = $1', [booking.id])).rows[0].message_to_host).toBe(CONTACT)

    await confirm(booking)
    expect(new Set(await everyRead(booking))).toEqual(new Set([CONTACT]))
  })

  it('cannot be filtered or sorted on, by anyone (it would recover the masked text): 400, on REST and GraphQL', async () => {
    const booking = await book({ messageToHost: CONTACT })
    for (const who of [null, ...readers()]) {
      const token = who?.token
      for (const query of [
        'where[messageToHost][like]=jane.doe@',
        'where[messageToHost][contains]=jane',
        'where[messageToHost][exists]=true',
        'where[or][0][messageToHost][like]=jane&where[or][1][id][equals]=1',
        'where[and][0][or][0][messageToHost][equals]=x',
        'sort=messageToHost',
        'sort=-messageToHost',
        'sort=id,messageToHost',
      ]) {
        // count takes no sort
        for (const path of [`/api/bookings?${query}`, ...(query.startsWith('sort') ? [] : [`/api/bookings/count?${query}`])]) {
          const res = await rest(stack, 'GET', path, { token })
          expect([path, res.status, res.body?.errors?.[0]?.code]).toEqual([path, 400, 'VALIDATION_FAILED'])
        }
      }
      const g = await gql(stack, '{ Bookings(where: { messageToHost: { like: "jane.doe@" } }) { docs { id } } }', {}, { token })
      expect(g.body.errors?.[0]?.extensions?.statusCode).toBe(400)
      expect(g.body.data?.Bookings ?? null).toBeNull()
      const sorted = await gql(stack, '{ Bookings(sort: "messageToHost") { docs { id } } }', {}, { token })
      expect(sorted.body.errors?.[0]?.extensions?.statusCode).toBe(400)
    }
    void booking
  })
  // GraphQL's where inputs name a collection's own fields only; a path through a reference is REST's.
  it('cannot be filtered or sorted on through a reference either (payments, calendar events, calendar feeds): 400', async () => {
    await book({ messageToHost: CONTACT })
    for (const who of readers()) {
      for (const path of [
        '/api/payments?where[booking.messageToHost][like]=jane.doe@',
        '/api/payments?where[booking__messageToHost][contains]=jane',
        '/api/payments?sort=-booking.messageToHost',
        '/api/calendar-events?where[echoOf.messageToHost][like]=jane',
        '/api/calendar-events?sort=echoOf.messageToHost',
        '/api/calendar-feeds?where[conflicts.booking.messageToHost][like]=jane',
      ]) {
        const res = await rest(stack, 'GET', path, { token: who.token })
        expect([path, res.status, res.body?.errors?.[0]?.code]).toEqual([path, 400, 'VALIDATION_FAILED'])
      }
    }
  })
})

describe('the rate limit', () => {
  it('refuses a sender’s messages beyond MESSAGE_RATE_LIMIT_PER_MINUTE with 429 RATE_LIMITED and Retry-After, on REST and GraphQL', async () => {
    const limited = await startServer(stack, { MESSAGE_RATE_LIMIT_PER_MINUTE: '3' })
    try {
      const [chatty, calm] = [await signUp(stack, { label: 'chatty' }), await signUp(stack, { label: 'calm' })]
      const [booking, other] = [await book({ guest: chatty }), await book({ guest: calm })]
      const post = (who: TestUser, b: Booking, text: string) =>
        rest(limited, 'POST', `/api/bookings/${b.id}/messages`, { token: who.token, body: { text } })
      for (let i = 0; i < 3; i++) expect((await post(chatty, booking, `fast ${i}`)).status).toBe(201)
      const before = await storedCount()
      const over = await post(chatty, booking, 'one too many')
      expect([over.status, over.body.errors[0].code]).toEqual([429, 'RATE_LIMITED'])
      const retryAfter = Number(over.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(60)
      const overGql = await gql(
        limited,
        'mutation($booking: Int!) { sendBookingMessage(booking: $booking, text: "again") { message } }',
        { booking: booking.id },
        { token: chatty.token },
      )
      expect(gqlOutcome(overGql)).toBe('429 RATE_LIMITED')
      expect(await storedCount()).toBe(before)
      // Per sender: someone else writes on.
      expect((await post(calm, other, 'hello')).status).toBe(201)
    } finally {
      await limited.stop()
    }
  })
})

describe('Payload’s generic routes for messages', () => {
  it('neither read, create, change nor delete a message, for anyone (REST), and GraphQL has no such operations', async () => {
    const booking = await book({ messageToHost: 'Original' })
    const [{ id }] = (await sql('SELECT id FROM messages WHERE booking_id = $1', [booking.id])).rows
    // This booking's rows (earlier tests' burst mails may still mark theirs mailed meanwhile) and how many there are in all.
    const snapshot = async () =>
      JSON.stringify([(await sql('SELECT * FROM messages WHERE booking_id = $1', [booking.id])).rows, await storedCount()])
    const before = await snapshot()
    for (const who of [null, cast.guest, cast.host, cast.staff, cast.admin]) {
      const token = who?.token
      // Signed out: 401 (sign in first); signed in, whoever: 403.
      const refused = who ? 403 : 401
      expect((await rest(stack, 'GET', '/api/messages', { token })).status).toBe(refused)
      expect((await rest(stack, 'GET', `/api/messages/${id}`, { token })).status).toBe(refused)
      expect((await rest(stack, 'GET', `/api/messages/${id}?depth=2&select[text]=true`, { token })).status).toBe(refused)
      expect((await rest(stack, 'GET', '/api/messages/count', { token })).status).toBe(refused)
      const create = await rest(stack, 'POST', '/api/messages', { token, body: { booking: booking.id, fromRole: 'host', text: 'forged' } })
      expect(create.status).toBe(refused)
      expect((await rest(stack, 'PATCH', `/api/messages/${id}`, { token, body: { text: 'changed', readAt: null } })).status).toBe(refused)
      expect((await rest(stack, 'PATCH', `/api/messages?where[id][equals]=${id}`, { token, body: { text: 'changed' } })).status).toBe(
        refused,
      )
      expect((await rest(stack, 'DELETE', `/api/messages/${id}`, { token })).status).toBe(refused)
      expect((await rest(stack, 'DELETE', `/api/messages?where[id][equals]=${id}`, { token })).status).toBe(refused)
      for (const query of [
        `mutation { createMessage(data: { text: "forged" }) { id } }`,
        `mutation { updateMessage(id: ${id}, data: { text: "x" }) { id } }`,
        `mutation { deleteMessage(id: ${id}) { id } }`,
        `{ Messages { docs { text } } }`,
        `{ Message(id: ${id}) { text } }`,
      ]) {
        const res = await gql(stack, query, {}, { token })
        expect((res.body.errors?.[0]?.extensions as { code?: string } | undefined)?.code).toBe('VALIDATION_FAILED')
        expect(res.body.data ?? null).toBeNull()
      }
    }
    expect(await snapshot()).toBe(before)
  })

  it('nobody sets unreadMessages, and filtering or sorting bookings by it is a 400, not a 500', async () => {
    const booking = await book()
    const res = await rest(stack, 'GET', `/api/bookings?where[unreadMessages][equals]=0`, { token: cast.guest.token })
    expect(res.status).toBeLessThan(500)
    const sorted = await rest(stack, 'GET', `/api/bookings?sort=unreadMessages`, { token: cast.guest.token })
    expect(sorted.status).toBeLessThan(500)
    const gqlWhere = await gql(
      stack,
      '{ Bookings(where: { unreadMessages: { equals: 1 } }) { docs { id } } }',
      {},
      { token: cast.host.token },
    )
    expect(gqlWhere.body.errors?.[0]?.extensions?.statusCode ?? 200).toBeLessThan(500)
    void booking
  })
})
