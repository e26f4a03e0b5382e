import type { Fingerprint } from '../fingerprint/fingerprint.ts'
import type { EntityName } from '../types/primitives.ts'

/**
 * A deleted record, kept: a sync never hard-deletes data. The row keeps the last data and fingerprint it
 * had when it was deleted, with when, by which source and why. Reads leave tombstones out unless asked
 * (`includeDeleted`); a record synced again with the same id lifts its tombstone (RESTORED).
 */
export interface Tombstone {
  readonly entity: EntityName
  readonly id: string
  /** The fingerprint of the last data. */
  readonly fingerprint: Fingerprint
  /** The record's last data before it was deleted. */
  readonly data: Readonly<Record<string, unknown>>
  readonly deletedAt: Date
  /** Who deleted it, e.g. `"zoho"`, `"moodle"`, `"full-pull"`, `"admin"`. */
  readonly source: string
  /** Why, in words a person can act on (e.g. `"Zoho delete notification"`). */
  readonly reason: string
}

/** One record to tombstone (see {@link Store.applyDeletes}). */
export interface DeleteWrite {
  readonly entity: EntityName
  readonly id: string
  readonly source: string
  readonly reason: string
}

/**
 * What {@link Store.applyDeletes} did to one requested record:
 * - `deleted`: it was live (or only parked) and is a tombstone now;
 * - `already_deleted`: it was a tombstone already (kept as it was: first deletion's time, source, reason);
 * - `missing`: the Store has no record and no parked record with this id; nothing was written.
 */
export type DeleteEffect = 'deleted' | 'already_deleted' | 'missing'

/** Options of {@link Store.readRecords}. */
export interface ReadRecordsOptions {
  /** Also return tombstones (their `deletedAt` is set). @default false */
  readonly includeDeleted?: boolean
}

/** Which live records of `entity` hold one of `ids` in `field` (see {@link Store.findReferencing}). */
export interface ReferenceQuery {
  readonly entity: EntityName
  readonly field: string
  readonly ids: readonly string[]
}

/** A live record that references another (answer of {@link Store.findReferencing}). */
export interface ReferencingRecord {
  readonly entity: EntityName
  readonly id: string
  readonly field: string
  /** The referenced id found in `field`. */
  readonly references: string
}

/** State of a quarantined deletion wave: waits for a person, then is approved (applied) or discarded. */
export type QuarantineStatus = 'pending' | 'approved' | 'discarded'

/** A deletion wave to hold for approval (see {@link Store.quarantineDeletes}). */
export interface QuarantineWrite {
  /** The entity the wave was asked for. */
  readonly entity: EntityName
  /** The ids that were asked to be deleted (cascades and orphans come from re-planning at approval). */
  readonly ids: readonly string[]
  /** Source and reason of the request, applied to the tombstones on approval. */
  readonly source: string
  readonly reason: string
  /** Why the guard held it, e.g. `"would delete 412 of 2000 live student records (limit 100)"`. */
  readonly guardReason: string
  /** Every tombstone the wave would write as planned when it was held (children and orphans included). */
  readonly planned: readonly DeleteWrite[]
}

/** A deletion wave the mass-deletion guard held back. */
export interface QuarantinedDeletion extends QuarantineWrite {
  /** Store-assigned id (a UUID) used to approve or discard it. */
  readonly id: string
  readonly status: QuarantineStatus
  readonly createdAt: Date
  /** When it was approved or discarded; `null` while pending. */
  readonly resolvedAt: Date | null
}

/** Options of {@link Store.applyDeletes}. */
export interface ApplyDeletesOptions {
  /**
   * A pending quarantine this write approves. It is marked `approved` in the same atomic write; when it is
   * not pending (approved or discarded already, perhaps concurrently) the call fails with `Invalid` and
   * writes nothing, so a wave is applied at most once.
   */
  readonly approveQuarantine?: string
}
