/** The exponential part of a retry policy. */
export interface BackoffPolicy {
  /** The ceiling of the first retry's wait; it doubles with every retry. */
  readonly baseDelayMs: number
  /** The largest ceiling a wait can have. */
  readonly maxDelayMs: number
}

/**
 * The wait before retry number `retry` (0 for the first) with "equal jitter": the ceiling is
 * `min(maxDelayMs, baseDelayMs * 2^retry)`, half of it is fixed and half random. The fixed half keeps a
 * minimum pause; the random half spreads parallel workers that failed together, so they do not all come
 * back at the same instant and fail together again.
 *
 * @param random - a number in [0, 1); injectable for tests.
 */
export function equalJitter(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry)
  return ceiling / 2 + random() * (ceiling / 2)
}
