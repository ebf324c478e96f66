import type { Job } from 'bullmq'
import type { Payload } from 'payload'

import { MAIL_QUEUE, PAYMENTS_QUEUE, isJob, mailJobId, paymentJobIds, processorOf } from './registry'

const payload = {} as Payload
const job = (name: string, data: unknown) => ({ name, data, id: `${name}-1`, attemptsMade: 0 }) as unknown as Job

describe('processorOf: the job name picks its typed handler', () => {
  const processor = processorOf(MAIL_QUEUE, {
    send: async (_, j) => `send ${j.data.kind} → ${j.data.recipient}`,
    account: async (_, j) => `account ${j.data.kind}`,
    'calendar-conflict': async (_, j) => `conflict ${j.data.feedId}/${j.data.bookingId}`,
    messages: async (_, j) => `messages ${j.data.firstMessageId} → ${j.data.recipient}`,
  })
  it.each([
    [job('send', { kind: 'booking-confirmed', bookingId: 1, recipient: 'host' }), 'send booking-confirmed → host'],
    [job('account', { kind: 'verify-email', userId: 3 }), 'account verify-email'],
    [job('calendar-conflict', { feedId: 2, uid: 'a@x', bookingId: 5 }), 'conflict 2/5'],
    [job('messages', { bookingId: 1, recipient: 'guest', firstMessageId: 7 }), 'messages 7 → guest'],
  ])('%#: %s', async (j, result) => {
    await expect(processor(payload, j)).resolves.toBe(result)
  })
  it.each(['reconcile', 'toString', 'constructor', '__proto__'])('a name the queue does not have (%s) fails the job', (name) => {
    expect(() => processor(payload, job(name, {}))).toThrow(`mail: unknown job ${name}`)
  })
})

describe('isJob', () => {
  it('narrows by name', () => {
    const refund = job('refund', { bookingId: 4, kind: 'cancellation' })
    expect(isJob(PAYMENTS_QUEUE, refund, 'refund')).toBe(true)
    expect(isJob(PAYMENTS_QUEUE, refund, 'stripe-event')).toBe(false)
  })
})

describe('job ids are business keys without ":"', () => {
  it.each([
    [paymentJobIds.refund('42-1795000000000', 'cancellation'), 'booking-42-1795000000000-refund-cancellation'],
    [paymentJobIds.refund('42-1795000000000', 'cancellation', 're_1'), 'booking-42-1795000000000-refund-cancellation-after-re_1'],
    [paymentJobIds.cancelIntents('42-1795000000000'), 'booking-42-1795000000000-cancel-intents'],
    [mailJobId('payment-failed', '42-1795000000000', 'guest', 'ch_1'), 'mail-payment-failed-booking-42-1795000000000-guest-ch_1'],
    [mailJobId('booking-confirmed', '42-1795000000000', 'host'), 'mail-booking-confirmed-booking-42-1795000000000-host'],
  ])('%s', (id, expected) => {
    expect(id).toBe(expected)
    expect(id).not.toContain(':')
  })
})
