/**
 * @module The HTTP kit edusync's adapters share, generic over each adapter's error type: a ky transport that
 * never throws, a concurrency limiter, and retry with equal-jitter backoff, `Retry-After` (capped) and the
 * rule that 5xx and timeouts are retried only for calls safe to repeat.
 */
export type { BackoffPolicy } from './backoff.ts'
export { equalJitter } from './backoff.ts'
export type { Limiter } from './limiter.ts'
export { createLimiter } from './limiter.ts'
export type { RetryOptions, RetryPolicy } from './retry.ts'
export { TRANSIENT_REASONS, withRetry } from './retry.ts'
export { retryAfterMs } from './retry-after.ts'
export type { Sleep } from './sleep.ts'
export { realSleep } from './sleep.ts'
export type {
  HttpMethod,
  HttpRequest,
  RawResponse,
  Transport,
  TransportFailure,
  TransportOptions,
} from './transport.ts'
export { createTransport, describeUrl, failureMessage } from './transport.ts'
