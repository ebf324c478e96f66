import { type Browser, chromium } from 'playwright-core'

/**
 * Debian's headless Chromium as the browser tests use it (.ci/run installs it at /usr/bin/chromium).
 * Background networking, component updates and sync stay off: this machine's network is closed, and
 * their failing connections would only add noise.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}
