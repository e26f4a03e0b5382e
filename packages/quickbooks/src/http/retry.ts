import type { Result } from 'neverthrow'
import type { ResolvedQuickBooksConfig } from '../config.ts'
import type { QuickBooksError } from '../errors.ts'
import { readFault } from './fault.ts'
import type { Sleep } from './limiter.ts'
import type { RawResponse } from './transport.ts'

/** Whether a response is QuickBooks' throttle answer: 429, or fault 3001 under another status. */
export function isThrottled(response: RawResponse): boolean {
  if (response.status === 429) return true
  if (response.status < 400) return false
  return readFault(response.body)?.errors.some((e) => e.code === '3001') ?? false
}

/** The wait a throttled response asks for (`Retry-After` seconds or date), else `fallbackMs`. */
export function throttleWait(
  response: RawResponse,
  fallbackMs: number,
  now: () => number = Date.now,
): number {
  const header = response.headers.get('retry-after')
  if (header) {
    const seconds = Number(header)
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
    const at = Date.parse(header)
    if (!Number.isNaN(at)) return Math.max(0, at - now())
  }
  return fallbackMs
}

/**
 * Runs `attempt` until it yields a response that is not retryable or the budget is spent. Throttling is
 * always retried after the wait QuickBooks asks for (the request was not processed). 5xx, timeouts and
 * network failures are retried only for idempotent calls: reads, and writes carrying a `requestid`
 * (QuickBooks answers a repeated requestid with the original result instead of writing twice).
 */
export async function withRetry(
  attempt: () => Promise<Result<RawResponse, QuickBooksError>>,
  policy: ResolvedQuickBooksConfig['retry'],
  idempotent: boolean,
  sleep: Sleep,
): Promise<Result<RawResponse, QuickBooksError>> {
  for (let n = 0; ; n++) {
    const result = await attempt()
    if (n >= policy.limit) return result
    if (result.isOk()) {
      const response = result.value
      if (isThrottled(response)) {
        await sleep(throttleWait(response, policy.throttleWaitMs))
        continue
      }
      if (!(idempotent && response.status >= 500)) return result
    } else if (!(idempotent && (result.error.reason === 'Timeout' || result.error.reason === 'Transport'))) {
      return result
    }
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n)
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2))
  }
}
