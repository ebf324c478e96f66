import { AFTER_STAY_DAYS, MESSAGE_MAX_CHARS, contactsRevealed, conversationPage, decideSend, messageTextProblem } from './messages'

describe('messageTextProblem', () => {
  it.each([
    ['one character', 'a', null],
    ['as written, spaces kept', '  hi  ', null],
    ['2000 characters', 'x'.repeat(MESSAGE_MAX_CHARS), null],
    ['2000 emoji (code points, not UTF-16 units)', '😀'.repeat(MESSAGE_MAX_CHARS), null],
    ['2001 characters', 'x'.repeat(MESSAGE_MAX_CHARS + 1), 'text can be at most 2000 characters.'],
    ['2001 emoji', '😀'.repeat(MESSAGE_MAX_CHARS + 1), 'text can be at most 2000 characters.'],
    ['empty', '', 'text must not be empty.'],
    ['only whitespace', ' \n\t ', 'text must not be empty.'],
    ['a NUL byte', 'a\u0000b', expect.stringContaining('NUL')],
    ['a lone high surrogate', 'a\uD83D', expect.stringContaining('surrogate')],
    ['a lone low surrogate', '\uDE00b', expect.stringContaining('surrogate')],
  ])('%s', (_, text, expected) => {
    expect(messageTextProblem(text)).toEqual(expected)
  })
})

describe('decideSend', () => {
  const now = new Date('2027-06-10T12:00:00.000Z')
  const booking = (status: string, more: object = {}) => ({ status, checkOut: '2027-06-01', ...more })
  it.each([
    ['guest on a request', booking('requested'), 'guest', null],
    ['host on an unpaid booking', booking('awaiting_payment'), 'host', null],
    ['guest on a confirmed booking', booking('confirmed'), 'guest', null],
    ['host after the stay, within the days', booking('completed'), 'host', null],
    ['after the stay, too late', booking('completed', { checkOut: '2027-05-20' }), 'guest', 'conflict'],
    ['cancelled recently', booking('cancelled', { cancelledAt: '2027-06-05T00:00:00.000Z' }), 'guest', null],
    ['cancelled long ago', booking('cancelled', { cancelledAt: '2027-05-01T00:00:00.000Z' }), 'host', 'conflict'],
    ['declined', booking('declined'), 'guest', 'conflict'],
    ['expired', booking('expired'), 'host', 'conflict'],
    ['staff read only', booking('confirmed'), 'staff', 'forbidden'],
  ] as const)('%s', (_, facts, party, kind) => {
    expect(decideSend(facts, party, now)?.kind ?? null).toBe(kind)
  })

  it(`closes exactly ${AFTER_STAY_DAYS} days after the check-out day ends`, () => {
    const facts = booking('completed', { checkOut: '2027-06-01' })
    expect(decideSend(facts, 'guest', new Date('2027-06-15T23:59:59.999Z'))).toBeNull()
    expect(decideSend(facts, 'guest', new Date('2027-06-16T00:00:00.000Z'))?.kind).toBe('conflict')
  })
})

describe('contactsRevealed', () => {
  it.each([
    ['requested', { status: 'requested' }, false],
    ['awaiting payment', { status: 'awaiting_payment' }, false],
    ['declined', { status: 'declined' }, false],
    ['expired unpaid', { status: 'expired' }, false],
    ['cancelled before payment', { status: 'cancelled' }, false],
    ['confirmed', { status: 'confirmed' }, true],
    ['completed', { status: 'completed' }, true],
    ['cancelled after payment', { status: 'cancelled', confirmedAt: '2027-01-01T00:00:00.000Z' }, true],
  ])('%s', (_, facts, expected) => {
    expect(contactsRevealed(facts)).toBe(expected)
  })
})

describe('conversationPage', () => {
  it.each([
    ['no messages: one empty page', 0, 20, undefined, { page: 1, totalPages: 1, offset: 0, hasPrevPage: false, hasNextPage: false }],
    ['opens on the last page', 45, 20, undefined, { page: 3, totalPages: 3, offset: 40, hasPrevPage: true, hasNextPage: false }],
    ['page 1 is the oldest', 45, 20, 1, { page: 1, totalPages: 3, offset: 0, hasPrevPage: false, hasNextPage: true }],
    ['a full last page', 40, 20, undefined, { page: 2, totalPages: 2, offset: 20, hasPrevPage: true, hasNextPage: false }],
    ['past the end: empty', 5, 20, 4, { page: 4, totalPages: 1, offset: 60, hasPrevPage: true, hasNextPage: false }],
  ])('%s', (_, total, limit, page, expected) => {
    expect(conversationPage(total, limit, page)).toMatchObject({ totalDocs: total, limit, ...expected })
  })
})
