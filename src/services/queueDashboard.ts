import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ExpressAdapter } from '@bull-board/express'
import type { NextFunction, Request, Response, Router } from 'express'

import { isStaffUser } from '../domain/roles'
import { env } from '../lib/env'
import { BOOKING_LIFECYCLE_QUEUE } from '../../jobs/queues'
import { QUEUE_NAMES, queue } from './queue'

export const QUEUE_DASHBOARD_PATH = '/admin/queues'

/**
 * bull-board for staff: who may look is decided by their Payload session (cookie or Authorization
 * header), asked of our own /api/users/me, so there is one login and one place that knows roles.
 */
export function queueDashboard(): Router {
  const serverAdapter = new ExpressAdapter()
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH)
  // Staff may retry or clean booking-lifecycle jobs; the payments and mail queues are read-only: adding
  // or cleaning jobs there could ask Stripe for money back or forget which mails were sent.
  createBullBoard({ queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queue(name), { readOnlyMode: name !== BOOKING_LIFECYCLE_QUEUE })), serverAdapter })
  return serverAdapter.getRouter() as Router
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
    res.status(503).json({ errors: [{ message: 'Could not check your session; try again.', code: 'SERVICE_UNAVAILABLE' }] })
    return
  }
  if (!user) {
    res.status(401).json({ errors: [{ message: 'Sign in to the admin panel as staff to see the queues.', code: 'UNAUTHORIZED' }] })
    return
  }
  if (!isStaffUser(user)) {
    res.status(403).json({ errors: [{ message: 'Only staff can see the queues.', code: 'FORBIDDEN' }] })
    return
  }
  next()
}
