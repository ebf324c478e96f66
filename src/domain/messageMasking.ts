/**
 * Contact details in booking messages, hidden while the booking is not confirmed (src/domain/messages.ts
 * says when): guests and hosts who swap addresses or numbers before paying can leave the platform and its
 * protections. A deterrent, not a guarantee — anyone determined spells an address some other way.
 *
 * Hidden: email addresses (also `name (at) host (dot) com`), phone numbers (an optional `+`/`00`, then at
 * least 7 digits with spaces, dots, dashes, slashes or parentheses between them — international and
 * national formats, and digits spelled out one by one with separators), and runs of 7 or more digits
 * written as words ("zero six one two …"). Left alone, although made of digits: calendar dates
 * (2027-05-01, 01.05.2027, 1/5/27), times (15:00), prices (€120, 1 200 EUR) and references (#1234,
 * booking 1234567). Pure: the text is masked when read; the stored text never changes.
 */
export const HIDDEN_CONTACT = '[hidden until the booking is confirmed]'

/** Fewer digits than this is a house number, a price or a count, not a phone number. */
export const MIN_PHONE_DIGITS = 7

const DIGIT_WORD = '(?:zero|one|two|three|four|five|six|seven|eight|nine)'

const EMAIL = String.raw`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`
const SPELLED_EMAIL = String.raw`[\p{L}\p{N}._%+\-]+\s*(?:[(\[]\s*at\s*[)\]]|\s+at\s+)\s*[\p{L}\p{N}\-]+\s*(?:[(\[]\s*dot\s*[)\]]|\s+dot\s+)\s*\p{L}{2,}`

/** What looks like a number but is not contact data. Each must not continue into more digits. */
const KEEP = [
  // 2027-05-01
  String.raw`(?<![\p{Nd}+])\p{Nd}{4}-\p{Nd}{1,2}-\p{Nd}{1,2}(?![\-./]?\p{Nd})`,
  // 01.05.2027, 1/5/27, 01-05-2027 (the same separator twice)
  String.raw`(?<![\p{Nd}+])\p{Nd}{1,2}(?<sep>[./\-])\p{Nd}{1,2}\k<sep>\p{Nd}{2,4}(?![\-./]?\p{Nd})`,
  // 15:00, 9h30
  String.raw`(?<!\p{Nd})\p{Nd}{1,2}[:h]\p{Nd}{2}(?!\p{Nd})`,
  // €120, $ 1,200.50, 1 200 EUR, 95 euros
  String.raw`[€$£¥]\s?\p{Nd}{1,3}(?:[.,\s]\p{Nd}{3})*(?:[.,]\p{Nd}{1,2})?(?!\p{Nd})`,
  String.raw`(?<![\p{Nd}+])\p{Nd}{1,3}(?:[.,\s]\p{Nd}{3})*(?:[.,]\p{Nd}{1,2})?\s?(?:€|\$|£|EUR\b|USD\b|GBP\b|CHF\b|euros?\b|dollars?\b|pounds?\b)`,
  // #1234, booking 1234567, reservation no. 42
  String.raw`(?:#|\b(?:booking|reservation|order|ref)\s*(?:no\.?|number|#)?\s*)\p{Nd}+`,
]

const SPELLED_DIGITS = String.raw`\b${DIGIT_WORD}(?:[\s,.\-/]+${DIGIT_WORD}){${MIN_PHONE_DIGITS - 1},}\b`
const PHONE = String.raw`(?:\+|\b00)?\(?\p{Nd}(?:[\s().\-/]{0,3}\p{Nd})+`

const PATTERN = new RegExp(
  `(?<email>${EMAIL}|${SPELLED_EMAIL})|(?<keep>${KEEP.join('|')})|(?<spelled>${SPELLED_DIGITS})|(?<phone>${PHONE})`,
  'giu',
)

const digitCount = (text: string) => text.replace(/\D/gu, '').length

/** The text with its email addresses and phone numbers replaced by HIDDEN_CONTACT. */
export function maskContacts(text: string): string {
  return text.replace(PATTERN, (match, ...rest) => {
    const groups = rest.at(-1) as Record<string, string | undefined>
    if (groups.keep !== undefined) return match
    if (groups.phone !== undefined && digitCount(match) < MIN_PHONE_DIGITS) return match
    return HIDDEN_CONTACT
  })
}
