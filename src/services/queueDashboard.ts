import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ExpressAdapter } from '@bull-board/express'
import express, { type NextFunction, type Request, type Response, type Router } from 'express'

import { isStaffUser } from '@/domain/roles'
import { env } from '@/lib/env'
import { apiError, logErrorAnswer, sendError } from '@/lib/errorCodes'
import { defaultCode } from '@/lib/errors'
import { withoutExternalLinks } from '@/lib/offlinePage'
import { BOOKING_LIFECYCLE_QUEUE, QUEUE_DASHBOARD_PATH, QUEUE_NAMES } from '@/jobs/registry'
import { queue } from './queue'

export { QUEUE_DASHBOARD_PATH }

/**
 * bull-board for staff: who may look is decided by their Payload session (cookie or Authorization
 * header), asked of our own /api/users/me, so there is one login and one place that knows roles.
 */
export function queueDashboard(): Router {
  const serverAdapter = new ExpressAdapter()
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH)
  // Staff may retry or clean booking-lifecycle jobs; every other queue (payments, mail, calendar-sync) is read-only: adding
  // or cleaning jobs there could ask Stripe for money back or forget which mails were sent.
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queue(name), { readOnlyMode: name !== BOOKING_LIFECYCLE_QUEUE })),
    serverAdapter,
  })
  const router = express.Router()
  router.use('/api', inApiErrorShape)
  router.use(offlinePage)
  router.use(serverAdapter.getRouter() as Router)
  return router
}

/**
 * bull-board's page links Google's fonts; served without them it loads nothing from the internet (the
 * panel works offline and on networks that block Google), in the system's fonts.
 */
function offlinePage(_req: Request, res: Response, next: NextFunction): void {
  const render = res.render.bind(res)
  res.render = ((view: string, options?: object) =>
    render(view, options ?? {}, (error: Error | null, html?: string) => {
      if (error) return next(error)
      res.send(withoutExternalLinks(html ?? ''))
    })) as Response['render']
  next()
}

/**
 * bull-board's JSON API answers errors as `{"error":{"key":"ERRORS.…"},"message"?}`, which its UI
 * translates. They get the API's `errors` beside what the UI reads: `code` for the status, the message
 * (or the key), and bull-board's own error as `data`.
 */
function inApiErrorShape(req: Request, res: Response, next: NextFunction): void {
  const json = res.json.bind(res)
  res.json = (body: unknown) => {
    const own = (body ?? {}) as { error?: { key?: unknown }; message?: unknown; errors?: unknown }
    if (res.statusCode < 400 || Array.isArray(own.errors)) return json(body)
    const key = typeof own.error?.key === 'string' ? own.error.key : undefined
    const message = typeof own.message === 'string' && own.message ? own.message : (key ?? 'The queue dashboard could not do that.')
    const item = apiError(defaultCode(res.statusCode), message, { data: own.error })
    const log = (req as { log?: Parameters<typeof logErrorAnswer>[0] }).log
    if (log)
      logErrorAnswer(log, {
        status: res.statusCode,
        code: item.code,
        message,
        requestId: String(req.headers['x-request-id'] ?? '') || null,
      })
    return json({ ...own, errors: [item] })
  }
  next()
}

export async function requireStaffSession(req: Request, res: Response, next: NextFunction): Promise<void> {
  // Forward what Payload needs to judge the session, including its CSRF signals for cookies.
  const headers: Record<string, string> = {}
  for (const name of ['cookie', 'authorization', 'origin', 'sec-fetch-site']) {
    const value = req.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  let user: { roles?: string[] } | null = null
  try {
    const me = await fetch(`http://127.0.0.1:${env.PORT}/api/users/me`, { headers, signal: AbortSignal.timeout(5_000) })
    user = ((await me.json()) as { user?: { roles?: string[] } | null }).user ?? null
  } catch {
    sendError(req, res, apiError('SERVICE_UNAVAILABLE', 'Could not check your session; try again.'))
    return
  }
  if (!user) {
    sendError(req, res, apiError('UNAUTHORIZED', 'Sign in to the admin panel as staff to see the queues.'))
    return
  }
  if (!isStaffUser(user)) {
    sendError(req, res, apiError('FORBIDDEN', 'Only staff can see the queues.'))
    return
  }
  next()
}
