/* Payload's generated REST route, with every error answer in the API's one shape (src/lib/errorCodes.ts):
   an unknown route is 404 NOT_FOUND, a known one with the wrong method 405 METHOD_NOT_ALLOWED. */
import config from '@payload-config'
import '@payloadcms/next/css'
import { REST_DELETE, REST_GET, REST_OPTIONS, REST_PATCH, REST_POST, REST_PUT } from '@payloadcms/next/routes'

import { inOneErrorShape } from '@/lib/errorCodes'

export const GET = inOneErrorShape(config, REST_GET(config))
export const POST = inOneErrorShape(config, REST_POST(config))
export const DELETE = inOneErrorShape(config, REST_DELETE(config))
export const PATCH = inOneErrorShape(config, REST_PATCH(config))
export const PUT = inOneErrorShape(config, REST_PUT(config))
export const OPTIONS = REST_OPTIONS(config)
