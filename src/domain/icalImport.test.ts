import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'

import { DEFAULT_MAX_EVENTS, type ImportedEvent, MAX_SUMMARY_LENGTH, MAX_UID_BYTES, parseCalendar, storedUid } from './icalImport'

/** The fixtures are copies of what the channels send (tests/fixtures/ical/), dated 2031+ so they never rot. */
const fixture = (name: string): string => readFileSync(path.join(process.cwd(), 'tests/fixtures/ical', name), 'utf8')
const TODAY = '2031-01-01'
const parse = (name: string, today = TODAY, more: { pastDays?: number; horizonDays?: number; maxEvents?: number } = {}) =>
  parseCalendar(fixture(name), { today, ...more })
const nights = (events: ImportedEvent[]) => events.map(({ uid, start, end }) => [uid, start, end])

const calendar = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR', ''].join('\r\n')
const vevent = (...lines: string[]) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT'].join('\r\n')

describe('parseCalendar: the channels', () => {
  it('Airbnb: all-day Reserved and Not available events, checkout day exclusive', () => {
    const result = parse('airbnb.ics')
    expect(result).toEqual({
      ok: true,
      skipped: 0,
      events: [
        { uid: '1418fb94e984-8f1b2c37d1e5a7e4a2b0c9d8e7f6a5b4@airbnb.com', start: '2031-03-05', end: '2031-03-10', summary: 'Reserved' },
        { uid: '1418fb94e984-3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f@airbnb.com', start: '2031-03-18', end: '2031-03-22', summary: 'Reserved' },
        {
          uid: '7f5bc0d1e2a3-ab12cd34ef56ab78cd90ef12ab34cd56@airbnb.com',
          start: '2031-04-01',
          end: '2031-04-15',
          summary: 'Airbnb (Not available)',
        },
        {
          uid: '7f5bc0d1e2a3-00ff11ee22dd33cc44bb55aa66997788@airbnb.com',
          start: '2032-01-01',
          end: '2032-01-02',
          summary: 'Airbnb (Not available)',
        },
      ],
    })
  })

  it('reads CRLF line endings and a byte-order mark the same way', () => {
    expect(parseCalendar(`\uFEFF${fixture('airbnb.ics').replace(/\n/g, '\r\n')}`, { today: TODAY })).toEqual(parse('airbnb.ics'))
  })

  it('Booking.com: CLOSED events; one without DTEND is one night; one without UID gets a stable hashed uid', () => {
    const result = parse('booking.ics')
    if (!result.ok) throw new Error(result.message)
    expect(nights(result.events)).toEqual([
      ['c6f2b1a0-5e6d-4c3b-9a81-77f0e3d2c1b0@booking.com', '2031-06-12', '2031-06-15'],
      ['9d8c7b6a-1f2e-4d3c-8b7a-0e9f8d7c6b5a@booking.com', '2031-07-01', '2031-07-08'],
      [expect.stringMatching(/^[0-9a-f]{32}@staybase-import$/), '2031-07-20', '2031-07-21'],
    ])
    const again = parse('booking.ics')
    expect(again.ok && again.events[2]!.uid).toBe(result.events[2]!.uid)
  })

  it('Vrbo: timed events in the VTIMEZONE, nights from check-in date to check-out date', () => {
    const result = parse('vrbo.ics')
    if (!result.ok) throw new Error(result.message)
    expect(nights(result.events)).toEqual([
      ['HA-3412877-reservation-HA-8XK2M4@homeaway.com', '2031-08-08', '2031-08-12'],
      ['HA-3412877-block-77201@homeaway.com', '2031-11-03', '2031-11-05'],
    ])
  })
})

describe('parseCalendar: one feed over three syncs (created, moved, cancelled)', () => {
  const A = '1418fb94e984-5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a@airbnb.com'
  const B = '1418fb94e984-6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b@airbnb.com'
  it.each([
    [
      'sync-1-created.ics',
      [
        [A, '2031-10-01', '2031-10-04'],
        [B, '2031-10-10', '2031-10-12'],
      ],
    ],
    [
      'sync-2-moved.ics',
      [
        [A, '2031-10-02', '2031-10-06'],
        [B, '2031-10-10', '2031-10-12'],
      ],
    ],
    ['sync-3-cancelled.ics', [[A, '2031-10-02', '2031-10-06']]],
  ])('%s', (name, expected) => {
    const result = parse(name)
    expect(result.ok && nights(result.events)).toEqual(expected)
  })
})

describe('parseCalendar: time zones (each event read in its own zone)', () => {
  const result = parse('timezones.ics')
  const byUid = new Map(result.ok ? result.events.map((e) => [e.uid, [e.start, e.end]]) : [])

  it.each([
    ['Pacific/Auckland 11:00, the day before in UTC', 'tz-auckland@example.com', ['2031-01-05', '2031-01-08']],
    ['America/Los_Angeles 17:00, the day after in UTC', 'tz-los-angeles@example.com', ['2031-01-10', '2031-01-12']],
    ['UTC Z near midnight', 'tz-utc@example.com', ['2031-01-15', '2031-01-17']],
    ['floating: as written', 'tz-floating@example.com', ['2031-01-20', '2031-01-22']],
    ["DTEND in UTC converted into DTSTART's zone", 'tz-mixed@example.com', ['2031-01-25', '2031-01-26']],
    ['a zone name without VTIMEZONE: as written', 'tz-iana-only@example.com', ['2031-02-01', '2031-02-03']],
    ['start and end on the same date: one night', 'tz-same-day@example.com', ['2031-02-10', '2031-02-11']],
    ['all-day with DURATION', 'tz-duration@example.com', ['2031-03-01', '2031-03-04']],
  ])('%s', (_, uid, expected) => {
    expect(byUid.get(uid)).toEqual(expected)
  })

  it('zero and negative lengths are skipped, counted', () => {
    expect(result.ok && result.skipped).toBe(2)
    expect(byUid.has('tz-zero@example.com')).toBe(false)
    expect(byUid.has('tz-negative@example.com')).toBe(false)
  })
})

describe('parseCalendar: recurrence', () => {
  it('RRULE with EXDATE, RDATE, a moved and a cancelled occurrence; uid#original start date', () => {
    const result = parse('recurring.ics')
    if (!result.ok) throw new Error(result.message)
    expect(result.events.map(({ uid, start, end, summary }) => [uid, start, end, summary])).toEqual([
      ['weekend-owner-stay@example.com#2031-01-03', '2031-01-03', '2031-01-05', 'Owner weekend'],
      ['weekend-owner-stay@example.com#2031-01-10', '2031-01-10', '2031-01-12', 'Owner weekend'],
      ['cleaning-monthly@example.com#2031-01-15', '2031-01-15', '2031-01-16', 'Deep clean'],
      ['weekend-owner-stay@example.com#2031-01-24', '2031-01-25', '2031-01-28', 'Owner weekend (moved)'],
      ['weekend-owner-stay@example.com#2031-02-07', '2031-02-07', '2031-02-09', 'Owner weekend'],
      ['cleaning-monthly@example.com#2031-02-15', '2031-02-15', '2031-02-16', 'Deep clean'],
      ['weekend-owner-stay@example.com#2031-03-01', '2031-03-01', '2031-03-03', 'Owner weekend'],
      ['cleaning-monthly@example.com#2031-03-15', '2031-03-15', '2031-03-16', 'Deep clean'],
      ['cleaning-monthly@example.com#2031-04-15', '2031-04-15', '2031-04-16', 'Deep clean'],
    ])
  })

  it('expands only inside the window: occurrences that ended are dropped, one crossing the start is kept whole', () => {
    const result = parse('recurring.ics', '2031-01-11')
    if (!result.ok) throw new Error(result.message)
    expect(result.events[0]).toMatchObject({ uid: 'weekend-owner-stay@example.com#2031-01-10', start: '2031-01-10', end: '2031-01-12' })
    expect(result.events.some((e) => e.start === '2031-01-03')).toBe(false)
  })

  it('pastDays widens the window back, horizonDays bounds it ahead', () => {
    const back = parse('recurring.ics', '2031-01-11', { pastDays: 10 })
    expect(back.ok && back.events[0]!.start).toBe('2031-01-03')
    const near = parse('recurring.ics', TODAY, { horizonDays: 20 })
    expect(near.ok && near.events.map((e) => e.start)).toEqual(['2031-01-03', '2031-01-10', '2031-01-15'])
  })
})

describe('parseCalendar: window, cancellations, echoes', () => {
  it.each([
    ['checkout today: dropped', '2031-03-10', 3],
    ['last night today: kept', '2031-03-09', 4],
    ['all in the past', '2032-06-01', 0],
  ])('%s', (_, today, count) => {
    const result = parse('airbnb.ics', today)
    expect(result.ok && result.events.length).toBe(count)
  })

  it('an event beyond the horizon is dropped, one crossing it kept whole', () => {
    const result = parse('airbnb.ics', TODAY, { horizonDays: 95 })
    expect(result.ok && result.events.map((e) => [e.start, e.end])).toEqual([
      ['2031-03-05', '2031-03-10'],
      ['2031-03-18', '2031-03-22'],
      ['2031-04-01', '2031-04-15'],
    ])
    const shorter = parse('airbnb.ics', TODAY, { horizonDays: 90 })
    expect(shorter.ok && shorter.events.length).toBe(2)
  })

  it('STATUS:CANCELLED frees the nights', () => {
    const result = parse('cancelled.ics')
    expect(result.ok && nights(result.events)).toEqual([
      ['1418fb94e984-aa00bb11cc22dd33ee44ff5566778899@airbnb.com', '2031-05-05', '2031-05-09'],
    ])
  })

  it('echoes of our own export and overlapping events are returned as they are (the importer decides)', () => {
    const result = parse('echo-and-conflict.ics')
    expect(result.ok && nights(result.events)).toEqual([
      ['staybase-booking-42-1924992000000@stay.example', '2031-09-05', '2031-09-08'],
      ['1418fb94e984-feedfacecafebeef0011223344556677@airbnb.com', '2031-09-06', '2031-09-10'],
    ])
  })

  it('a second event with the same UID is skipped', () => {
    const text = calendar(
      vevent('UID:dup@x', 'DTSTART;VALUE=DATE:20310101', 'DTEND;VALUE=DATE:20310103'),
      vevent('UID:dup@x', 'DTSTART;VALUE=DATE:20310201', 'DTEND;VALUE=DATE:20310203'),
    )
    expect(parseCalendar(text, { today: TODAY })).toEqual({
      ok: true,
      skipped: 1,
      events: [{ uid: 'dup@x', start: '2031-01-01', end: '2031-01-03', summary: null }],
    })
  })

  it(`summary trimmed and cut at ${MAX_SUMMARY_LENGTH} characters`, () => {
    const text = calendar(vevent('UID:long@x', 'DTSTART;VALUE=DATE:20310101', `SUMMARY:  ${'x'.repeat(300)}  `))
    const result = parseCalendar(text, { today: TODAY })
    expect(result.ok && result.events[0]!.summary).toBe('x'.repeat(MAX_SUMMARY_LENGTH))
  })

  it('control characters in a summary become spaces', () => {
    const text = calendar(vevent('UID:ctl@x', 'DTSTART;VALUE=DATE:20310101', 'SUMMARY:Line one\\nLine\ttwo\u0007'))
    const result = parseCalendar(text, { today: TODAY })
    expect(result.ok && result.events[0]!.summary).toBe('Line one Line two')
  })

  it(`a UID over ${MAX_UID_BYTES} UTF-8 bytes is stored as its hash, the same at every sync`, () => {
    const long = 'a'.repeat(10_000)
    const text = calendar(vevent(`UID:${long}`, 'DTSTART;VALUE=DATE:20310101'), vevent('UID:short@x', 'DTSTART;VALUE=DATE:20310105'))
    const result = parseCalendar(text, { today: TODAY })
    expect(result.ok && result.events.map((e) => e.uid)).toEqual([storedUid(long), 'short@x'])
    expect(storedUid(long)).toMatch(/^[0-9a-f]{64}@long-uid$/)
  })
})

describe('storedUid', () => {
  it.each([
    ['plain@x', 'plain@x'],
    ['  spaced@x', '  spaced@x'],
    ['bell\u0007@x\n', 'bell@x'],
    ['del\u007f\u0085@x', 'del@x'],
    ['x'.repeat(MAX_UID_BYTES), 'x'.repeat(MAX_UID_BYTES)],
  ])('%j → %j', (uid, stored) => expect(storedUid(uid)).toBe(stored))

  it('counts UTF-8 bytes, not characters: 128 two-byte characters are hashed', () => {
    expect(Buffer.byteLength('é'.repeat(127))).toBe(254)
    expect(storedUid('é'.repeat(127))).toBe('é'.repeat(127))
    expect(storedUid('é'.repeat(128))).toBe(`${createHash('sha256').update('é'.repeat(128)).digest('hex')}@long-uid`)
  })
})

describe('parseCalendar: malformed feeds', () => {
  it.each([
    ['an HTML login page', fixture('malformed-not-ical.ics'), /not an iCalendar file.*<!DOCTYPE html>/],
    ['empty', '', /not an iCalendar file/],
    ['a VCARD', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n', /not an iCalendar file/],
    ['JSON', '{"events":[]}', /not an iCalendar file/],
    [
      'a VCALENDAR that never ends, with a broken line',
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nno colon here\r\n',
      /not a valid iCalendar file/,
    ],
  ])('%s is refused as a whole', (_, text, message) => {
    const result = parseCalendar(text, { today: TODAY })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.message).toMatch(message)
  })

  it('one broken VEVENT (a line without colon, an impossible date, no DTSTART) is skipped; the rest is read', () => {
    const result = parse('malformed-one-event.ics')
    if (!result.ok) throw new Error(result.message)
    expect(nights(result.events)).toEqual([
      ['good-1@booking.com', '2031-08-01', '2031-08-03'],
      ['good-2@booking.com', '2031-08-10', '2031-08-12'],
    ])
    expect(result.skipped).toBe(3)
  })

  it('an empty calendar is no events', () => {
    expect(parseCalendar(calendar(), { today: TODAY })).toEqual({ ok: true, events: [], skipped: 0 })
  })
})

describe('parseCalendar: bounds against hostile feeds', () => {
  const many = (count: number) =>
    calendar(
      ...Array.from({ length: count }, (_, i) =>
        vevent(`UID:e${i}@x`, `DTSTART;VALUE=DATE:${20310101 + (i % 28)}`, `DTEND;VALUE=DATE:${20310102 + (i % 28)}`),
      ),
    )

  it('a DAILY rule forever stops at the horizon', () => {
    const text = calendar(vevent('UID:daily@x', 'DTSTART;VALUE=DATE:20310101', 'DTEND;VALUE=DATE:20310102', 'RRULE:FREQ=DAILY'))
    const result = parseCalendar(text, { today: TODAY })
    expect(result.ok && result.events.length).toBe(730)
  })

  it('a DAILY rule forever from 1990 walks to the window and stops at the horizon', () => {
    const text = calendar(vevent('UID:old@x', 'DTSTART;VALUE=DATE:19900101', 'DTEND;VALUE=DATE:19900102', 'RRULE:FREQ=DAILY'))
    const result = parseCalendar(text, { today: TODAY })
    expect(result.ok && result.events.length).toBe(730)
  })

  it('a MINUTELY rule forever is refused (too many steps)', () => {
    const text = calendar(vevent('UID:minutely@x', 'DTSTART:20310101T000000Z', 'DTEND:20310101T000100Z', 'RRULE:FREQ=MINUTELY'))
    const result = parseCalendar(text, { today: TODAY })
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/too often/) })
  })

  it('a SECONDLY rule since 1900 is refused before it reaches the window', () => {
    const text = calendar(vevent('UID:secondly@x', 'DTSTART:19000101T000000Z', 'DTEND:19000101T000001Z', 'RRULE:FREQ=SECONDLY'))
    expect(parseCalendar(text, { today: TODAY })).toMatchObject({ ok: false })
  })

  it(`more than maxEvents (${DEFAULT_MAX_EVENTS}) events after expansion is refused`, () => {
    const text = calendar(vevent('UID:daily@x', 'DTSTART;VALUE=DATE:20310101', 'RRULE:FREQ=DAILY'))
    expect(parseCalendar(text, { today: TODAY, maxEvents: 100 })).toEqual({
      ok: false,
      message: expect.stringMatching(/more than 100 events/),
    })
  })

  it('a hundred thousand events are refused from a count, before parsing', () => {
    const result = parseCalendar(many(100_000), { today: TODAY })
    expect(result).toEqual({ ok: false, message: `The feed has 100000 events; at most ${DEFAULT_MAX_EVENTS} are imported.` })
  })

  it('exactly maxEvents events are read', () => {
    const result = parseCalendar(many(DEFAULT_MAX_EVENTS), { today: TODAY })
    expect(result.ok && result.events.length).toBe(DEFAULT_MAX_EVENTS)
  })

  it('refuses a today that is not a date (a programming error, not a feed problem)', () => {
    expect(() => parseCalendar(calendar(), { today: '2031-13-01' })).toThrow(/today/)
  })
})
