import { redactUrl } from './redactUrl'

describe('redactUrl', () => {
  it.each([
    ['/api/properties/5/calendar.ics?token=abc123', '/api/properties/5/calendar.ics?token=[redacted]'],
    ['/api/properties/5/calendar.ics?x=1&token=abc&y=2', '/api/properties/5/calendar.ics?x=1&token=[redacted]&y=2'],
    ['/api/properties/5/calendar.ics?token=a&token=b', '/api/properties/5/calendar.ics?token=[redacted]&token=[redacted]'],
    ['/x?TOKEN=abc#frag', '/x?TOKEN=[redacted]#frag'],
    ['/api/properties/5?depth=1', '/api/properties/5?depth=1'],
    ['/api/x?mytoken=keep', '/api/x?mytoken=keep'],
  ])('%s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged)
  })

  it('passes an absent URL through', () => {
    expect(redactUrl(undefined)).toBeUndefined()
  })
})
