import type { Result } from 'neverthrow'
import type { ResolvedMoodleConfig } from '../config.ts'
import type { MoodleError } from '../errors.ts'
import type { RawResponse } from './transport.ts'

/** Sleeps; injectable so the policy stays testable. */
export type Sleep = (ms: number) => Promise<void>

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `attempt` until it yields something not retryable or the budget is spent. 429 is always retried
 * (the request was refused before Moodle ran it). 5xx, timeouts and network failures are retried only for
 * calls that are safe to repeat: a create whose answer was lost may have committed, and repeating it
 * would make a second course; the flows recover those by looking the record up instead.
 * Delays grow exponentially with equal jitter so parallel workers spread out.
 */
export async function withRetry(
  attempt: () => Promise<Result<RawResponse, MoodleError>>,
  policy: ResolvedMoodleConfig['retry'],
  idempotent: boolean,
  sleep: Sleep = defaultSleep,
): Promise<Result<RawResponse, MoodleError>> {
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
