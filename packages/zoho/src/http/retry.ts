import type { Result } from 'neverthrow'
import type { ResolvedZohoConfig } from '../config.ts'
import type { ZohoError } from '../errors.ts'
import type { RawResponse } from './transport.ts'

/** Sleeps; injectable so the policy stays testable. */
export type Sleep = (ms: number) => Promise<void>

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `attempt` until it yields a response that is not retryable or the retry budget is spent.
 * 429 is always retried (Zoho did not process the request). 5xx, timeouts and network failures are
 * retried only for idempotent calls: a retried insert after a lost answer could create a duplicate.
 *
 * The wait before a retry: the response's `Retry-After` when it has a usable one (seconds or an HTTP
 * date; Zoho does not document it, but a 429 or 503 from its edge may carry it, and the sender knows best
 * when it can take the call again), capped at `policy.maxDelayMs` so one header cannot park a worker for
 * an hour. Otherwise exponential backoff with "equal jitter" (half fixed, half random), so parallel
 * workers spread out.
 */
export async function withRetry(
  attempt: () => Promise<Result<RawResponse, ZohoError>>,
  policy: ResolvedZohoConfig['retry'],
  idempotent: boolean,
  sleep: Sleep = defaultSleep,
): Promise<Result<RawResponse, ZohoError>> {
  for (let n = 0; ; n++) {
    const result = await attempt()
    const retryable = result.match(
      (response) => response.status === 429 || (idempotent && response.status >= 500),
      (error) => idempotent && (error.reason === 'Timeout' || error.reason === 'Transport'),
    )
    if (!retryable || n >= policy.limit) return result
    const told = result.isOk() ? retryAfterMs(result.value.headers.get('retry-after')) : undefined
    if (told !== undefined) {
      await sleep(Math.min(told, policy.maxDelayMs))
      continue
    }
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n)
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2))
  }
}

/**
 * Reads a `Retry-After` header (RFC 9110: delay-seconds, or an HTTP date) as milliseconds from `now`;
 * a date in the past is 0, and anything else (negative, fractional, unparsable, absent) `undefined`.
 */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Only an HTTP date (it names a weekday) counts; Date.parse alone would read "1.5" or "-1" as dates.
  if (!/^[A-Za-z]{3},/.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
