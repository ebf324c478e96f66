/**
 * Why a rule says no. Rules in src/domain return a refusal instead of throwing or naming an HTTP status;
 * `refused()` in src/lib/errors.ts is the one place that turns it into an answer:
 * - `forbidden`: this person may not do this (403);
 * - `conflict`: not in the state the thing is in now (409);
 * - `closed`: the time for it has passed (422).
 * `code` names a more precise stable error code than the kind's own, where the API promises one.
 */
export type RefusalKind = 'forbidden' | 'conflict' | 'closed'
export type RefusalCode = 'INVALID_TRANSITION' | 'REVIEW_WINDOW_CLOSED' | 'ALREADY_REVIEWED'
export type Refusal = { kind: RefusalKind; message: string; code?: RefusalCode }

export const refusal = (kind: RefusalKind, message: string, code?: RefusalCode): Refusal =>
  code ? { kind, message, code } : { kind, message }

/** A rule's answer: what to do, or why not. */
export const isRefusal = (value: unknown): value is Refusal =>
  !!value && typeof value === 'object' && 'kind' in value && 'message' in value && !('to' in value)
