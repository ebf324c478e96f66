import { findDisallowedLink, isAllowedLinkUrl } from './richTextLinks'

describe('isAllowedLinkUrl', () => {
  it.each([
    ['https://example.com/a?b=c#d', true],
    ['http://example.com', true],
    ['HTTPS://EXAMPLE.COM', true],
    ['mailto:host@example.com', true],
    ['tel:+41441234567', true],
    ['/listings/5', true],
    ['#house-rules', true],
    ['javascript:alert(1)', false],
    [' JaVaScRiPt:alert(1)', false],
    ['java\tscript:alert(1)', false],
    ['\njavascript:alert(1)', false],
    ['\u0000javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['vbscript:msgbox(1)', false],
    ['file:///etc/passwd', false],
    ['ftp://example.com', false],
    ['http://[bad', false],
  ])('%j → %s', (url, allowed) => {
    expect(isAllowedLinkUrl(url)).toBe(allowed)
  })
})

const paragraph = (...children: unknown[]) => ({ type: 'paragraph', version: 1, children })
const doc = (...children: unknown[]) => ({ root: { type: 'root', version: 1, children } })
const link = (url: unknown, type = 'link') => ({
  type,
  version: 3,
  fields: { linkType: 'custom', url, newTab: false },
  children: [{ type: 'text', text: 'x' }],
})

describe('findDisallowedLink', () => {
  it.each([
    ['no links', doc(paragraph({ type: 'text', text: 'Hi' })), null],
    ['an https link', doc(paragraph(link('https://example.com'))), null],
    ['a mailto autolink', doc(paragraph(link('mailto:a@example.com', 'autolink'))), null],
    [
      'an internal link without url',
      doc(paragraph({ type: 'link', fields: { linkType: 'internal', doc: { relationTo: 'properties', value: 1 } }, children: [] })),
      null,
    ],
    ['a javascript link', doc(paragraph(link('javascript:alert(1)'))), 'javascript:alert(1)'],
    ['a javascript autolink', doc(paragraph(link('javascript:alert(1)', 'autolink'))), 'javascript:alert(1)'],
    [
      'deep inside a list',
      doc({ type: 'list', children: [{ type: 'listitem', children: [paragraph(link('data:text/html,x'))] }] }),
      'data:text/html,x',
    ],
    ['an unknown node with a url', doc({ type: 'embed', url: 'vbscript:x' }), 'vbscript:x'],
    ['a url that is not a string', doc(paragraph(link(['javascript:alert(1)']))), 'javascript:alert(1)'],
    ['not a document at all', null, null],
  ])('%s', (_, value, expected) => {
    expect(findDisallowedLink(value)).toBe(expected)
  })
})
