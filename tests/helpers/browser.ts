import { type Browser, type Page, chromium } from 'playwright-core'

/**
 * Debian's headless Chromium as the browser tests use it (.ci/run installs it at /usr/bin/chromium);
 * CHROMIUM_PATH points at another build, where a CI runner has one elsewhere.
 * Background networking, component updates and sync stay off: this machine's network is closed, and
 * their failing connections would only add noise.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

/**
 * Records every Content-Security-Policy violation on `page` from its next navigation on: the browser's
 * `securitypolicyviolation` events and its "Refused to …" console messages. Returns the live list.
 */
export async function recordCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = []
  // The browser reports each blocked script, style, image or connection as this event.
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as { reportViolation: (t: string) => void }).reportViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
      )
    })
  })
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text())
  })
  return violations
}
