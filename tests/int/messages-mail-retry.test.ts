import { addDays, utcDate } from '@/domain/stayDates'
import { MAIL_QUEUE, messageMailJobId } from '@/jobs/registry'
import { type Cast, rest, signUpCast } from '../helpers/api'
import { createListing } from '../helpers/listings'
import { type StackQueues, stackQueues } from '../helpers/queues'
import { type Stack, type WorkerProcess, freePort, startStack, startWorker } from '../helpers/stack'

/**
 * A burst whose mail gave up (SMTP down through all 5 attempts) is not forgotten: the burst's next
 * message revives the failed job (its id names the burst's first message, still unmailed), and once SMTP
 * is back the recipient gets one mail with both messages. The stack's own mail worker is replaced by one
 * pointed at a port nothing listens on, then by one with the real SMTP sink.
 */
let stack: Stack
let queues: StackQueues
let cast: Cast
let worker: WorkerProcess | null = null
const today = utcDate(new Date())

beforeAll(async () => {
  stack = await startStack({
    mailWorker: false,
    env: { MESSAGE_MAIL_DELAY_MINUTES: '0.01', MESSAGE_RATE_LIMIT_PER_MINUTE: '1000', JOB_RETRY_DELAY_MS: '50' },
  })
  queues = stackQueues(stack)
  // Sign-up mail needs a working worker; the SMTP-less one comes after.
  worker = await startWorker(stack, { WORKER_QUEUES: 'mail' })
  cast = await signUpCast(stack)
  await worker.stop()
  worker = null
}, 180_000)

afterAll(async () => {
  await worker?.stop()
  await queues?.close()
  await stack?.stop()
})

it('a failed burst mail is retried by the burst’s next message, once SMTP is back', async () => {
  const listing = await createListing(stack, cast.host, { title: 'Retry chalet', instantBook: false }, { publish: true })
  const checkIn = addDays(today, 40)
  const booked = await rest(stack, 'POST', '/api/bookings', {
    token: cast.guest.token,
    body: { property: listing.id, checkIn, checkOut: addDays(checkIn, 2), guests: 2 },
  })
  expect(booked.status).toBe(201)
  const booking = booked.body.doc as { id: number; createdAt: string }
  const ref = `${booking.id}-${Date.parse(booking.createdAt)}`

  worker = await startWorker(stack, { WORKER_QUEUES: 'mail', SMTP_PORT: String(await freePort()) })
  const first = (
    await rest(stack, 'POST', `/api/bookings/${booking.id}/messages`, {
      token: cast.guest.token,
      body: { text: 'first, while SMTP is down' },
    })
  ).body.doc
  const job = messageMailJobId(ref, 'host', first.id)
  const failed = await queues.waitForJobState(MAIL_QUEUE, job, 'failed', 60_000)
  expect(failed.attemptsMade).toBe(5)
  await worker.stop()

  worker = await startWorker(stack, { WORKER_QUEUES: 'mail' })
  await rest(stack, 'POST', `/api/bookings/${booking.id}/messages`, { token: cast.guest.token, body: { text: 'second, SMTP is back' } })
  const mail = await stack.mail.waitFor((m) => m.to.includes(cast.host.email) && m.text.includes(`Booking #${booking.id},`), 30_000)
  expect(mail.text).toContain('first, while SMTP is down')
  expect(mail.text).toContain('second, SMTP is back')
  await queues.waitForJobState(MAIL_QUEUE, job, 'completed', 30_000)
  await queues.quiescent()
  expect(stack.mail.messages.filter((m) => m.to.includes(cast.host.email) && m.text.includes(`Booking #${booking.id},`))).toHaveLength(1)
}, 180_000)
