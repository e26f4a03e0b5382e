import type { Sleep } from '@edusync/http'
import { withRetry as retryHttp } from '@edusync/http'
import type { Result } from 'neverthrow'
import type { ResolvedQuickBooksConfig } from '../config.ts'
import type { QuickBooksError } from '../errors.ts'
import { readFault } from './fault.ts'
import type { RawResponse } from './transport.ts'

/** Whether a response is QuickBooks' throttle answer: 429, or fault 3001 under another status. */
export function isThrottled(response: RawResponse): boolean {
  if (response.status === 429) return true
  if (response.status < 400) return false
  return readFault(response.body)?.errors.some((e) => e.code === '3001') ?? false
}

/**
 * The longest a `Retry-After` may make a call wait. QuickBooks meters per minute (500 requests, 40
 * batches) and documents a 60 s wait after a 429, so a longer header is not about the minute window; two
 * minutes (or the configured throttle wait, if longer) keeps a worker from being parked for an hour.
 */
const RETRY_AFTER_CAP_MS = 120_000

/**
 * Runs `attempt` with the shared kit's retry (see `@edusync/http`'s `withRetry`). Throttling (429 or fault
 * 3001) is always retried, after the `Retry-After` or else `throttleWaitMs` (the request was not
 * processed). 5xx, timeouts and network failures are retried only for idempotent calls: reads, and writes
 * carrying a `requestid` (QuickBooks answers a repeated requestid with the original result instead of
 * writing twice).
 */
export function withRetry(
  attempt: () => Promise<Result<RawResponse, QuickBooksError>>,
  policy: ResolvedQuickBooksConfig['retry'],
  idempotent: boolean,
  sleep: Sleep,
): Promise<Result<RawResponse, QuickBooksError>> {
  const maxRetryAfterMs = Math.max(RETRY_AFTER_CAP_MS, policy.throttleWaitMs, policy.maxDelayMs)
  return retryHttp(attempt, { ...policy, maxRetryAfterMs }, { idempotent, isThrottled, sleep })
}
