import { type Endpoint, type PayloadRequest, addDataAndFileToRequest } from 'payload'
import type { z } from 'zod'

import type { Operation } from '@/contract/operations'
import { parseInput } from '@/contract/validate'
import { malformedJson, notFound } from '@/lib/errors'

/**
 * One custom operation, implemented once and served twice: as its REST endpoint (`restEndpoint`) and as
 * the GraphQL field of the same name (src/endpoints/graphql.ts). Both check `guard` first (who may call
 * it: a caller who may not gets 401/403 before any 400 about the input), then parse the input with the
 * contract's schemas, then call `run` — so both answer with the same rules, messages and codes.
 */
type Out<S> = S extends z.ZodType ? z.output<S> : unknown
type Part<O, K extends string> = O extends { [key in K]: infer S } ? (S extends z.ZodType ? z.output<S> : object) : object

export type InputOf<O extends Operation> = Part<O, 'params'> & Part<O, 'query'> & Part<O, 'body'>
export type OutputOf<O extends Operation> = Out<O['response']>

export type Implementation<O extends Operation = Operation> = {
  contract: O
  guard?: (req: PayloadRequest) => void
  /** The 404 message when the `id` in the path names no document (not an id, or out of range). */
  notFoundMessage?: string
  run: (req: PayloadRequest, input: InputOf<O>) => Promise<OutputOf<O>>
  /** GraphQL answers with this part of the output, typed as the collection's own type (e.g. a mutation returns the Booking). */
  graphqlReturnsDoc?: 'bookings' | 'properties' | 'reviews'
}

/** A document read at depth 0: its relations are ids, where payload-types.ts allows ids or documents. */
export const atDepth0 = <T>(doc: object): T => doc as T

export const implement = <O extends Operation>(implementation: Implementation<O>): Implementation<O> => implementation

/** GraphQL passes an omitted nullable argument as absent, an explicit `null` as null: both mean "not given". */
const given = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined))

/** The operation's input from flat values (GraphQL arguments, or REST's params, query and body merged by part). */
export function parseParts<O extends Operation>(
  implementation: Implementation<O>,
  parts: { params?: unknown; query?: unknown; body?: unknown },
): InputOf<O> {
  const { contract } = implementation
  let params = {}
  if (contract.params) {
    try {
      params = parseInput(contract.params, parts.params ?? {})
    } catch {
      // A path that names no document is not there: 404, as for an id that does not exist.
      throw notFound(implementation.notFoundMessage ?? 'Not found.')
    }
  }
  const query = contract.query ? parseInput(contract.query, parts.query ?? {}) : {}
  const body = contract.body ? parseInput(contract.body, parts.body ?? {}) : {}
  return { ...(body as object), ...(query as object), ...(params as object) } as InputOf<O>
}

/** A REST query string as operations read it: the first value of each parameter, an empty one absent. */
export function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = {}
  for (const [name, value] of url.searchParams) if (value !== '' && !(name in query)) query[name] = value
  return query
}

/** REST, unparsed: route params, the query string (an empty parameter counts as absent) and the JSON body. */
export async function restParts(
  req: PayloadRequest,
  contract: Operation,
): Promise<{ params: unknown; query: Record<string, string>; body: unknown }> {
  const query = queryOf(new URL(req.url ?? 'http://x'))
  let body: unknown
  if (contract.body) {
    await addDataAndFileToRequest(req).catch(() => {
      throw malformedJson()
    })
    body = req.data ?? {}
  }
  return { params: req.routeParams ?? {}, query, body }
}

export async function restInput<O extends Operation>(req: PayloadRequest, implementation: Implementation<O>): Promise<InputOf<O>> {
  return parseParts(implementation, await restParts(req, implementation.contract))
}

/** GraphQL: every argument is flat (`acceptBooking(id: 5)`, `cancelBooking(id: 5, reason: "…")`). */
export function graphqlInput<O extends Operation>(implementation: Implementation<O>, args: Record<string, unknown>): InputOf<O> {
  const values = given(args)
  return parseParts(implementation, { params: values, query: values, body: values })
}

/** The REST endpoint of an operation: guard, parse, run, answer with the contract's status. */
export function restEndpoint<O extends Operation>(implementation: Implementation<O>, path: string): Endpoint {
  return {
    path,
    method: implementation.contract.method,
    handler: async (req) => {
      implementation.guard?.(req)
      const input = await restInput(req, implementation)
      const output = await implementation.run(req, input)
      return Response.json(output, { status: implementation.contract.status })
    },
  }
}
