import { FEED_URL_PRIVATE_MESSAGE, MAX_FEED_URL_LENGTH, checkFeedUrl, isInternalAddress, redirectRefusal } from './feedUrl'

describe('isInternalAddress', () => {
  it.each([
    ['IPv4 loopback', '127.0.0.1'],
    ['IPv4 loopback, anywhere in 127/8', '127.255.0.9'],
    ['unspecified 0/8', '0.0.0.0'],
    ['unspecified 0/8, other host', '0.1.2.3'],
    ['private 10/8', '10.1.2.3'],
    ['private 172.16/12, first', '172.16.0.1'],
    ['private 172.16/12, last', '172.31.255.254'],
    ['private 192.168/16', '192.168.1.1'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['CGNAT 100.64/10', '100.64.0.1'],
    ['CGNAT 100.64/10, last', '100.127.255.255'],
    ['multicast', '224.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['reserved 240/4', '240.0.0.1'],
    ['documentation', '192.0.2.10'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 link-local with a zone', 'fe80::1%eth0'],
    ['IPv6 unique-local fc00::/7', 'fc00::1'],
    ['IPv6 unique-local fd..', 'fd12:3456:789a::1'],
    ['IPv6 multicast', 'ff02::1'],
    ['IPv4-mapped loopback, dotted', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, hex', '::ffff:7f00:1'],
    ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
    ['NAT64 of loopback', '64:ff9b::7f00:1'],
    ['IPv4-compatible loopback, dotted', '::127.0.0.1'],
    ['IPv4-compatible loopback, hex', '::7f00:1'],
    ['IPv4-compatible private', '::10.0.0.1'],
    ['IPv4-compatible metadata', '::a9fe:a9fe'],
    ['NAT64 of private', '64:ff9b::10.0.0.1'],
    ['6to4 of private', '2002:c0a8:0101::1'],
    ['bracketed IPv6', '[::1]'],
    ['not an address at all', 'example.com'],
    ['empty', ''],
  ])('%s: %s is internal', (_, ip) => {
    expect(isInternalAddress(ip)).toBe(true)
  })

  it.each([
    ['public IPv4', '93.184.215.14'],
    ['public IPv4 next to 172.16/12', '172.32.0.1'],
    ['public IPv4 next to CGNAT', '100.128.0.1'],
    ['public IPv6', '2606:4700:4700::1111'],
    ['IPv4-mapped public', '::ffff:8.8.8.8'],
    ['NAT64 of public', '64:ff9b::808:808'],
    ['IPv4-compatible public', '::8.8.8.8'],
  ])('%s: %s is public', (_, ip) => {
    expect(isInternalAddress(ip)).toBe(false)
  })
})

describe('checkFeedUrl', () => {
  it.each([
    [
      'an Airbnb export link',
      'https://www.airbnb.com/calendar/ical/12345.ics?s=abcdef',
      'https://www.airbnb.com/calendar/ical/12345.ics?s=abcdef',
    ],
    ['plain http', 'http://example.com/feed.ics', 'http://example.com/feed.ics'],
    ['webcal becomes https', 'webcal://p01-calendars.icloud.com/published/2/abc', 'https://p01-calendars.icloud.com/published/2/abc'],
    ['WEBCAL, any case', 'WebCal://example.com/a.ics', 'https://example.com/a.ics'],
    ['surrounding spaces trimmed', '  https://example.com/a.ics \n', 'https://example.com/a.ics'],
    ['fragment dropped', 'https://example.com/a.ics#x', 'https://example.com/a.ics'],
    ['host lower-cased', 'https://ADMIN.Booking.com/hotel/ical.ics?t=1', 'https://admin.booking.com/hotel/ical.ics?t=1'],
    ['public IP literal', 'http://93.184.215.14/a.ics', 'http://93.184.215.14/a.ics'],
    ['public IPv6 literal', 'http://[2606:4700:4700::1111]/a.ics', 'http://[2606:4700:4700::1111]/a.ics'],
    ['a port', 'https://example.com:8443/a.ics', 'https://example.com:8443/a.ics'],
  ])('accepts %s', (_, raw, url) => {
    expect(checkFeedUrl(raw, false)).toEqual({ ok: true, url })
  })

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['relative', '/calendar.ics'],
    ['no scheme', 'www.airbnb.com/calendar/ical/1.ics'],
    ['ftp', 'ftp://example.com/a.ics'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/calendar,BEGIN:VCALENDAR'],
    ['gopher', 'gopher://example.com/'],
    ['credentials', 'https://user:pass@example.com/a.ics'],
    ['user only', 'https://user@example.com/a.ics'],
    ['too long', `https://example.com/${'a'.repeat(MAX_FEED_URL_LENGTH)}`],
    ['broken host', 'https://exa mple.com/a.ics'],
  ])('refuses %s as FEED_URL_INVALID', (_, raw) => {
    const result = checkFeedUrl(raw, false)
    expect(result).toMatchObject({ ok: false, code: 'FEED_URL_INVALID' })
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10)
  })

  it.each([
    ['localhost', 'http://localhost:3000/a.ics'],
    ['LOCALHOST', 'http://LOCALHOST/a.ics'],
    ['localhost with the root dot', 'http://localhost./a.ics'],
    ['a .localhost name', 'http://feeds.localhost/a.ics'],
    ['127.0.0.1', 'http://127.0.0.1/a.ics'],
    ['127.0.0.1 over webcal', 'webcal://127.0.0.1/a.ics'],
    ['decimal IPv4', 'http://2130706433/a.ics'],
    ['hex IPv4', 'http://0x7f.1/a.ics'],
    ['octal IPv4', 'http://0177.0.0.1/a.ics'],
    ['short IPv4', 'http://127.1/a.ics'],
    ['0.0.0.0', 'http://0.0.0.0/a.ics'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['private 10/8', 'https://10.0.0.5/a.ics'],
    ['private 192.168', 'https://192.168.0.1/a.ics'],
    ['[::1]', 'http://[::1]:8080/a.ics'],
    ['[::]', 'http://[::]/a.ics'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/a.ics'],
    ['IPv4-compatible IPv6', 'http://[::127.0.0.1]/a.ics'],
    ['unique-local IPv6', 'http://[fd00::1]/a.ics'],
    ['link-local IPv6', 'http://[fe80::1]/a.ics'],
  ])('refuses %s as FEED_URL_PRIVATE', (_, raw) => {
    expect(checkFeedUrl(raw, false)).toEqual({ ok: false, code: 'FEED_URL_PRIVATE', message: FEED_URL_PRIVATE_MESSAGE })
  })

  it('allowPrivate lifts only the address rule', () => {
    expect(checkFeedUrl('http://127.0.0.1:4000/a.ics', true)).toEqual({ ok: true, url: 'http://127.0.0.1:4000/a.ics' })
    expect(checkFeedUrl('http://localhost/a.ics', true)).toEqual({ ok: true, url: 'http://localhost/a.ics' })
    expect(checkFeedUrl('ftp://127.0.0.1/a.ics', true)).toMatchObject({ ok: false, code: 'FEED_URL_INVALID' })
  })
})

describe('redirectRefusal', () => {
  it.each([
    ['https → https', 'https://a.example/x', 'https://b.example/y', null],
    ['http → https', 'http://a.example/x', 'https://a.example/x', null],
    ['http → http', 'http://a.example/x', 'http://b.example/x', null],
    ['https → http', 'https://a.example/x', 'http://a.example/x', 'FEED_URL_INVALID'],
  ])('%s', (_, from, to, code) => {
    expect(redirectRefusal(from, to)?.code ?? null).toBe(code)
  })
})
