/**
 * Writes the OpenAPI document (src/contract/openapi.ts) to openapi.json, from the config alone (no
 * database, no server), and validates it as OpenAPI 3.1. CI regenerates it and fails when the committed
 * file is stale, as with payload-types.ts; frontends generate clients from the file or from
 * `GET /api/openapi.json`, which serves the same document.
 *
 *   npm run generate:openapi            write openapi.json
 *   npm run generate:openapi -- --check validate only, and fail if openapi.json differs
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import SwaggerParser from '@apidevtools/swagger-parser'

import config from '@/payload.config'
import { buildOpenApiDocument } from '@/contract/openapi'
import { OPERATIONS } from '@/contract/operations'

const file = path.resolve(process.cwd(), 'openapi.json')
const document = await buildOpenApiDocument(await config, OPERATIONS)
const text = `${JSON.stringify(document, null, 2)}\n`

// SwaggerParser dereferences the object it is given: validate a copy.
await SwaggerParser.validate(JSON.parse(text))

if (process.argv.includes('--check')) {
  let committed = ''
  try {
    committed = readFileSync(file, 'utf8')
  } catch {}
  if (committed !== text) {
    console.error('openapi.json is stale: run `npm run generate:openapi` and commit it.')
    process.exit(1)
  }
  console.log('openapi.json is valid OpenAPI 3.1 and current.')
} else {
  writeFileSync(file, text)
  console.log(`openapi.json written: ${Object.keys(document.paths).length} paths, valid OpenAPI 3.1.`)
}
process.exit(0)
