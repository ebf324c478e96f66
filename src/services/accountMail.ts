import { createHash } from 'node:crypto'

import type { Payload } from 'payload'

import { type AccountMailJob, MAIL_QUEUE, accountMailJobId } from '@/jobs/registry'
import { enqueue } from './queue'

/** Short, stable and not reversible: names a token or an address in a job id without revealing it. */
export const fingerprint = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 20)

/**
 * Account mail is retried for hours (an SMTP outage), starting after one second: the processor also
 * retries when it reads the account before the request that enqueued it has committed.
 */
const RETRY = { attempts: 15, backoff: { type: 'exponential', delay: 1_000 } }

export async function enqueueAccountMail(job: AccountMailJob, discriminator: string | number): Promise<void> {
  const subject = 'userId' in job ? `user-${job.userId}` : `address-${fingerprint(job.email)}`
  await enqueue(MAIL_QUEUE, 'account', job, { jobId: accountMailJobId(job.kind, subject, discriminator), ...RETRY })
}

/**
 * For triggers inside requests: the request's answer must not depend on Redis (nor reveal anything by
 * failing), so a failed enqueue is logged, never thrown.
 */
export async function enqueueAccountMailQuietly(payload: Payload, job: AccountMailJob, discriminator: string | number): Promise<void> {
  try {
    await enqueueAccountMail(job, discriminator)
  } catch (error) {
    payload.logger.error({ err: error, kind: job.kind, msg: 'account mail could not be queued' })
  }
}
