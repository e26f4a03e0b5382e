import type { StoredResponse } from '../store/store.ts'
import type { RecordOutcome } from '../sync/outcome.ts'
import type { BatchResult } from '../sync/sync-engine.ts'
import type { WebhookError } from './webhook-error.ts'

/** What a webhook's processing answers: a status (2xx unless the content was refused) and a JSON body. */
export interface WebhookReply {
  /** @default 200 */
  readonly status?: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** A JSON response. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

/**
 * The response for a refused request: `{ "error": { reason, message, issues? } }`, with `Retry-After` when
 * the sender should retry.
 */
export function errorResponse(error: WebhookError): Response {
  const headers: Record<string, string> = {}
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter)
  const body: Record<string, unknown> = { reason: error.reason, message: error.message }
  if (error.issues.length > 0) body.issues = error.issues
  return jsonResponse(error.status, { error: body }, headers)
}

/** The response replayed for a duplicate of a completed request, marked `Idempotent-Replayed: true`. */
export function replayResponse(stored: StoredResponse): Response {
  return jsonResponse(stored.status, stored.body, { ...stored.headers, 'idempotent-replayed': 'true' })
}

/** A per-record outcome as sent to a sender: the engine's outcome without its internal index. */
export type OutcomeBody = Omit<RecordOutcome, 'index'>

/**
 * The reply for a synced batch: 200 with counts and one outcome per record (and the parked records it
 * unblocked); 400 when *every* record was INVALID, so a sender that only looks at the status learns its
 * payload was refused (retrying it cannot help; fixing the record can); 500 when any record ended in
 * ERROR (nothing was written for it), so the delivery is not recorded as done and a retry processes it
 * (the records that were written come back UNCHANGED).
 */
export function syncReply(result: BatchResult): WebhookReply {
  const allInvalid = result.counts.total > 0 && result.counts.invalid === result.counts.total
  const failed = result.counts.error > 0 || result.replayedCounts.error > 0
  return {
    status: failed ? 500 : allInvalid ? 400 : 200,
    body: {
      entity: result.entity,
      counts: result.counts,
      outcomes: result.outcomes.map(stripIndex),
      replayed: result.replayed.map(stripIndex),
    },
  }
}

function stripIndex({ index: _index, ...rest }: RecordOutcome): OutcomeBody {
  return rest
}
