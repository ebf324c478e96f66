/**
 * An HTML page with its `<link>`s to other origins taken out (stylesheets, preconnects, fonts), so it
 * loads nothing from the internet: bull-board's page asks Google for its fonts, and falls back to the
 * system's sans-serif and monospace without them. Links to this origin (relative, or `/…`) stay.
 */
export function withoutExternalLinks(html: string): string {
  return html.replace(/<link\b[^>]*\bhref\s*=\s*["']?(?:[a-z][a-z0-9+.-]*:)?\/\/[^>]*>\s*/gi, '')
}
