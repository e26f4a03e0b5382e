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
 * Delays grow exponentially with "equal jitter" (half fixed, half random) so parallel workers spread out.
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
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n)
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2))
  }
}
