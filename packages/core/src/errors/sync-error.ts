import type { OutcomeCounts } from '../store/store.ts'
import type { StoreError } from './store-error.ts'

/**
 * Why a sync call failed as a whole (per-record problems are outcomes, not errors):
 * - `Store`: the Store failed; `cause` is the {@link StoreError}. Nothing of the failing batch was written,
 *   unless the message says `batch written, but ...`: then the batch's own records were written (they are in
 *   `completed`) and a later step failed (replaying parked records, recording run counts); syncing the same
 *   batch again is safe (its records come back UNCHANGED) and replays the parked records it unblocks.
 * - `Aborted`: the caller's AbortSignal fired, the record source threw, or a progress callback threw;
 *   batches before it were fully written, none after.
 * - `UnknownEntity`: the entity name is not declared in the engine.
 * - `Cycle`: the entity references form a cycle, so no order exists.
 * - `Quarantine`: a quarantined deletion wave to approve or discard is unknown, or not pending any more
 *   (it was approved or discarded already). Nothing was written.
 * - `Invalid`: the call's input was refused as a whole before any work: `records` is not an array, or
 *   holds more than the engine's `limits.maxRecords` (split it, or use `syncStream`). Retrying cannot help.
 */
export type SyncErrorReason = 'Store' | 'Aborted' | 'UnknownEntity' | 'Cycle' | 'Quarantine' | 'Invalid'

/** The error of every sync call. `completed` holds what was fully written before it failed. */
export class SyncError extends Error {
  override readonly name = 'SyncError'

  constructor(
    readonly reason: SyncErrorReason,
    message: string,
    options: { cause?: StoreError | unknown; completed?: OutcomeCounts } = {},
  ) {
    super(message, { cause: options.cause })
    this.completed = options.completed
  }

  /** Outcome counts of the batches fully written before the failure (streams and multi-entity syncs). */
  readonly completed: OutcomeCounts | undefined

  /** Whether retrying the same call may succeed (the Store was temporarily unavailable, or aborted). */
  get retryable(): boolean {
    if (this.reason === 'Aborted') return true
    if (this.reason !== 'Store') return false
    const cause = this.cause as { retryable?: boolean } | undefined
    return cause?.retryable === true
  }
}
