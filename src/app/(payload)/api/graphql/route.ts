/* Payload's generated GraphQL route, with src/lib/graphqlGuard.ts in front: a request's size, tokens,
   aliases, depth and fragment cycles are checked before Payload parses and validates it. */
import config from '@payload-config'
import { GRAPHQL_POST, REST_OPTIONS } from '@payloadcms/next/routes'

import { graphqlErrorResponse, guardGraphQLRequest } from '../../../../lib/graphqlGuard'

const payloadPOST = GRAPHQL_POST(config)

export const POST = async (request: Request): Promise<Response> => {
  const guarded = await guardGraphQLRequest(request)
  if ('refused' in guarded) return graphqlErrorResponse(guarded.refused)
  return payloadPOST(guarded.request)
}

export const OPTIONS = REST_OPTIONS(config)
