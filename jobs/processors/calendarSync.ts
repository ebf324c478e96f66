import { CALENDAR_SYNC_QUEUE, processorOf } from '@/jobs/registry'
import { enqueueAllFeeds, syncFeed } from '@/services/calendarSync'

/**
 * The calendar-sync queue: `sync-all` (repeatable) fans out one `sync-feed` per feed; `sync-feed`
 * fetches one feed and mirrors it (src/services/calendarSync.ts). A feed that cannot be fetched or read
 * is recorded on the feed (lastStatus 'error'), not failed as a job: the next slot tries again.
 */
export const processCalendarSyncJob = processorOf(CALENDAR_SYNC_QUEUE, {
  'sync-feed': async (payload, job) => {
    const result = await syncFeed(payload, job.data.feedId)
    return `${result.status}: ${result.message}`
  },
  'sync-all': async (payload) => `queued ${await enqueueAllFeeds(payload, new Date())} feeds`,
})
