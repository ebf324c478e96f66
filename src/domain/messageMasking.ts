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
 * booking 123456) — as long as they have fewer than 7 digits (`ref 0612345678` is a phone number). Pure: the text is masked when read; the stored text never changes.
 */
export const HIDDEN_CONTACT = '[hidden until the booking is confirmed]'

/** Fewer digits than this is a house number, a price or a count, not a phone number. */
export const MIN_PHONE_DIGITS = 7

const DIGIT_WORD = '(?:zero|one|two|three|four|five|six|seven|eight|nine)'

/*
 * Every pattern is linear on hostile input (2000 characters of spaces, dots, digits, '@', 'at'): repeats
 * are bounded where two of them could match the same characters (`\s{0,3}`), and the open-ended runs
 * (an address's local part, a grouped number) only start where such a run starts (a lookbehind), so no
 * starting position rescans the run of the one before.
 */
const LOCAL = String.raw`(?<![\p{L}\p{N}._%+\-])[\p{L}\p{N}._%+\-]+`
const EMAIL = String.raw`${LOCAL}@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`
const spelled = (word: string) => String.raw`(?:\s{0,3}[(\[]\s{0,3}${word}\s{0,3}[)\]]\s{0,3}|\s{1,3}${word}\s{1,3})`
const SPELLED_EMAIL = String.raw`${LOCAL}${spelled('at')}[\p{L}\p{N}\-]+${spelled('dot')}\p{L}{2,}`

/** A grouped amount: 120, 1 200, 1,200.50 — not continued by another group or digit. */
const AMOUNT = String.raw`\p{Nd}{1,3}(?:[.,\s]\p{Nd}{3})*(?:[.,]\p{Nd}{1,2})?(?![.,\s]?\p{Nd})`

/** What looks like a number but is not contact data. Each must not continue into more digits. */
const KEEP = [
  // 2027-05-01
  String.raw`(?<![\p{Nd}+])\p{Nd}{4}-\p{Nd}{1,2}-\p{Nd}{1,2}(?![\-./]?\p{Nd})`,
  // 01.05.2027, 1/5/27, 01-05-2027 (the same separator twice)
  String.raw`(?<![\p{Nd}+])\p{Nd}{1,2}(?<sep>[./\-])\p{Nd}{1,2}\k<sep>\p{Nd}{2,4}(?![\-./]?\p{Nd})`,
  // 15:00, 9h30
  String.raw`(?<!\p{Nd})\p{Nd}{1,2}[:h]\p{Nd}{2}(?!\p{Nd})`,
]

/** Prices and references: kept only with fewer than MIN_PHONE_DIGITS digits ("ref 0612345678" is a phone number). */
const KEEP_SHORT = [
  // €120, $ 1,200.50, 1 200 EUR, 95 euros
  String.raw`[€$£¥]\s?${AMOUNT}`,
  String.raw`(?<![\p{Nd}+]|\p{Nd}[.,\s])${AMOUNT}\s?(?:€|\$|£|EUR\b|USD\b|GBP\b|CHF\b|euros?\b|dollars?\b|pounds?\b)`,
  // #1234, booking 1234, reservation no. 42
  String.raw`(?:#|\b(?:booking|reservation|order|ref)\s{0,3}(?:no\.?|number|#)?\s{0,3})\p{Nd}+`,
]

const SPELLED_DIGITS = String.raw`\b${DIGIT_WORD}(?:[\s,.\-/]{1,3}${DIGIT_WORD}){${MIN_PHONE_DIGITS - 1},}\b`
const PHONE = String.raw`(?:\+|\b00)?\(?\p{Nd}(?:[\s().\-/_]{0,3}\p{Nd})+`

const PATTERN = new RegExp(
  `(?<email>${EMAIL}|${SPELLED_EMAIL})|(?<keep>${KEEP.join('|')})|(?<short>${KEEP_SHORT.join('|')})|(?<spelled>${SPELLED_DIGITS})|(?<phone>${PHONE})`,
  'giu',
)

/** Digits of any script (Arabic-Indic ٠٦١٢ counts as much as 0612). */
const digitCount = (text: string) => text.replace(/\P{Nd}/gu, '').length

const mask = (text: string) =>
  text.replace(PATTERN, (match, ...rest) => {
    const groups = rest.at(-1) as Record<string, string | undefined>
    if (groups.keep !== undefined) return match
    if (groups.short !== undefined) {
      if (digitCount(match) < MIN_PHONE_DIGITS) return match
      // "ref 0612345678", "€ 061 234 567": the words stay, the number goes.
      return match.slice(0, match.search(/\p{Nd}/u)) + HIDDEN_CONTACT
    }
    if (groups.phone !== undefined && digitCount(match) < MIN_PHONE_DIGITS) return match
    return HIDDEN_CONTACT
  })

/** Characters that render as nothing: U+200B–U+200D, U+2060, U+FEFF. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/gu

/**
 * The text with its email addresses and phone numbers replaced by HIDDEN_CONTACT. Matching also runs on
 * the text's NFKC form without invisible characters, so `jane＠example.com` (full-width @) or
 * `jane@example\u200b.com` are found: when that form holds a contact the original does not show, the
 * masked normalised form is returned (its other characters may differ from the original — full-width
 * letters become ASCII, invisible characters are gone); otherwise the original, masked.
 */
export function maskContacts(text: string): string {
  const masked = mask(text)
  const normal = text.normalize('NFKC').replace(INVISIBLE, '')
  if (normal === text) return masked
  const maskedNormal = mask(normal)
  const hidden = (s: string) => s.split(HIDDEN_CONTACT).length - 1
  return hidden(maskedNormal) > hidden(masked) ? maskedNormal : masked
}
