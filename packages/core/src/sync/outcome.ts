import type { ParseIssue } from '../errors/parse-error.ts'
import type { OutcomeCounts, RecordRef } from '../store/store.ts'
import type { EntityName } from '../types/primitives.ts'

/** The per-record sync outcomes: the six of a sync, plus DELETED and RESTORED. */
export type SyncStatus =
  | 'NEW'
  | 'UNCHANGED'
  | 'UPDATED'
  | 'INVALID'
  | 'ERROR'
  | 'DEFERRED'
  | 'DELETED'
  | 'RESTORED'

interface OutcomeBase {
  /** Position of the record in the input batch (for replayed parked records: in the replay). */
  readonly index: number
  /** The entity the record belongs to. */
  readonly entity: EntityName
}

/** What happened to one input record. */
export type RecordOutcome =
  /** Stored for the first time. */
  | (OutcomeBase & { readonly status: 'NEW'; readonly id: string })
  /** Every synced field equals the stored record: nothing was written. */
  | (OutcomeBase & { readonly status: 'UNCHANGED'; readonly id: string })
  /** Stored; `changedFields` names every synced field whose value changed (all were written). */
  | (OutcomeBase & {
      readonly status: 'UPDATED'
      readonly id: string
      readonly changedFields: readonly string[]
    })
  /** Rejected: the record does not satisfy the canonical schema. Nothing was written for it. */
  | (OutcomeBase & {
      readonly status: 'INVALID'
      readonly id: string | undefined
      readonly issues: readonly ParseIssue[]
      readonly message: string
    })
  /** Failed for a reason other than its content; nothing was written for it and it may be retried. */
  | (OutcomeBase & { readonly status: 'ERROR'; readonly id: string | undefined; readonly reason: string })
  /** Parked until the records it references exist; replayed automatically when they arrive. */
  | (OutcomeBase & {
      readonly status: 'DEFERRED'
      readonly id: string
      readonly waitingFor: readonly RecordRef[]
    })
  /**
   * Tombstoned now (its last data is kept; see `Store.readTombstones`). Deleting a tombstone again is
   * UNCHANGED. `cascadedFrom` names the parent whose deletion took it along (policy `cascade`, or a parked
   * record that waited for it).
   */
  | (OutcomeBase & {
      readonly status: 'DELETED'
      readonly id: string
      readonly source: string
      readonly reason: string
      readonly cascadedFrom?: RecordRef
    })
  /** Was a tombstone and is live again with this record's data (all fields written). */
  | (OutcomeBase & { readonly status: 'RESTORED'; readonly id: string })

/** Counts with every outcome at zero. */
export const emptyCounts = (): MutableCounts => ({
  total: 0,
  new: 0,
  unchanged: 0,
  updated: 0,
  invalid: 0,
  deferred: 0,
  error: 0,
  deleted: 0,
  restored: 0,
})

const COUNT_KEY = {
  NEW: 'new',
  UNCHANGED: 'unchanged',
  UPDATED: 'updated',
  INVALID: 'invalid',
  DEFERRED: 'deferred',
  ERROR: 'error',
  DELETED: 'deleted',
  RESTORED: 'restored',
} as const satisfies Record<SyncStatus, keyof OutcomeCounts>

/** Tallies outcomes; `total` always equals the sum of the other counts. */
export function countOutcomes(outcomes: readonly RecordOutcome[]): OutcomeCounts {
  const counts = emptyCounts()
  for (const outcome of outcomes) {
    counts[COUNT_KEY[outcome.status]]++
    counts.total++
  }
  return counts
}

/** Mutable outcome counts (for tallying). */
export type MutableCounts = { -readonly [K in keyof OutcomeCounts]: OutcomeCounts[K] }

/** Adds `b` into `a` (in place) and returns `a`; a count missing from `b` (a step's summary) adds nothing. */
export function addCounts(a: MutableCounts, b: Partial<OutcomeCounts>): MutableCounts {
  for (const key of Object.keys(a) as (keyof OutcomeCounts)[]) a[key] += b[key] ?? 0
  return a
}
