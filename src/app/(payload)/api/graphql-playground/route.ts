/* Payload's generated playground route (off in production: its 404 is in the API's error shape). */
import config from '@payload-config'
import '@payloadcms/next/css'
import { GRAPHQL_PLAYGROUND_GET } from '@payloadcms/next/routes'

import { inOneErrorShape } from '@/lib/errorCodes'

export const GET = inOneErrorShape(config, GRAPHQL_PLAYGROUND_GET(config))
