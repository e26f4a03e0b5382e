import type { Result } from 'neverthrow'
import type { BackoffPolicy } from './backoff.ts'
import { equalJitter } from './backoff.ts'
import { retryAfterMs } from './retry-after.ts'
import type { Sleep } from './sleep.ts'
import { realSleep } from './sleep.ts'
import type { RawResponse } from './transport.ts'

/** How often and how long {@link withRetry} waits. */
export interface RetryPolicy extends BackoffPolicy {
  /** Retries after the first attempt (0: never retry). */
  readonly limit: number
  /**
   * The wait after a throttled response without a usable `Retry-After` (QuickBooks documents 60 s).
   * Absent: the exponential backoff, as for a 5xx.
   */
  readonly throttleWaitMs?: number
  /**
   * The longest wait a `Retry-After` can impose, so one header cannot park a worker for an hour.
   * @default maxDelayMs
   */
  readonly maxRetryAfterMs?: number
}

/** What {@link withRetry} needs to know about the call. */
export interface RetryOptions {
  /**
   * Whether repeating the call is harmless: reads, updates, and writes the server de-duplicates. Only such
   * calls are retried after a 5xx, a timeout or a network failure: a create whose answer was lost may have
   * committed, and sending it again would create a second record.
   */
  readonly idempotent: boolean
  /**
   * Whether a response says the call was refused unprocessed (so it is retried even when not idempotent).
   * @default status 429
   */
  readonly isThrottled?: (response: RawResponse) => boolean
  /** @default a timer */
  readonly sleep?: Sleep
  /** A number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number
  /** The clock an HTTP-date `Retry-After` is read against. @default Date.now */
  readonly now?: () => number
}

/**
 * The `reason`s of the errors a {@link Transport} hands back for an attempt that got no answer (see
 * `TransportFailure`); every adapter's error type uses them. Other reasons are never retried.
 */
export const TRANSIENT_REASONS: ReadonlySet<string> = new Set(['Timeout', 'Transport'])

const isTooManyRequests = (response: RawResponse) => response.status === 429

/**
 * Runs `attempt` until it yields something not worth retrying or `policy.limit` retries are spent, and
 * returns the last result.
 *
 * - A throttled response (429 by default) is always retried: the server refused it before doing anything.
 * - A 5xx, a timeout or a network failure (an error whose `reason` is in {@link TRANSIENT_REASONS}) is
 *   retried only when `options.idempotent`.
 * - The wait is the response's `Retry-After` when it has a usable one (seconds or an HTTP date: the sender
 *   knows best when it can take the call again), capped at `maxRetryAfterMs`; else `throttleWaitMs` for a
 *   throttled response when the policy has one; else {@link equalJitter} backoff.
 *
 * The caller decides what the attempt holds: a limiter slot taken inside `attempt` is free during waits.
 */
export async function withRetry<E extends { readonly reason: string }>(
  attempt: () => Promise<Result<RawResponse, E>>,
  policy: RetryPolicy,
  options: RetryOptions,
): Promise<Result<RawResponse, E>> {
  const sleep = options.sleep ?? realSleep
  const isThrottled = options.isThrottled ?? isTooManyRequests
  const cap = policy.maxRetryAfterMs ?? policy.maxDelayMs
  for (let n = 0; ; n++) {
    const result = await attempt()
    if (n >= policy.limit) return result
    if (result.isErr()) {
      if (!(options.idempotent && TRANSIENT_REASONS.has(result.error.reason))) return result
      await sleep(equalJitter(n, policy, options.random))
      continue
    }
    const response = result.value
    const throttled = isThrottled(response)
    if (!throttled && !(options.idempotent && response.status >= 500)) return result
    const told = retryAfterMs(response.headers.get('retry-after'), (options.now ?? Date.now)())
    if (told !== undefined) await sleep(Math.min(told, cap))
    else if (throttled && policy.throttleWaitMs !== undefined) await sleep(policy.throttleWaitMs)
    else await sleep(equalJitter(n, policy, options.random))
  }
}
