import { DEFAULT_SERVER_HEAP_MB, serverHeapMb, serverNodeArgs } from './serverHeap'

describe('SERVER_HEAP_MB', () => {
  it.each([
    [undefined, DEFAULT_SERVER_HEAP_MB],
    ['', DEFAULT_SERVER_HEAP_MB],
    ['128', 128],
    ['1024', 1024],
  ])('%p → %p MB', (text, mb) => {
    expect(serverHeapMb(text)).toBe(mb)
    expect(serverNodeArgs({ SERVER_HEAP_MB: text })).toEqual([`--max-old-space-size=${mb}`])
  })

  it.each(['64', '127', '-5', '0', 'abc', '512M', '1g', '256.5', ' 256', '256 --inspect'])('%p is refused with what it must be', (text) => {
    expect(() => serverHeapMb(text)).toThrow('must be a whole number of megabytes, at least 128')
    expect(() => serverNodeArgs({ SERVER_HEAP_MB: text })).toThrow(
      `SERVER_HEAP_MB must be a whole number of megabytes, at least 128 (got "${text}")`,
    )
  })
})
