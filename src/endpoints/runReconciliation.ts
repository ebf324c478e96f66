import { PAYMENTS_QUEUE, paymentJobIds } from '@/jobs/registry'
import * as contract from '@/contract/operations'
import { isStaffUser } from '@/domain/roles'
import { HttpError, forbidden, unauthorized } from '@/lib/errors'
import { enqueue, queue } from '@/services/queue'
import { paymentsConfigured } from '@/services/stripe'
import { implement, restEndpoint } from './operation'

/**
 * POST /api/reconciliation/run (GraphQL `runReconciliation`) — staff start a reconciliation now (the
 * admin panel's "Run now" button). The worker runs it like the scheduled one; the report shows up in
 * reconciliation-reports. 202 with the job id. While a run is queued or running, another click returns
 * that run instead of starting one.
 */
export const runReconciliationOperation = implement({
  contract: contract.runReconciliation,
  guard: (req) => {
    if (!req.user) throw unauthorized('Sign in as staff to run a reconciliation.')
    if (!isStaffUser(req.user)) throw forbidden('Only staff can run a reconciliation.')
  },
  run: async (req) => {
    if (!paymentsConfigured()) throw new HttpError(503, 'Payments are not configured on this server.')
    const jobId = paymentJobIds.manualReconcile(new Date())
    try {
      const inFlight = (await queue(PAYMENTS_QUEUE).getJobs(['active', 'waiting', 'prioritized'])).find((job) => job.name === 'reconcile')
      if (inFlight?.id)
        return { message: 'A reconciliation is already running; its report will appear in Reconciliation reports.', jobId: inFlight.id }
      await enqueue(PAYMENTS_QUEUE, 'reconcile', { trigger: 'manual', requestedBy: Number(req.user!.id) }, { jobId, attempts: 1 })
    } catch {
      throw new HttpError(503, 'The job queue is unreachable; try again in a moment.')
    }
    return { message: 'Reconciliation started; its report will appear in Reconciliation reports.', jobId }
  },
})

export const runReconciliation = restEndpoint(runReconciliationOperation, '/reconciliation/run')
