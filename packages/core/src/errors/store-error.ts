/**
 * Why a Store call failed, so the caller can act:
 * - `Unavailable`: the Store could not be reached or the connection dropped; retry later (503).
 * - `Conflict`: a serialization failure, deadlock or lock timeout; retrying the same call is safe.
 * - `Timeout`: a statement timed out; retrying may succeed.
 * - `Invalid`: the call's input violated the Store's contract (e.g. a malformed fingerprint); do not retry.
 * - `Corrupt`: stored data is unreadable; needs a person.
 */
export type StoreErrorReason = 'Unavailable' | 'Conflict' | 'Timeout' | 'Invalid' | 'Corrupt'

const RETRYABLE: ReadonlySet<StoreErrorReason> = new Set(['Unavailable', 'Conflict', 'Timeout'])

/** The one error type of every Store. Nothing was written when a write returns it. */
export class StoreError extends Error {
  override readonly name = 'StoreError'

  constructor(
    readonly reason: StoreErrorReason,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options)
  }

  /** Whether the same call may succeed if retried (`Unavailable`, `Conflict`, `Timeout`). */
  get retryable(): boolean {
    return RETRYABLE.has(this.reason)
  }
}
