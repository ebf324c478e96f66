import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { withPayload } from '@payloadcms/next/withPayload'

const dirname = path.dirname(fileURLToPath(import.meta.url))

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The express server (src/server.ts) sets its own headers and logs; Next only renders.
  poweredByHeader: false,
  // `npm run typecheck` checks the whole project (tests and scripts too); don't pay for it twice.
  typescript: { ignoreBuildErrors: true },
  turbopack: { root: dirname },
  experimental: {
    // Server code is not minified: Payload's error classes keep their names, so REST and GraphQL errors
    // say `"name":"NotFound"` (not "d"), logs say `"type":"NotFound"`, and Payload's `loggingLevels`
    // (looked up by error name) works. Client bundles are still minified. `turbopackMinify.server`
    // is what Turbopack (the default `next build`) reads; `serverMinification` covers webpack builds.
    serverMinification: false,
    turbopackMinify: { server: false, client: true, edge: true },
  },
  webpack: (webpackConfig) => {
    webpackConfig.resolve.extensionAlias = {
      '.cjs': ['.cts', '.cjs'],
      '.js': ['.ts', '.tsx', '.js', '.jsx'],
      '.mjs': ['.mts', '.mjs'],
    }
    return webpackConfig
  },
}

const withPayloadConfig = withPayload(nextConfig, { devBundleServerPackages: false })
const payloadHeaders = withPayloadConfig.headers

/**
 * withPayload sends `Critical-CH: Sec-CH-Prefers-Color-Scheme` (with Accept-CH and Vary) on every route
 * (`source: '/:path*'`), so the admin panel learns the preferred colour scheme. Chromium answers a
 * Critical-CH it did not send by loading the page again, which spends a one-time link (email
 * verification) on the first load and shows the second as "already used". The hint is for the admin
 * panel only: keep it on /admin, nowhere else (not on /api, /account or anything new).
 */
const CLIENT_HINT_HEADERS = new Set(['accept-ch', 'critical-ch'])
const ADMIN_ONLY_SOURCE = '/admin/:path*'

const adminOnlyClientHints = (entries) =>
  entries.map((entry) =>
    entry.source === '/:path*' && entry.headers.some((h) => CLIENT_HINT_HEADERS.has(h.key.toLowerCase()))
      ? { ...entry, source: ADMIN_ONLY_SOURCE }
      : entry,
  )

export default {
  ...withPayloadConfig,
  headers: async () => adminOnlyClientHints((await payloadHeaders?.()) ?? []),
}
