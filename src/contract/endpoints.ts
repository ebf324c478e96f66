import { readFile } from 'node:fs/promises'
import path from 'node:path'

import type { Endpoint, PayloadRequest } from 'payload'

import { notFound } from '@/lib/errors'
import { type OpenApiDocument, buildOpenApiDocument } from './openapi'
import { OPERATIONS } from './operations'

/**
 * The published contract: `GET /api/openapi.json` and interactive docs at `GET /api/docs` (Swagger UI).
 *
 * Payload root endpoints rather than Next routes: they get the sanitized config the server runs (the
 * document is built from it), sit beside the REST routes they describe, and pass through the same
 * express middleware (security headers, request guard) without touching Next's route tree.
 *
 * Every asset of the docs is served from this server (swagger-ui-dist from node_modules; no CDN), and
 * the page has no inline script, so it runs under the Content-Security-Policy of
 * src/middleware/securityHeaders.ts (`script-src 'self'`) without needing the nonce.
 */

let cached: Promise<OpenApiDocument> | undefined

const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
}
const assetCache = new Map<string, Promise<Buffer>>()
const assetDir = () => path.resolve(/* turbopackIgnore: true */ process.cwd(), 'node_modules', 'swagger-ui-dist')

const docsPage = (api: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Staybase API</title>
<link rel="icon" type="image/png" href="${api}/docs/favicon-32x32.png">
<link rel="stylesheet" href="${api}/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-url="${api}/openapi.json"></div>
<script src="${api}/docs/swagger-ui-bundle.js"></script>
<script src="${api}/docs/init.js"></script>
</body>
</html>
`

// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io for a badge.
const INIT_SCRIPT = `(function () {
  var root = document.getElementById('swagger-ui')
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-url'),
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    withCredentials: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  })
})()
`

export const openapiDocument: Endpoint = {
  path: '/openapi.json',
  method: 'get',
  handler: async (req: PayloadRequest) => {
    if (!cached) {
      cached = buildOpenApiDocument(req.payload.config, OPERATIONS)
      cached.catch(() => (cached = undefined))
    }
    return Response.json(await cached, { headers: { 'cache-control': 'no-cache' } })
  },
}

export const apiDocs: Endpoint = {
  path: '/docs',
  method: 'get',
  handler: (req: PayloadRequest) =>
    new Response(docsPage(req.payload.config.routes.api ?? '/api'), {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    }),
}

export const apiDocsAsset: Endpoint = {
  path: '/docs/:asset',
  method: 'get',
  handler: async (req: PayloadRequest) => {
    const name = String(req.routeParams?.asset ?? '')
    if (name === 'init.js') {
      return new Response(INIT_SCRIPT, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' } })
    }
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined
    if (!asset) throw notFound('No such file of the API docs.')
    let body = assetCache.get(name)
    if (!body) {
      body = readFile(path.join(assetDir(), asset.file))
      assetCache.set(name, body)
      body.catch(() => assetCache.delete(name))
    }
    return new Response(new Uint8Array(await body), {
      headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' },
    })
  },
}

export const contractEndpoints: Endpoint[] = [openapiDocument, apiDocs, apiDocsAsset]
