import { withoutExternalLinks } from './offlinePage'

describe('withoutExternalLinks', () => {
  it.each([
    [
      'a Google Fonts stylesheet',
      '<link href="https://fonts.googleapis.com/css2?family=IBM+Plex+Sans&display=swap" rel="stylesheet">\n<link href="static/css/main.css" rel="stylesheet">',
      '<link href="static/css/main.css" rel="stylesheet">',
    ],
    ['a preconnect, href last', '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin><title>x</title>', '<title>x</title>'],
    ['protocol-relative', "<link rel='stylesheet' href='//cdn.example.com/a.css'/><p>", '<p>'],
    ['plain http, upper case', '<LINK HREF="http://example.com/a.css" REL="stylesheet"><p>', '<p>'],
    [
      'same-origin links stay',
      '<link rel="icon" href="/admin/queues/static/favicon.png"><link href="static/a.css">',
      '<link rel="icon" href="/admin/queues/static/favicon.png"><link href="static/a.css">',
    ],
    [
      'anchors stay',
      '<a href="https://github.com/felixmosh/bull-board">bull-board</a>',
      '<a href="https://github.com/felixmosh/bull-board">bull-board</a>',
    ],
  ])('%s', (_, html, expected) => {
    expect(withoutExternalLinks(html)).toBe(expected)
  })
})
