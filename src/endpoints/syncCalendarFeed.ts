import * as contract from '@/contract/operations'
import { CALENDAR_SYNC_QUEUE, calendarJobIds } from '@/jobs/registry'
import { HttpError, notFound, unauthorized } from '@/lib/errors'
import { enqueue } from '@/services/queue'
import { implement, restEndpoint } from './operation'

/**
 * POST /api/calendar-feeds/:id/sync (GraphQL `syncCalendarFeed`) — "Sync now" for the feed's host or
 * staff, after they fixed the address on the other site, say. 202 with the job; the job id names the
 * feed and the minute, so clicking again within a minute queues nothing more (the rate limit).
 */
export const syncCalendarFeedOperation = implement({
  contract: contract.syncCalendarFeed,
  guard: (req) => {
    if (!req.user) throw unauthorized('Sign in as the listing’s host to sync its calendars.')
  },
  notFoundMessage: 'Calendar feed not found.',
  run: async (req, { id }) => {
    // Read as the caller: a feed they may not read is one that does not exist.
    const feed = await req.payload.findByID({
      collection: 'calendar-feeds',
      id,
      depth: 0,
      overrideAccess: false,
      user: req.user,
      disableErrors: true,
      req,
    })
    if (!feed) throw notFound('Calendar feed not found.')
    const jobId = calendarJobIds.syncFeed(feed.id, `manual-${Math.floor(Date.now() / 60_000)}`)
    try {
      await enqueue(CALENDAR_SYNC_QUEUE, 'sync-feed', { feedId: feed.id }, { jobId, attempts: 1 })
    } catch {
      throw new HttpError(503, 'The job queue is unreachable; try again in a moment.')
    }
    return { message: 'Sync queued; the feed’s status shows how it went.', feed: feed.id, jobId }
  },
})

export const syncCalendarFeed = restEndpoint(syncCalendarFeedOperation, '/:id/sync')
