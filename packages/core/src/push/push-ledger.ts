import type { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'

/**
 * Where one record stands with one target system:
 * - `pending`: never pushed, or changed since its last successful push (the seed's "not synced").
 * - `in_progress`: a worker claimed it and is pushing it.
 * - `synced`: the target holds the version with fingerprint {@link PushEntry.pushedFingerprint}.
 * - `failed`: the last push failed; due again at {@link PushEntry.nextAttemptAt}, or parked as a dead
 *   letter (no next attempt) until {@link PushLedger.retry} replays it.
 */
export type PushStatus = 'pending' | 'in_progress' | 'synced' | 'failed'

/** Every {@link PushStatus}, in display order. */
export const pushStatuses: readonly PushStatus[] = ['pending', 'in_progress', 'synced', 'failed']

/** One record's push state towards one target. */
export interface PushEntry {
  readonly entity: EntityName
  readonly recordId: string
  readonly status: PushStatus
  /** Fingerprint of the record's current version (the one to push). */
  readonly fingerprint: string
  /** Fingerprint of the version last pushed successfully; `null` before the first success. */
  readonly pushedFingerprint: string | null
  /** The record's id in the target (e.g. the QuickBooks Customer Id), once known. */
  readonly targetId: string | null
  /** Failed attempts since the last success or change. */
  readonly attempts: number
  /** The last failure's message (redacted by the caller), kept after a later success for the record. */
  readonly lastError: string | null
  /** When a `failed` entry is due again; `null` for a dead letter or a non-failed entry. */
  readonly nextAttemptAt: Date | null
  /** The worker holding an `in_progress` entry. */
  readonly claimedBy: string | null
  /** When that worker's claim expires (then another worker may take it). */
  readonly leaseUntil: Date | null
  /** Who made the last successful push (a user or job name; the seed's `pushed_by`). */
  readonly pushedBy: string | null
  /** When the last successful push happened (the seed's `pushed_date`). */
  readonly pushedAt: Date | null
  readonly updatedAt: Date
}

/** A record's current version, for {@link PushLedger.track}. */
export interface TrackedRecord {
  readonly id: string
  readonly fingerprint: string
}

/** What {@link PushLedger.track} did. */
export interface TrackResult {
  /** Ids seen for the first time (now `pending`). */
  readonly added: readonly string[]
  /** Ids whose fingerprint differs from the one tracked (now `pending`, or still claimed). */
  readonly changed: readonly string[]
  /** Ids whose tracked fingerprint was already this one (left as they were). */
  readonly unchanged: readonly string[]
}

/** Arguments of {@link PushLedger.claim}. */
export interface PushClaimRequest {
  /** The claiming worker; a worker re-claims its own unexpired claims (resume after a crash). */
  readonly worker: string
  /** At most this many entries. */
  readonly limit: number
  /** How long the claim lasts before another worker may take the entry over. */
  readonly leaseMs: number
  /** Only among these record ids (e.g. the batch being pushed); all of the entity's when absent. */
  readonly ids?: readonly string[]
  /** The current time; the ledger's own clock when absent. */
  readonly now?: Date
}

/** The result of pushing one claimed entry, for {@link PushLedger.complete}. */
export type PushOutcome =
  | {
      readonly id: string
      readonly result: 'synced'
      /** The fingerprint of the version that was pushed. */
      readonly fingerprint: string
      readonly targetId: string
      readonly pushedBy?: string
    }
  | {
      readonly id: string
      readonly result: 'failed'
      readonly fingerprint: string
      readonly error: string
      /** When to try again; `null` parks the entry as a dead letter. */
      readonly retryAt: Date | null
      /** The target id when it became known before the failure (e.g. created, then an update failed). */
      readonly targetId?: string
    }

/** Counts per status of one entity. */
export type PushCounts = Readonly<Record<PushStatus, number>>

/** Arguments of {@link PushLedger.list}. */
export interface PushListOptions {
  readonly status?: PushStatus
  /** Only dead letters: `failed` entries with no next attempt (parked until {@link PushLedger.retry}). */
  readonly deadLetters?: boolean
  /** Keyset paging: entries whose record id sorts after this one. */
  readonly after?: string
  /** @default 100 */
  readonly limit?: number
}

/**
 * The outbound push ledger: per tenant, target system (`"quickbooks"`, `"moodle"`, ...), entity and
 * record, the fingerprint last pushed, a status, attempts, the last error, the next attempt and the
 * target's id. Target-agnostic: an adapter decides what "push" means; the ledger decides what is due.
 *
 * The contract every implementation keeps (`describePushLedgerConformance` in `@edusync/core/testing`
 * checks it):
 * - **Tenant- and target-scoped.** Every method takes both; nothing crosses them.
 * - **Only changes are due.** A record whose tracked fingerprint equals its pushed fingerprint is never
 *   claimed; a changed one is pending again with its attempts reset.
 * - **Exactly-once claims.** Of concurrent claimers, each entry goes to exactly one (Postgres:
 *   `FOR UPDATE SKIP LOCKED`, so workers never wait on each other). A claim expires after its lease;
 *   the same worker re-claims its own claims at once (a restarted process resumes).
 * - **Outcomes only from the claimer.** {@link PushLedger.complete} applies an outcome only while the
 *   worker still holds the entry's claim; a worker whose lease was taken over cannot overwrite the newer
 *   worker's state.
 * - **Batch-first, no throws.** Every method takes or returns many entries in one call; failures are
 *   `err(StoreError)`.
 *
 * Implementations: {@link createMemoryPushLedger} (core), `PgStore.pushLedger` (`@edusync/store-pg`).
 */
export interface PushLedger {
  /** Stable id used in logs and conformance output. */
  readonly id: string

  /**
   * Records the current fingerprint of each record: new ids become `pending`; an id whose fingerprint
   * changed becomes `pending` (attempts reset; a `synced` entry whose pushed fingerprint equals the new
   * one becomes `synced` again); an `in_progress` entry keeps its claim and takes the new fingerprint,
   * so the running push's outcome leaves it `pending`.
   */
  track(
    tenant: TenantId,
    target: string,
    entity: EntityName,
    records: readonly TrackedRecord[],
    options?: { readonly now?: Date },
  ): ResultAsync<TrackResult, StoreError>

  /**
   * Claims up to `limit` due entries, lowest record id first: `pending`, `failed` whose next attempt is
   * due, and `in_progress` whose lease expired or which `worker` already holds. They become
   * `in_progress`, held by `worker` until the lease ends.
   */
  claim(
    tenant: TenantId,
    target: string,
    entity: EntityName,
    request: PushClaimRequest,
  ): ResultAsync<readonly PushEntry[], StoreError>

  /**
   * Records the outcomes of entries `worker` holds. `synced` stores the pushed fingerprint and target id,
   * clears attempts and becomes `synced`, or `pending` when the record changed meanwhile; `failed`
   * counts an attempt and stores the error and next attempt. Returns the ids applied and the ids whose
   * claim `worker` no longer held (left untouched).
   */
  complete(
    tenant: TenantId,
    target: string,
    entity: EntityName,
    worker: string,
    outcomes: readonly PushOutcome[],
    options?: { readonly now?: Date },
  ): ResultAsync<{ readonly applied: readonly string[]; readonly lost: readonly string[] }, StoreError>

  /** Gives back claims without counting an attempt (a cancelled run): the entries are due again. */
  release(
    tenant: TenantId,
    target: string,
    entity: EntityName,
    worker: string,
    ids: readonly string[],
  ): ResultAsync<void, StoreError>

  /** Entries of the given records; untracked ids are absent. */
  read(
    tenant: TenantId,
    target: string,
    entity: EntityName,
    ids: readonly string[],
  ): ResultAsync<ReadonlyMap<string, PushEntry>, StoreError>

  /** Entries of one entity ordered by record id, optionally of one status, keyset-paged. */
  list(
    tenant: TenantId,
    target: string,
    entity: EntityName,
    options?: PushListOptions,
  ): ResultAsync<readonly PushEntry[], StoreError>

  /** Counts per status, per entity (every tracked entity of the target, or the ones asked for). */
  counts(
    tenant: TenantId,
    target: string,
    entities?: readonly EntityName[],
  ): ResultAsync<ReadonlyMap<EntityName, PushCounts>, StoreError>

  /**
   * Makes `failed` entries due now with attempts reset (replaying dead letters): the given ids, or every
   * failed entry of the entity. Returns how many changed.
   */
  retry(
    tenant: TenantId,
    target: string,
    entity: EntityName,
    ids?: readonly string[],
  ): ResultAsync<number, StoreError>

  /** Releases what the ledger owns; calling it again does nothing. */
  close?(): Promise<void>
}
