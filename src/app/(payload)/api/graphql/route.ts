/* Payload's generated GraphQL route, with src/lib/graphqlGuard.ts in front (a request's size, tokens,
   aliases, depth and fragment cycles are checked before Payload parses and validates it) and the error
   mapping of src/lib/errorCodes.ts behind (parse and validation errors never reach afterError). */
import config from '@payload-config'
import { GRAPHQL_POST, REST_OPTIONS } from '@payloadcms/next/routes'
import { getPayload } from 'payload'

import { completeGraphQLErrors, graphqlRefusal, notAcceptableFailure } from '@/lib/errorCodes'
import { acceptedMediaType, guardGraphQLRequest } from '@/lib/graphqlGuard'

const payloadPOST = GRAPHQL_POST(config)
const logger = async () => (await getPayload({ config })).logger

export const POST = async (request: Request): Promise<Response> => {
  const mediaType = acceptedMediaType(request.headers.get('accept'))
  if (!mediaType) return graphqlRefusal(request, await logger(), notAcceptableFailure)
  const guarded = await guardGraphQLRequest(request)
  if ('refused' in guarded) return graphqlRefusal(request, await logger(), guarded.refused, mediaType)
  return completeGraphQLErrors(request, await payloadPOST(guarded.request), await logger())
}

export const OPTIONS = REST_OPTIONS(config)
