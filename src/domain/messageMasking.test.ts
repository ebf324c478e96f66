import { HIDDEN_CONTACT, maskContacts } from './messageMasking'

const H = HIDDEN_CONTACT

describe('maskContacts hides contact details', () => {
  it.each([
    ['an email address', 'Mail me at jo.doe+x@example.co.uk please', `Mail me at ${H} please`],
    ['an email address with accents', 'zoë@bücher.de', H],
    ['an email written with (at) and (dot)', 'jo (at) gmail (dot) com', H],
    ['an email written with at and dot', 'write to jo at gmail dot com', `write to ${H}`],
    ['an international number', 'call +33 6 12 34 56 78 tonight', `call ${H} tonight`],
    ['an international number with 00', '0044 20 7946 0958', H],
    ['a trunk zero in parentheses', '+49 (0)30 1234567', H],
    ['a national number with dots', '06.12.34.56.78', H],
    ['a national number with parentheses and a dash', '(212) 555-1234', H],
    ['a local number with a dash', '555-1234', H],
    ['a UK mobile', '07911 123456', H],
    ['digits without separators', 'my number 0612345678', `my number ${H}`],
    ['digits spelled one by one', '0 6 1 2 3 4 5 6 7 8', H],
    ['digits with dashes between', '0-6-1-2-3-4-5-6-7-8', H],
    ['digits as words', 'zero six one two three four five six', H],
    ['digits as words with commas', 'Six, one, two, three, four, five, six, seven', H],
    ['two contacts', 'a@b.io or +1 415 555 0100', `${H} or ${H}`],
  ])('%s', (_, text, expected) => {
    expect(maskContacts(text)).toBe(expected)
  })
})

describe('maskContacts leaves numbers that are not contacts', () => {
  it.each([
    ['ISO dates', 'from 2027-05-01 to 2027-05-05'],
    ['a date range with a dash', '2027-05-01 - 2027-05-05'],
    ['dotted dates', 'arriving 01.05.2027, leaving 05.05.2027'],
    ['slashed dates', 'on 1/5/27'],
    ['times', 'check-in 15:00, check-out 11:00, or 9h30'],
    ['prices before', '€120 per night, $1,200.50 in total, £ 95'],
    ['prices after', '1 200 EUR total, 95 euros, 1.200.000 USD'],
    ['booking references', 'booking #1234567, booking 1234567, reservation no. 42'],
    ['small numbers', 'We are 3 people and 2 kids in room 12'],
    ['six digits', 'code 123456'],
    ['an @ that is no address', 'see you @ the station'],
    ['markup is text like any other', '<script>alert(1)</script> <img src=x onerror=alert(1)>'],
    ['empty', ''],
  ])('%s', (_, text) => {
    expect(maskContacts(text)).toBe(text)
  })
})

describe('maskContacts stays fast on hostile input (2000 characters)', () => {
  it.each([
    ['digits and spaces', '1 '.repeat(1000)],
    ['letters', 'a'.repeat(2000)],
    ['letters and dots', 'a.'.repeat(1000)],
    ['almost an email', 'a at b '.repeat(285)],
    ['separators', '(-/. '.repeat(400)],
  ])('%s', (_, text) => {
    const start = performance.now()
    maskContacts(text)
    expect(performance.now() - start).toBeLessThan(500)
  })
})
