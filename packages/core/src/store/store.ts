import type { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { Fingerprint } from '../fingerprint/fingerprint.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import type { ClassEnrollmentsOptions, StudentEmailMatch } from './class-enrollments.ts'
import type {
  ApplyDeletesOptions,
  DeleteEffect,
  DeleteWrite,
  QuarantinedDeletion,
  QuarantineStatus,
  QuarantineWrite,
  ReadRecordsOptions,
  ReferenceQuery,
  ReferencingRecord,
  Tombstone,
} from './tombstones.ts'

/**
 * A canonical record as stored: its id, the fingerprint of its synced fields, and the canonical data.
 * `data` is the parsed record (JSON-compatible: strings, numbers, booleans, null, arrays, plain objects).
 */
export interface StoredRecord {
  readonly id: string
  readonly fingerprint: Fingerprint
  readonly data: Readonly<Record<string, unknown>>
  /** When the Store last wrote this record. */
  readonly updatedAt: Date
  /** Set only on tombstones, which only `readRecords(..., { includeDeleted: true })` returns. */
  readonly deletedAt?: Date
}

/** A record to insert or update. */
export interface RecordWrite {
  readonly id: string
  readonly fingerprint: Fingerprint
  readonly data: Readonly<Record<string, unknown>>
}

/** A reference that a parked record is waiting for: a record of `entity` with id `id`. */
export interface RecordRef {
  readonly entity: EntityName
  readonly id: string
}

/**
 * A record that arrived before a record it references (DEFERRED). It is kept, with the references it
 * waits for, until those exist; then the engine replays it. It never expires on its own.
 */
export interface ParkedRecord {
  readonly entity: EntityName
  readonly id: string
  readonly fingerprint: Fingerprint
  readonly data: Readonly<Record<string, unknown>>
  /** The missing references (at least one). */
  readonly waitingFor: readonly RecordRef[]
  /** When the record was first parked (kept when it is parked again). */
  readonly parkedAt: Date
  /** When it was last parked (a newer version of a parked record replaces the older one). */
  readonly updatedAt: Date
}

/** A record to park (see {@link ParkedRecord}). */
export interface ParkWrite {
  readonly id: string
  readonly fingerprint: Fingerprint
  readonly data: Readonly<Record<string, unknown>>
  readonly waitingFor: readonly RecordRef[]
}

/**
 * Everything one engine batch writes for one entity, applied atomically by {@link Store.applyBatch}.
 * Ids are unique within each list. The Store takes ownership of the `data` objects: it may keep them
 * without copying (the memory Store does), so a caller must not mutate them after the call.
 */
export interface BatchChanges {
  /**
   * Records to insert or update. A row whose stored fingerprint already equals the given one must not be
   * rewritten (reported `unchanged`); this is what makes two concurrent first syncs of one record end
   * with one NEW and one UNCHANGED.
   */
  readonly upserts: readonly RecordWrite[]
  /** Records to park (replacing a parked record of the same entity and id). */
  readonly park: readonly ParkWrite[]
  /** Ids of parked records of this entity to remove (they were written, or superseded). */
  readonly unpark: readonly string[]
}

/**
 * What {@link Store.applyBatch} actually did to each upserted id. `restored`: the id was a tombstone and
 * is live again with the written data (whatever its fingerprint), decided by the Store under its row
 * lock, so a write racing a delete reports what really happened.
 */
export type WriteEffect = 'inserted' | 'updated' | 'unchanged' | 'restored'

/** One cross-system identity: the record `entity`/`id` is `externalId` in `system`. */
export interface Link {
  readonly entity: EntityName
  readonly id: string
  /** The other system, e.g. `"zoho"`, `"moodle"`, `"quickbooks"`. */
  readonly system: string
  readonly externalId: string
}

/**
 * Result of {@link Store.claimIdempotencyKey}.
 *
 * The `token` of a claim is its fencing token: an opaque value, unique to this claim, that every later
 * step of the claim's life (`renew`, `complete`, `release`) must present. A holder that stalled past its
 * lease while another caller took the key over presents a token that is no longer current, and is told
 * `lost` instead of overwriting the new holder's claim.
 */
export type IdempotencyClaim =
  /** The caller now holds the key and must `complete` or `release` it, presenting `token`. */
  | { readonly status: 'claimed'; readonly token: string; readonly expiresAt: Date }
  /** The key was already completed with the same request fingerprint: replay this response. */
  | { readonly status: 'completed'; readonly response: StoredResponse }
  /**
   * Another caller holds the key and its lease has not expired (answer 409 / retry later). `expiresInMs`
   * is what is left of that lease, by the Store's clock (or the `now` given): the earliest moment a retry
   * can take the key over if the holder stops renewing it.
   */
  | { readonly status: 'in_progress'; readonly expiresInMs: number }
  /** The key was used with a different request (answer 409). */
  | { readonly status: 'mismatch' }

/** A claim as its holder names it: the key and the fencing token {@link Store.claimIdempotencyKey} gave. */
export interface IdempotencyHolder {
  readonly key: string
  readonly token: string
}

/**
 * What a holder's later step did: the step took effect, or the claim is `lost`, meaning the key is no
 * longer in progress under this token (another caller took it over after the lease expired, or it was
 * completed or released already) and **nothing was changed**.
 */
export type IdempotencyStep<Done extends string> = Done | 'lost'

/** A response stored with a completed idempotency key, replayed verbatim to duplicates. */
export interface StoredResponse {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** Arguments of {@link Store.claimIdempotencyKey}. */
export interface IdempotencyClaimRequest {
  /** The key, unique per tenant (namespace it, e.g. `"zoho:event:123"`). */
  readonly key: string
  /** Fingerprint of the request body: the same key with another fingerprint is a `mismatch`. */
  readonly requestFingerprint: string
  /**
   * How long the claim is held without a renewal ({@link Store.renewIdempotencyKey}) before another
   * caller may take it over (a crashed or stalled holder).
   */
  readonly leaseMs: number
  /** How long a completed key is remembered. */
  readonly ttlMs: number
  /**
   * The current time for lease and ttl arithmetic. Stores must use it when given (tests and hosts with
   * their own clock rely on it) and their own clock otherwise. @default new Date()
   */
  readonly now?: Date
}

/**
 * An event received from another system (e.g. the Moodle plugin's `user_created`), kept in the tenant's
 * inbox until a handler marks it handled. Unique per (tenant, source, eventId): a redelivery is ignored.
 */
export interface InboundEvent {
  /** The sending system, e.g. `"moodle"`. */
  readonly source: string
  /** The sender's event id (e.g. the plugin's UUID). */
  readonly eventId: string
  /** The event type, e.g. `"grade_updated"`. */
  readonly type: string
  /** The event body as received (JSON). */
  readonly payload: unknown
  readonly receivedAt: Date
  /** When a handler processed it; `null` while pending. */
  readonly handledAt: Date | null
}

/** An event to append to the inbox (see {@link InboundEvent}). */
export interface InboundEventWrite {
  readonly source: string
  readonly eventId: string
  readonly type: string
  readonly payload: unknown
}

/** Status of a sync run. `pending -> running -> completed | failed`. */
export type SyncRunStatus = 'pending' | 'running' | 'completed' | 'failed'

/** Per-outcome counts of a run or batch. */
export interface OutcomeCounts {
  readonly total: number
  readonly new: number
  readonly unchanged: number
  readonly updated: number
  readonly invalid: number
  readonly deferred: number
  readonly error: number
  /** Records tombstoned (deletes, cascades, orphaned parked records). */
  readonly deleted: number
  /** Tombstoned records that came back. */
  readonly restored: number
}

/** A recorded execution of one sync step (e.g. `"zoho:registration"`, `"monthly-accruals"`). */
export interface SyncRun {
  readonly id: string
  readonly step: string
  readonly status: SyncRunStatus
  readonly createdAt: Date
  readonly startedAt: Date | null
  readonly finishedAt: Date | null
  readonly counts: OutcomeCounts
  /** The failure's message when `status` is `failed`. */
  readonly error: string | null
  /** Free-form JSON the host attaches (parameters, date range, request id). */
  readonly metadata: Readonly<Record<string, unknown>>
}

/** Changes to a run; `addCounts` is added atomically to the stored counts (safe under concurrency). */
export interface SyncRunUpdate {
  readonly status?: SyncRunStatus
  readonly addCounts?: Partial<OutcomeCounts>
  readonly error?: string | null
  readonly metadata?: Readonly<Record<string, unknown>>
}

/** What a Store can do beyond the contract; the conformance suite reads it. */
export interface StoreCapabilities {
  /** Whether writers in several processes are serialised by the Store (Postgres: yes; memory: one process). */
  readonly multiProcess: boolean
}

/**
 * Persists canonical records and sync state for many tenants.
 *
 * The contract every implementation keeps (the conformance suite in `@edusync/core/testing` checks it):
 * - **Tenant-scoped.** Every method takes the tenant; nothing one tenant writes is visible to another.
 * - **Batch-first.** Every method takes or returns many records; the engine makes a bounded number of
 *   calls per batch whatever its size, never one per record.
 * - **Atomic writes.** {@link Store.applyBatch} writes all of a batch or nothing. A failed call returns a
 *   {@link StoreError} and leaves no trace.
 * - **Concurrency-safe.** Concurrent writers of the same ids end with one row per id; idempotency keys
 *   are claimed by exactly one caller and fenced (only the current holder of a claim can renew,
 *   complete or release it); run counts added concurrently are all kept.
 * - **No throws.** Failures are returned as `err(StoreError)`; a thrown error is a bug in the Store.
 * - **Same data everywhere.** Every Store refuses the same text: a NUL character or a lone surrogate in
 *   a write (what PostgreSQL cannot hold) fails the call with `Invalid` before anything is written
 *   (`unsafeTextInWrite`, `unsafeTextInEvent`). The engine never sends one: parsing makes such a record INVALID first.
 * - **Never loses data.** Nothing a sync does hard-deletes a record: a delete leaves a {@link Tombstone}
 *   with the last data. Reads of records leave tombstones out unless asked; see "deletes" below.
 *
 * Implementations: {@link createMemoryStore} (core), `createPgStore` (`@edusync/store-pg`).
 */
export interface Store {
  /** Stable id used in logs and conformance output, e.g. `"memory"`, `"pg"`. */
  readonly id: string
  /** What this Store can do. */
  readonly capabilities: StoreCapabilities

  // ---- records -------------------------------------------------------------------------------------

  /** Fingerprints of the given ids; ids with no stored record are absent from the map. */
  readFingerprints(
    tenant: TenantId,
    entity: EntityName,
    ids: readonly string[],
  ): ResultAsync<ReadonlyMap<string, Fingerprint>, StoreError>

  /**
   * Full stored records of the given ids; absent ids are absent from the map. Tombstones are absent too
   * unless `includeDeleted` (then they carry `deletedAt`). Every other record read (fingerprints,
   * existing ids, counts) sees live records only.
   */
  readRecords(
    tenant: TenantId,
    entity: EntityName,
    ids: readonly string[],
    options?: ReadRecordsOptions,
  ): ResultAsync<ReadonlyMap<string, StoredRecord>, StoreError>

  /**
   * Which of the given references exist as live stored records, in one call for all entities: returns,
   * per entity name asked about, the set of ids that exist.
   */
  existingIds(
    tenant: TenantId,
    refs: readonly { readonly entity: EntityName; readonly ids: readonly string[] }[],
  ): ResultAsync<ReadonlyMap<EntityName, ReadonlySet<string>>, StoreError>

  /**
   * Applies a batch atomically: upserts, parks and unparks all happen, or none do.
   * Returns the effect on each upserted id. An upsert of a tombstoned id lifts the tombstone
   * (`restored`), even when the fingerprint equals the tombstone's. A write with a malformed fingerprint
   * (not 64 lower-case hex), an empty id, or text no Store can hold (a NUL character or a lone surrogate in
   * its id, data or references) fails the whole call with reason `Invalid`.
   */
  applyBatch(
    tenant: TenantId,
    entity: EntityName,
    changes: BatchChanges,
  ): ResultAsync<ReadonlyMap<string, WriteEffect>, StoreError>

  /** Counts live stored records of an entity (diagnostics, tests, the mass-deletion guard). */
  countRecords(tenant: TenantId, entity: EntityName): ResultAsync<number, StoreError>

  // ---- parked (DEFERRED) records -----------------------------------------------------------------

  /** Parked records waiting for any of the given records of `entity`. */
  parkedWaitingFor(
    tenant: TenantId,
    entity: EntityName,
    ids: readonly string[],
  ): ResultAsync<readonly ParkedRecord[], StoreError>

  /** Lists parked records, oldest first, optionally of one entity. */
  listParked(
    tenant: TenantId,
    options?: { readonly entity?: EntityName; readonly limit?: number },
  ): ResultAsync<readonly ParkedRecord[], StoreError>

  /**
   * Deletes parked records parked before `olderThan` (the explicit expiry policy; nothing expires
   * otherwise). Returns how many were deleted.
   */
  purgeParked(
    tenant: TenantId,
    options: { readonly olderThan: Date; readonly entity?: EntityName },
  ): ResultAsync<number, StoreError>

  // ---- cross-system links ------------------------------------------------------------------------

  /**
   * Stores links, replacing the external id of an existing (entity, id, system) link. An external id
   * belongs to one record per (system, entity): linking it to another record moves it.
   */
  upsertLinks(tenant: TenantId, links: readonly Link[]): ResultAsync<void, StoreError>

  /** Links of the given records, per record id. */
  readLinks(
    tenant: TenantId,
    entity: EntityName,
    ids: readonly string[],
  ): ResultAsync<ReadonlyMap<string, readonly Link[]>, StoreError>

  /** Record ids of the given external ids of one system (external id -> record id). */
  findByExternalIds(
    tenant: TenantId,
    system: string,
    entity: EntityName,
    externalIds: readonly string[],
  ): ResultAsync<ReadonlyMap<string, string>, StoreError>

  // ---- idempotency -------------------------------------------------------------------------------

  /**
   * Atomically claims a key. Exactly one of several concurrent callers gets `claimed`, with a fresh
   * fencing token. A key whose lease (in progress) or ttl (completed) has expired is claimable again:
   * the new claim replaces the old one, whose token is from then on `lost`.
   */
  claimIdempotencyKey(
    tenant: TenantId,
    request: IdempotencyClaimRequest,
  ): ResultAsync<IdempotencyClaim, StoreError>

  /**
   * Extends a held claim's lease to `leaseMs` from now (a heartbeat while the work runs, so a live slow
   * holder is never taken over). Only the current holder succeeds; a claim whose lease ran out but that
   * nobody took over is still held and is renewed. `lost` changes nothing.
   */
  renewIdempotencyKey(
    tenant: TenantId,
    holder: IdempotencyHolder,
    options: { readonly leaseMs: number; readonly now?: Date },
  ): ResultAsync<IdempotencyStep<'renewed'>, StoreError>

  /**
   * Marks a held key completed with the response to replay (for the request's ttl); only after the work
   * succeeded. Only the current holder succeeds; a late holder gets `lost` and the new holder's claim
   * (or answer) is kept.
   */
  completeIdempotencyKey(
    tenant: TenantId,
    holder: IdempotencyHolder,
    response: StoredResponse,
    options?: { readonly now?: Date },
  ): ResultAsync<IdempotencyStep<'completed'>, StoreError>

  /**
   * Releases a held key after a failure, so a retry can claim it and run again at once. Only the current
   * holder succeeds; a late holder gets `lost` and cannot release the new holder's live claim.
   */
  releaseIdempotencyKey(
    tenant: TenantId,
    holder: IdempotencyHolder,
  ): ResultAsync<IdempotencyStep<'released'>, StoreError>

  // ---- inbound events ----------------------------------------------------------------------------

  /**
   * Appends events atomically; an event whose (source, eventId) is already in the inbox is left as it is
   * and reported as a duplicate. Returns the event ids that were new. An event holding a NUL character
   * or a lone surrogate anywhere fails the whole call with reason `Invalid`.
   */
  appendEvents(
    tenant: TenantId,
    events: readonly InboundEventWrite[],
  ): ResultAsync<{ readonly appended: readonly string[]; readonly duplicates: readonly string[] }, StoreError>

  /**
   * Events, oldest first, optionally filtered by source, type and handled state. `afterEventId` (with
   * `source`) continues a listing after that event of the source, whatever its state now, so a drain
   * pages forward without re-reading the events it has taken; an unknown `afterEventId`, or one without
   * `source`, fails with `Invalid`.
   */
  listEvents(
    tenant: TenantId,
    options?: {
      readonly source?: string
      readonly type?: string
      readonly handled?: boolean
      readonly limit?: number
      readonly afterEventId?: string
    },
  ): ResultAsync<readonly InboundEvent[], StoreError>

  /** Marks events of one source handled (already handled ones keep their time). Returns how many changed. */
  markEventsHandled(
    tenant: TenantId,
    source: string,
    eventIds: readonly string[],
  ): ResultAsync<number, StoreError>

  // ---- deletes and tombstones (issue 20) ---------------------------------------------------------
  // Kept as one section so parallel changes to the rest of the port merge cleanly. The engine's
  // `deleteBatch` plans deletes (reference policies, the mass-deletion guard) and calls these.

  /**
   * Tombstones records atomically, several entities in one call (a parent and its cascaded children):
   * all or nothing. Each (entity, id) appears at most once per call. Returns one effect per input, in input order (see {@link DeleteEffect}). A live
   * record keeps its data and fingerprint in the tombstone; an id that is only parked becomes a tombstone
   * of its parked data; parked versions of every deleted id are removed (a later replay must not bring
   * it back). Deleting a tombstone again changes nothing. Concurrent writes of the same record serialise
   * with it: a delete and an upsert of one id end as either "tombstone of the upserted data" (upsert
   * first) or "live with the upserted data, reported restored" (delete first), never both or neither.
   * An empty id, source or reason fails the call with `Invalid`.
   */
  applyDeletes(
    tenant: TenantId,
    deletes: readonly DeleteWrite[],
    options?: ApplyDeletesOptions,
  ): ResultAsync<readonly DeleteEffect[], StoreError>

  /** Tombstones of the given ids (live or absent ids are absent from the map). */
  readTombstones(
    tenant: TenantId,
    entity: EntityName,
    ids: readonly string[],
  ): ResultAsync<ReadonlyMap<string, Tombstone>, StoreError>

  /**
   * Tombstones oldest deletion first (ties by entity, then id), optionally of one entity and deleted at
   * or after `since`: the deletion feed an outbound pusher reads (keep the last `deletedAt` seen as the
   * next `since`; a tombstone later restored drops out of the feed).
   */
  listTombstones(
    tenant: TenantId,
    options?: { readonly entity?: EntityName; readonly since?: Date; readonly limit?: number },
  ): ResultAsync<readonly Tombstone[], StoreError>

  /**
   * Ids of live records of an entity in ascending code-unit order, a page at a time (`afterId` is the
   * last id of the previous page): what a complete pull is compared against to find deletion candidates.
   */
  listRecordIds(
    tenant: TenantId,
    entity: EntityName,
    options?: { readonly afterId?: string; readonly limit?: number },
  ): ResultAsync<readonly string[], StoreError>

  /**
   * Live records whose `field` holds one of the given ids, for several (entity, field) pairs in one call:
   * the children a delete of those parents would orphan.
   */
  findReferencing(
    tenant: TenantId,
    queries: readonly ReferenceQuery[],
  ): ResultAsync<readonly ReferencingRecord[], StoreError>

  /** Holds a deletion wave for approval; returns it `pending` with its new id. */
  quarantineDeletes(tenant: TenantId, wave: QuarantineWrite): ResultAsync<QuarantinedDeletion, StoreError>

  /** Quarantined waves, oldest first, optionally of one status. */
  listQuarantine(
    tenant: TenantId,
    options?: { readonly status?: QuarantineStatus; readonly limit?: number },
  ): ResultAsync<readonly QuarantinedDeletion[], StoreError>

  /** One quarantined wave, or `null` when it does not exist in this tenant. */
  getQuarantine(tenant: TenantId, id: string): ResultAsync<QuarantinedDeletion | null, StoreError>

  /**
   * Discards a pending wave (nothing is deleted). Fails with `Invalid` when it is unknown or not pending,
   * so exactly one of a concurrent approve and discard wins.
   */
  discardQuarantine(tenant: TenantId, id: string): ResultAsync<QuarantinedDeletion, StoreError>

  // ---- class rosters and people lookups (issue 10) ------------------------------------------------
  // Kept as one section so parallel changes to the rest of the port merge cleanly.

  /**
   * The live `enrollment` records whose `classId` is the given class, in ascending id order (code units),
   * a page at a time (`afterId` is the last id of the previous page; default page 1000). Tombstoned
   * enrollments and other tenants' records are never returned; an unknown class has none. What a flow
   * that activates a class reads to enrol the class's students.
   */
  listClassEnrollments(
    tenant: TenantId,
    classId: string,
    options?: ClassEnrollmentsOptions,
  ): ResultAsync<readonly StoredRecord[], StoreError>

  /**
   * Live students whose `email` or `academicEmail` equals one of the given addresses once both are
   * normalised (`normaliseEmail`: trimmed, ASCII letters lower-cased): one match per (address, student),
   * sorted by address then student id (code units). An address no student has matches nothing; a student
   * matching on both fields is listed once. Blank addresses are ignored.
   */
  findStudentsByEmail(
    tenant: TenantId,
    emails: readonly string[],
  ): ResultAsync<readonly StudentEmailMatch[], StoreError>

  // ---- sync runs ---------------------------------------------------------------------------------

  /** Records a new run in status `pending` with zero counts. */
  createRun(
    tenant: TenantId,
    run: { readonly step: string; readonly metadata?: Readonly<Record<string, unknown>> },
  ): ResultAsync<SyncRun, StoreError>

  /**
   * Updates a run: `running` sets `startedAt`, `completed`/`failed` set `finishedAt`; counts are added.
   * Fails with `Invalid` for an unknown run id (or one of another tenant).
   */
  updateRun(tenant: TenantId, runId: string, update: SyncRunUpdate): ResultAsync<SyncRun, StoreError>

  /** One run, or `null` when it does not exist in this tenant. */
  getRun(tenant: TenantId, runId: string): ResultAsync<SyncRun | null, StoreError>

  /** Runs, newest first, optionally filtered by step and status. */
  listRuns(
    tenant: TenantId,
    options?: { readonly step?: string; readonly status?: SyncRunStatus; readonly limit?: number },
  ): ResultAsync<readonly SyncRun[], StoreError>

  /**
   * Releases connections and handles; calling it again does nothing. Afterwards every method returns
   * `err(StoreError)` with reason `Unavailable` (never throws).
   */
  close(): Promise<void>
}
