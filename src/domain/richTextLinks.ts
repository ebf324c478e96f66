/**
 * Which links rich text may carry. A link's URL ends up in an `href` on someone else's screen, so only
 * schemes that navigate or start a mail or call are allowed: `javascript:`, `data:`, `vbscript:` and the
 * rest would run or show content of the author's choosing.
 */
export const ALLOWED_LINK_PROTOCOLS = ['http:', 'https:', 'mailto:', 'tel:'] as const

// Relative links ("/listings/5", "#rules") resolve against the page they are on, which is http(s).
const RELATIVE_BASE = 'https://relative.invalid/'

/**
 * True when a browser following this URL would use an allowed scheme. The URL is parsed the way the
 * browser parses it (WHATWG URL), so case, leading spaces and tabs or newlines inside the scheme
 * (" JaVaScRiPt:", "java\tscript:") are judged as the browser would see them.
 */
export function isAllowedLinkUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url, RELATIVE_BASE)
  } catch {
    return false
  }
  return (ALLOWED_LINK_PROTOCOLS as readonly string[]).includes(parsed.protocol)
}

/**
 * The first link URL in a Lexical document that is not allowed, or null. Every node that carries a
 * URL counts — links, autolinks and any other node type a client may send — wherever it is nested.
 */
export function findDisallowedLink(value: unknown): string | null {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const node = pending.pop()
    if (Array.isArray(node)) {
      pending.push(...node)
      continue
    }
    if (!node || typeof node !== 'object') continue
    for (const [key, child] of Object.entries(node)) {
      if ((key === 'url' || key === 'href') && child !== null && child !== undefined) {
        if (typeof child !== 'string' || !isAllowedLinkUrl(child)) return String(child)
      } else if (child && typeof child === 'object') {
        pending.push(child)
      }
    }
  }
  return null
}
