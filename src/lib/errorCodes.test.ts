import { readFileSync } from 'node:fs'
import path from 'node:path'

import { APIError, AuthenticationError, Forbidden, LockedAuth, NotFound, ValidationError } from 'payload'

import { acceptedMediaType, graphqlStatus } from './graphqlGuard'
import type { Refusal } from '@/domain/refusal'
import { ERROR_STATUS, HttpError, defaultCode, refused } from './errors'
import {
  SIGN_IN_FIRST,
  allowedMethods,
  clientErrorLoggedByHook,
  describeError,
  expressErrorHandler,
  loggingLevels,
  logErrorAnswer,
} from './errorCodes'

describe('README "Errors" table', () => {
  it('lists every code of ERROR_STATUS with its status, and no other', () => {
    const readme = readFileSync(path.join(process.cwd(), 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('### API input rules'))
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map(([, code, status]) => [code, Number(status)])
    expect(Object.fromEntries(rows)).toEqual(ERROR_STATUS)
    expect(rows).toHaveLength(Object.keys(ERROR_STATUS).length)
  })

  it('every code is UPPER_SNAKE and every default code is one of them', () => {
    for (const code of Object.keys(ERROR_STATUS)) expect(code).toMatch(/^[A-Z]+(?:_[A-Z]+)*$/)
    for (const status of [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429, 500, 502, 503])
      expect(ERROR_STATUS[defaultCode(status)]).toBe(status)
  })
})

describe('describeError', () => {
  it.each([
    ['Forbidden, signed in', new Forbidden(), true, { code: 'FORBIDDEN', status: 403, name: 'Forbidden' }],
    ['Forbidden, signed out', new Forbidden(), false, { code: 'UNAUTHORIZED', status: 401, message: SIGN_IN_FIRST }],
    ['NotFound', new NotFound(), false, { code: 'NOT_FOUND', status: 404, name: 'NotFound' }],
    [
      'LockedAuth reads like a wrong password',
      new LockedAuth(),
      false,
      { code: 'INVALID_CREDENTIALS', status: 401, name: 'AuthenticationError' },
    ],
    ['AuthenticationError', new AuthenticationError(), false, { code: 'INVALID_CREDENTIALS', status: 401 }],
    [
      'a field rule',
      new ValidationError({ collection: 'bookings', errors: [{ path: 'guests', message: 'too many' }] }),
      true,
      { code: 'VALIDATION_FAILED', status: 400, field: 'guests' },
    ],
    [
      'our HttpError keeps its code and field',
      new HttpError(409, 'taken', { code: 'DATES_UNAVAILABLE', field: 'checkIn' }),
      false,
      { code: 'DATES_UNAVAILABLE', status: 409, field: 'checkIn', name: 'HttpError' },
    ],
    ['our 403 stays a 403 signed out (the endpoint chose it)', new HttpError(403, 'no'), false, { code: 'FORBIDDEN', status: 403 }],
    ['a bug', new TypeError('x is undefined'), true, { code: 'INTERNAL_ERROR', status: 500, name: 'TypeError' }],
    ['invalid JSON', new SyntaxError('Unexpected token } in JSON at position 3'), true, { code: 'MALFORMED_REQUEST', status: 400 }],
  ])('%s', (_, error, signedIn, expected) => {
    expect(describeError(error, { signedIn })).toMatchObject(expected)
  })

  it('reads the original error of a GraphQL error', () => {
    expect(describeError({ originalError: new NotFound() })).toMatchObject({ code: 'NOT_FOUND', status: 404 })
  })
})

describe('logging', () => {
  it('Payload leaves the logging of its own and our errors to the afterError hook; bugs it logs itself', () => {
    for (const name of ['Forbidden', 'NotFound', 'ValidationError', 'HttpError', 'GraphQLError']) expect(loggingLevels[name]).toBe(false)
    // A plain APIError may be a 500 (Payload's own, outside requests too): Payload keeps logging those.
    expect(loggingLevels.APIError).toBeUndefined()
    expect(loggingLevels.TypeError).toBeUndefined()
  })

  it('a 4xx is one info line with code and request id; a 5xx is an error with the error', () => {
    const lines: [string, object, string][] = []
    const logger = {
      info: (o: object, m: string) => lines.push(['info', o, m]),
      error: (o: object, m: string) => lines.push(['error', o, m]),
    }
    const bug = new Error('boom')
    logErrorAnswer(logger, { status: 409, code: 'DATES_UNAVAILABLE', message: 'taken', requestId: 'r-1', error: bug })
    logErrorAnswer(logger, { status: 500, code: 'INTERNAL_ERROR', message: 'Something went wrong.', requestId: 'r-2', error: bug })
    expect(lines).toEqual([
      ['info', { reqId: 'r-1', status: 409, code: 'DATES_UNAVAILABLE' }, 'taken'],
      ['error', { reqId: 'r-2', status: 500, code: 'INTERNAL_ERROR', err: bug }, 'Something went wrong.'],
    ])
  })
})

describe('GraphQL over HTTP', () => {
  it.each([
    [null, 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['application/graphql-response+json, application/json', 'application/graphql-response+json'],
    ['application/json, application/graphql-response+json', 'application/json'],
    ['text/html', null],
  ])('Accept %j → %j', (accept, mediaType) => {
    expect(acceptedMediaType(accept)).toBe(mediaType)
  })

  it('a refused document is 400 to graphql-response+json, 200 to json; a refused body keeps its status', () => {
    const document = { status: 400, code: 'VALIDATION_FAILED' as const, message: 'x', document: true }
    expect(graphqlStatus(document, 'application/graphql-response+json')).toBe(400)
    expect(graphqlStatus(document, 'application/json')).toBe(200)
    expect(graphqlStatus({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'x' }, 'application/json')).toBe(413)
  })
})

describe('allowedMethods', () => {
  const config = {
    routes: { api: '/api' },
    endpoints: [{ path: '/access', method: 'get' }],
    globals: [],
    collections: [
      {
        slug: 'bookings',
        endpoints: [
          { path: '/', method: 'get' },
          { path: '/', method: 'post' },
          { path: '/:id', method: 'get' },
          { path: '/:id', method: 'patch' },
          { path: '/:id/cancel', method: 'post' },
        ],
      },
    ],
  } as unknown as Parameters<typeof allowedMethods>[0]
  it.each([
    ['/api/bookings/7', ['GET', 'PATCH']],
    ['/api/bookings/7/cancel', ['POST']],
    ['/api/bookings', ['GET', 'POST']],
    ['/api/access', ['GET']],
    ['/api/bookings/7/nope', []],
    ['/api/nope', []],
  ])('%s → %j', (pathname, methods) => {
    expect(allowedMethods(config, pathname)).toEqual(methods)
  })
})

describe('expressErrorHandler', () => {
  const answer = (error: unknown) => {
    const sent: { status?: number; body?: unknown } = {}
    const logged: [string, object][] = []
    const req = {
      headers: { 'x-request-id': 'r-9' },
      log: { info: (o: object) => logged.push(['info', o]), error: (o: object) => logged.push(['error', o]) },
    }
    const res = {
      headersSent: false,
      status(code: number) {
        sent.status = code
        return this
      },
      json(body: unknown) {
        sent.body = body
        return this
      },
    }
    expressErrorHandler(error, req as never, res as never, () => {})
    return { sent, logged }
  }

  it("express's own 400 (a parameter that does not decode) is answered in the API's shape", () => {
    const error = Object.assign(new URIError("Failed to decode param '%E0'"), { status: 400 })
    expect(answer(error)).toEqual({
      sent: { status: 400, body: { errors: [{ message: "Failed to decode param '%E0'", code: 'VALIDATION_FAILED' }] } },
      logged: [['info', { reqId: 'r-9', status: 400, code: 'VALIDATION_FAILED' }]],
    })
  })

  it('anything else is a 500 that says nothing about itself, logged with the error', () => {
    const bug = new TypeError('secret detail')
    const { sent, logged } = answer(bug)
    expect(sent).toEqual({ status: 500, body: { errors: [{ message: 'Something went wrong.', code: 'INTERNAL_ERROR' }] } })
    expect(logged).toEqual([['error', { reqId: 'r-9', status: 500, code: 'INTERNAL_ERROR', err: bug }]])
  })
})

describe('clientErrorLoggedByHook: which plain errors Payload leaves to the hook', () => {
  const pgError = (code: string, constraint?: string) =>
    Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('db'), { name: 'error', code, constraint }) })
  it.each([
    ['malformed JSON', new SyntaxError('Unexpected token } in JSON at position 3'), true],
    ['a NUL byte PostgreSQL refuses (22P05)', pgError('22P05'), true],
    ['an overlapping stay (exclusion constraint 23P01)', pgError('23P01', 'stay_reservations_no_overlap'), true],
    ['a second review (unique violation 23505)', pgError('23505', 'booking_subject_idx'), true],
    ['another unique violation is a bug', pgError('23505', 'users_email_idx'), false],
    ['a plain bug', new Error('boom'), false],
    ['a TypeError', new TypeError('x is undefined'), false],
    ['a lost connection (08006)', pgError('08006'), false],
    ['a Payload NotFound (left to loggingLevels)', new NotFound(), false],
    ['a plain APIError 400', new APIError('bad', 400), true],
    ['a plain APIError 500', new APIError('broke', 500), false],
  ])('%s → %s', (_, error, expected) => {
    expect(clientErrorLoggedByHook(error)).toBe(expected)
  })
})

describe('database guarantees met by a write that raced past the pre-checks', () => {
  const pg = (code: string, constraint: string) =>
    Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('db'), { name: 'error', code, constraint }) })
  it.each([
    ['overlapping nights', pg('23P01', 'stay_reservations_no_overlap'), { code: 'DATES_UNAVAILABLE', status: 409, field: 'checkIn' }],
    ['a second review of one side', pg('23505', 'booking_subject_idx'), { code: 'ALREADY_REVIEWED', status: 409 }],
    ['another exclusion constraint is a bug', pg('23P01', 'something_else'), { code: 'INTERNAL_ERROR', status: 500 }],
  ])('%s', (_, error, expected) => {
    expect(describeError(error)).toMatchObject(expected)
  })
})

describe('refused: the one mapping of a domain refusal to HTTP', () => {
  it.each([
    [{ kind: 'forbidden', message: 'No.' }, 403, 'FORBIDDEN'],
    [{ kind: 'conflict', message: 'Not now.' }, 409, 'CONFLICT'],
    [{ kind: 'closed', message: 'Too late.' }, 422, 'UNPROCESSABLE'],
    [{ kind: 'conflict', message: 'Not from here.', code: 'INVALID_TRANSITION' }, 409, 'INVALID_TRANSITION'],
    [{ kind: 'conflict', message: 'Twice.', code: 'ALREADY_REVIEWED' }, 409, 'ALREADY_REVIEWED'],
    [{ kind: 'closed', message: 'Window closed.', code: 'REVIEW_WINDOW_CLOSED' }, 422, 'REVIEW_WINDOW_CLOSED'],
    // A code that does not belong to the kind's status is not sent with the wrong status.
    [{ kind: 'forbidden', message: 'Mismatch.', code: 'REVIEW_WINDOW_CLOSED' }, 403, 'FORBIDDEN'],
  ] as [Refusal, number, string][])('%o → %i %s', (refusal, status, code) => {
    const error = refused(refusal)
    expect(error).toBeInstanceOf(HttpError)
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({ status, code, message: refusal.message })
  })
})
