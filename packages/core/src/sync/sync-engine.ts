import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import { allEntities } from '../entities/index.ts'
import type { StoreError } from '../errors/store-error.ts'
import { SyncError } from '../errors/sync-error.ts'
import type { InputLimits } from '../limits/input-limits.ts'
import { resolveLimits } from '../limits/input-limits.ts'
import { orderEntities } from '../order/dependency-orderer.ts'
import type { OutcomeCounts, RecordRef, Store } from '../store/store.ts'
import type { QuarantinedDeletion } from '../store/tombstones.ts'
import type { EntityDefinition } from '../types/entity.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import { groupRefs, toRefs } from '../util/group-refs.ts'
import type { AppliedBatch, BatchReads } from './apply-batch.ts'
import { applyPreparedBatch, readBatch } from './apply-batch.ts'
import type { DeleteBatchInput, DeleteContext, DeleteResult } from './delete-batch.ts'
import { approveDeletions, deleteRecords } from './delete-batch.ts'
import type { DeletePolicy } from './delete-policy.ts'
import { defaultDeletePolicies } from './delete-policy.ts'
import type { DeletionGuardConfig } from './deletion-guard.ts'
import type { FullPullInput, FullPullResult } from './full-pull.ts'
import { syncFullPull } from './full-pull.ts'
import type { RecordOutcome } from './outcome.ts'
import { addCounts, countOutcomes, emptyCounts } from './outcome.ts'
import type { PreparedBatch } from './prepare-batch.ts'
import { PREPARE_SLICE, prepareBatch, prepareBatchYielding } from './prepare-batch.ts'
import type { SyncExtension } from './sync-extension.ts'
import type { StreamResult, SyncStreamInput } from './sync-stream.ts'
import { syncStreamWith } from './sync-stream.ts'

/** Structured logger the engine writes to; a host passes one bound to its request id. */
export interface SyncLogger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
}

/** Options of {@link createSyncEngine}. */
export interface SyncEngineOptions {
  /** Where records and sync state live. */
  readonly store: Store
  /** Entity declarations the engine knows. @default the shipped canonical entities */
  readonly entities?: readonly EntityDefinition[]
  /** Default logger (each call may pass its own). @default no logging */
  readonly logger?: SyncLogger
  /**
   * How many rounds of parked-record replay one call may run (a parent unblocks a child, which unblocks
   * a grandchild, ...). @default 16
   */
  readonly maxReplayRounds?: number
  /**
   * What deleting a parent with live children does, per parent entity (merged over
   * {@link defaultDeletePolicies}; entities in neither refuse).
   */
  readonly deletePolicies?: Readonly<Record<EntityName, DeletePolicy>>
  /**
   * The mass-deletion guard: limits per tenant and entity, or `false` to switch it off (tests, one-off
   * migrations). @default 5% of live records, at most 100, at least 5 per entity per call
   */
  readonly deletionGuard?: DeletionGuardConfig | false
  /**
   * Bounds on input, checked before any work: `maxDepth` and `maxStringLength` per record (an offending
   * record is INVALID with rule `max_depth` / `max_length`), `maxRecords` per `syncBatch` call (a larger
   * call is refused whole with reason `Invalid`; `syncStream` has no total, it works in batches).
   * @default DEFAULT_INPUT_LIMITS
   */
  readonly limits?: Partial<InputLimits>
  /**
   * Records kept outside the Store that depend on engine records (e.g. `finance.engineExtension`): their
   * parked records replay with the engine's, and they may refuse deletes. See {@link SyncExtension}.
   * @default none
   */
  readonly extensions?: readonly SyncExtension[]
}

/** Input of {@link SyncEngine.syncBatch}. */
export interface SyncBatchInput {
  readonly tenant: TenantId
  readonly entity: EntityName
  /** Records in canonical shape (adapters map source records first); unknown keys are ignored. */
  readonly records: readonly unknown[]
  /** A sync run to add this batch's counts to. */
  readonly runId?: string
  readonly logger?: SyncLogger
}

/** Result of one batch. `counts.total === records.length` and the counts add up. */
export interface BatchResult {
  readonly entity: EntityName
  readonly counts: OutcomeCounts
  /** One outcome per input record, in input order. */
  readonly outcomes: readonly RecordOutcome[]
  /** Final outcomes of parked records this batch unblocked and replayed (any entity). */
  readonly replayed: readonly RecordOutcome[]
  /** Counts of {@link BatchResult.replayed}. */
  readonly replayedCounts: OutcomeCounts
}

/** Input of {@link SyncEngine.syncAll}: batches of several entities, run parents first. */
export interface SyncAllInput {
  readonly tenant: TenantId
  readonly batches: Readonly<Record<EntityName, readonly unknown[]>>
  readonly runId?: string
  readonly logger?: SyncLogger
}

/** Result of {@link SyncEngine.syncAll}. */
export interface SyncAllResult {
  /** The order the entities were synced in. */
  readonly order: readonly EntityName[]
  /** Per entity, its batch result. */
  readonly results: ReadonlyMap<EntityName, BatchResult>
  /** Counts over all entities, replays included. */
  readonly counts: OutcomeCounts
}

/** The sync engine: validates, fingerprints, decides and stores canonical records batch by batch. */
export interface SyncEngine {
  /** The entities this engine knows, by name. */
  readonly entities: ReadonlyMap<EntityName, EntityDefinition>
  /** The dependency order of all known entities (parents first). */
  readonly order: readonly EntityName[]
  /**
   * The entities other records can wait for: those an entity's `references` or an extension's `waitsFor`
   * name. Writing a record of any other entity never unblocks a parked record, so independent batches of
   * such entities may be written concurrently (the Moodle inbox writes two grade rounds at once).
   */
  readonly waitedFor: ReadonlySet<EntityName>
  /** The input limits this engine enforces (`maxRecords` bounds one `syncBatch` call). */
  readonly limits: InputLimits
  /**
   * Syncs one batch of one entity in one tenant: parse, fingerprint, then a bounded number of Store
   * calls and one atomic write. One bad record never affects the others; a Store failure fails the
   * whole batch with nothing written. Parked records unblocked by this batch are replayed before it
   * returns.
   */
  syncBatch(input: SyncBatchInput): ResultAsync<BatchResult, SyncError>
  /**
   * Syncs an (async) iterable in bounded batches with constant memory, keeping one batch's Store work in
   * flight while the next is parsed and fingerprinted.
   */
  syncStream(input: SyncStreamInput): ResultAsync<StreamResult, SyncError>
  /** Syncs batches of several entities in dependency order (see {@link orderEntities}). */
  syncAll(input: SyncAllInput): ResultAsync<SyncAllResult, SyncError>
  /**
   * Replays every parked record of a tenant (optionally of one entity) whose references now exist,
   * e.g. after parents were written by another path. Returns the replayed outcomes.
   */
  replayParked(
    tenant: TenantId,
    options?: { readonly entity?: EntityName },
  ): ResultAsync<readonly RecordOutcome[], SyncError>

  // ---- deletes (issue 20) ------------------------------------------------------------------------

  /**
   * Deletes records of one entity: each live one becomes a tombstone (DELETED), a tombstone stays one
   * (UNCHANGED), an unknown id is UNCHANGED (nothing to delete). Children follow the parent entity's
   * {@link DeletePolicy}; parked records waiting for a deleted record are tombstoned with it and
   * reported. A wave over the guard's limit is quarantined (QUARANTINED, nothing deleted) for
   * {@link SyncEngine.approveDeletions}. One atomic Store write; a bounded number of reads per round of
   * children, whatever the number of ids.
   */
  deleteBatch(input: DeleteBatchInput): ResultAsync<DeleteResult, SyncError>
  /**
   * Applies a quarantined wave: re-plans it against the data as it is now (policies, orphans) and
   * writes it without the guard, marking the wave approved in the same write. Fails with `Quarantine`
   * when it is unknown or not pending (approved or discarded already): a wave is applied at most once.
   */
  approveDeletions(tenant: TenantId, quarantineId: string): ResultAsync<DeleteResult, SyncError>
  /** Discards a quarantined wave: nothing is deleted. Fails with `Quarantine` when it is not pending. */
  discardDeletions(tenant: TenantId, quarantineId: string): ResultAsync<QuarantinedDeletion, SyncError>
  /**
   * Syncs a complete pull of one entity like {@link SyncEngine.syncStream}, then deletes (through
   * policies and the guard) the live records it did not contain. Only a pull that completed counts: a
   * failed page, an abort or a failed batch ends in an error with no deletion candidates at all. Never
   * use it for incremental ("modified since") pulls.
   */
  syncFullPull(input: FullPullInput): ResultAsync<FullPullResult, SyncError>
}

const silent: SyncLogger = { debug() {}, info() {}, warn() {} }

// The record a replayed outcome left present in the Store, if any.
const presentRef = (o: RecordOutcome): RecordRef[] =>
  o.status === 'NEW' || o.status === 'UPDATED' || o.status === 'UNCHANGED'
    ? [{ entity: o.entity, id: o.id }]
    : []

// The engine answers every input with a Result; a throw on the way in (a hostile input object whose
// getters throw) is the caller's input, refused whole.
const unexpected = (cause: unknown) => new SyncError('Invalid', 'the input could not be read', { cause })

/**
 * Creates a sync engine over a Store.
 *
 * @example
 * ```ts
 * const engine = createSyncEngine({ store: createMemoryStore() })
 * const result = await engine.syncBatch({ tenant: 'acme', entity: 'student', records })
 * if (result.isOk()) console.log(result.value.counts) // { total, new, unchanged, updated, invalid, deferred, error }
 * ```
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { store } = options
  const definitions = options.entities ?? allEntities
  const entities = new Map(definitions.map((d) => [d.name, d]))
  const order = orderEntities(definitions)
  if (order.isErr()) throw order.error
  const maxRounds = options.maxReplayRounds ?? 16
  const limits = resolveLimits(options.limits)
  const extensions = options.extensions ?? []

  const storeFailed = (error: StoreError, completed?: OutcomeCounts) =>
    new SyncError('Store', `store failed: ${error.message}`, { cause: error, completed })

  function resolve(name: EntityName): EntityDefinition | SyncError {
    return (
      entities.get(name) ??
      new SyncError('UnknownEntity', `unknown entity "${name}" (known: ${[...entities.keys()].join(', ')})`)
    )
  }

  // Replays parked records unblocked by newly written parents, round after round, until nothing moves.
  // `unblocked`: the parents, ids grouped by entity without repeats.
  function replay(
    tenant: TenantId,
    unblocked: ReadonlyMap<EntityName, readonly string[]>,
    logger: SyncLogger,
  ): ResultAsync<RecordOutcome[], StoreError> {
    const outcomes: RecordOutcome[] = []
    const round = (
      byEntity: ReadonlyMap<EntityName, readonly string[]>,
      n: number,
    ): ResultAsync<RecordOutcome[], StoreError> => {
      if (byEntity.size === 0 || n >= maxRounds) return okAsync(outcomes)
      return ResultAsync.combine(
        [...byEntity].map(([entity, ids]) => store.parkedWaitingFor(tenant, entity, ids)),
      ).andThen((lists) => {
        const children = new Map<EntityName, unknown[]>()
        const seen = new Set<string>()
        for (const parked of lists.flat()) {
          const key = `${parked.entity}\u0000${parked.id}`
          if (seen.has(key)) continue
          seen.add(key)
          const list = children.get(parked.entity) ?? []
          list.push({ ...parked.data, id: parked.id })
          children.set(parked.entity, list)
        }
        if (children.size === 0) return okAsync(outcomes)
        logger.debug('replaying parked records', {
          round: n + 1,
          entities: Object.fromEntries([...children].map(([e, l]) => [e, l.length])),
        })
        // Each entity is replayed once per round, and a batch's present ids are distinct.
        const next = new Map<EntityName, readonly string[]>()
        const names = (order.isOk() ? order.value : []).filter((e) => children.has(e))
        // Entities in dependency order, one after another, so a replayed parent is stored before its child.
        let chain: ResultAsync<void, StoreError> = okAsync(undefined)
        for (const name of names) {
          const definition = entities.get(name)
          if (!definition) continue
          chain = chain.andThen(() =>
            applyPreparedBatch(store, tenant, prepareBatch(definition, children.get(name) ?? [], 0, limits), {
              fromParked: true,
            }).map((applied) => {
              outcomes.push(...applied.outcomes)
              if (applied.present.length > 0) next.set(name, applied.present)
            }),
          )
        }
        return chain.andThen(() => round(next, n + 1))
      })
    }
    return round(unblocked, 0)
  }

  // The extensions' parked records waiting for any of `present` (only entities an extension waits for).
  function replayExtensions(
    tenant: TenantId,
    present: readonly RecordRef[],
    logger: SyncLogger,
  ): ResultAsync<RecordOutcome[], StoreError> {
    const outcomes: RecordOutcome[] = []
    let chain: ResultAsync<void, StoreError> = okAsync(undefined)
    for (const extension of extensions) {
      const parents = present.filter((p) => extension.waitsFor.includes(p.entity))
      if (parents.length === 0) continue
      chain = chain.andThen(() =>
        extension.replayWaitingFor(tenant, parents, logger).map((o) => {
          outcomes.push(...o)
        }),
      )
    }
    return chain.map(() => outcomes)
  }

  // Own replays first, then the extensions', over everything now present: the batch's parents and the
  // parked records that replayed into the Store.
  function replayAll(
    tenant: TenantId,
    parents: ReadonlyMap<EntityName, readonly string[]>,
    logger: SyncLogger,
  ): ResultAsync<RecordOutcome[], StoreError> {
    return replay(tenant, parents, logger).andThen((own) => {
      if (extensions.length === 0) return okAsync(own)
      const present = [...toRefs(parents), ...own.flatMap(presentRef)]
      return replayExtensions(tenant, present, logger).map((more) => [...own, ...more])
    })
  }

  function runPrepared(
    tenant: TenantId,
    prepared: PreparedBatch,
    runId: string | undefined,
    logger: SyncLogger,
    reads?: ResultAsync<BatchReads, StoreError>,
  ): ResultAsync<BatchResult, SyncError> {
    const entity = prepared.entity.name
    return applyPreparedBatch(store, tenant, prepared, {}, reads)
      .mapErr((e) => storeFailed(e))
      .andThen((applied: AppliedBatch) => {
        const counts = countOutcomes(applied.outcomes)
        // The batch is committed from here on: a later failure must say so, and carry its counts.
        const afterWrite = (step: string) => (e: StoreError) =>
          new SyncError('Store', `${entity} batch written, but ${step} failed: ${e.message}`, {
            cause: e,
            completed: counts,
          })
        // The batch's own present ids are distinct already; only parents that arrived meanwhile need grouping.
        const parents: ReadonlyMap<EntityName, readonly string[]> =
          applied.arrivedMeanwhile.length === 0
            ? new Map(applied.present.length === 0 ? [] : [[entity, applied.present]])
            : groupRefs([...applied.present.map((id) => ({ entity, id })), ...applied.arrivedMeanwhile])
        return replayAll(tenant, parents, logger)
          .mapErr(afterWrite('replaying parked records'))
          .andThen((replayed) => {
            const replayedCounts = countOutcomes(replayed)
            const result: BatchResult = {
              entity,
              counts,
              outcomes: applied.outcomes,
              replayed,
              replayedCounts,
            }
            logger.debug('batch synced', { tenant, entity, counts, replayed: replayedCounts })
            if (runId === undefined) return okAsync(result)
            const total = addCounts(addCounts(emptyCounts(), counts), replayedCounts)
            return store
              .updateRun(tenant, runId, { addCounts: total })
              .mapErr(afterWrite('recording the run counts'))
              .map(() => result)
          })
      })
  }

  const policies = { ...defaultDeletePolicies, ...options.deletePolicies }
  const deletes: DeleteContext = {
    store,
    definitions: entities,
    policyOf: (entity) => policies[entity] ?? 'refuse',
    guard: options.deletionGuard,
    extensions,
  }

  const waitedFor = new Set<EntityName>([
    ...definitions.flatMap((d) => Object.values(d.references)),
    ...extensions.flatMap((e) => e.waitsFor),
  ])

  const engine: SyncEngine = {
    entities,
    order: order.value,
    waitedFor,
    limits,

    syncBatch(input) {
      try {
        const definition = resolve(input.entity)
        if (definition instanceof SyncError) return errAsync(definition)
        const { records } = input
        if (!Array.isArray(records)) {
          return errAsync(new SyncError('Invalid', 'records must be an array of records'))
        }
        if (records.length > limits.maxRecords) {
          return errAsync(
            new SyncError(
              'Invalid',
              `${records.length} records exceed the limit of ${limits.maxRecords} per batch (split them, or use syncStream)`,
            ),
          )
        }
        const logger = input.logger ?? options.logger ?? silent
        // Small batches are prepared synchronously (no extra turn); large ones yield between slices.
        if (records.length <= PREPARE_SLICE) {
          return runPrepared(input.tenant, prepareBatch(definition, records, 0, limits), input.runId, logger)
        }
        return ResultAsync.fromSafePromise(prepareBatchYielding(definition, records, 0, limits)).andThen(
          (prepared) => runPrepared(input.tenant, prepared, input.runId, logger),
        )
      } catch (cause) {
        return errAsync(unexpected(cause))
      }
    },

    syncStream(input) {
      try {
        const definition = resolve(input.entity)
        if (definition instanceof SyncError) return errAsync(definition)
        const logger = input.logger ?? options.logger ?? silent
        return syncStreamWith(
          input,
          definition,
          limits,
          (prepared, reads) => runPrepared(input.tenant, prepared, input.runId, logger, reads),
          (prepared) => readBatch(store, input.tenant, prepared),
        )
      } catch (cause) {
        return errAsync(unexpected(cause))
      }
    },

    syncAll(input) {
      if (input.batches === null || typeof input.batches !== 'object') {
        return errAsync(new SyncError('Invalid', 'batches must be an object of entity name -> records'))
      }
      const names = Object.keys(input.batches)
      for (const name of names) {
        const definition = resolve(name)
        if (definition instanceof SyncError) return errAsync(definition)
      }
      const ordered = order.value.filter((name) => names.includes(name))
      const results = new Map<EntityName, BatchResult>()
      const total = emptyCounts()
      let chain: ResultAsync<void, SyncError> = okAsync(undefined)
      for (const name of ordered) {
        chain = chain.andThen(() =>
          engine
            .syncBatch({
              tenant: input.tenant,
              entity: name,
              records: input.batches[name] ?? [],
              runId: input.runId,
              logger: input.logger,
            })
            .map((result) => {
              results.set(name, result)
              addCounts(addCounts(total, result.counts), result.replayedCounts)
            })
            .mapErr(
              (e) =>
                new SyncError(e.reason, `${name}: ${e.message}`, {
                  cause: e.cause,
                  completed: e.completed ? addCounts({ ...total }, e.completed) : { ...total },
                }),
            ),
        )
      }
      return chain.map(() => ({ order: ordered, results, counts: total }))
    },

    replayParked(tenant, opts = {}) {
      const logger = options.logger ?? silent
      const parkedList = store.listParked(tenant, { entity: opts.entity, limit: 100_000 })
      return parkedList
        .andThen((parked) => {
          const refs = parked.flatMap((p) => p.waitingFor)
          return refs.length === 0
            ? okAsync([] as RecordOutcome[])
            : store
                .existingIds(
                  tenant,
                  [...groupRefs(refs)].map(([entity, ids]) => ({ entity, ids })),
                )
                .andThen((found) => replay(tenant, groupRefs(toRefs(found)), logger))
        })
        .andThen((own) => {
          // Each extension replays its own parked records too (unless another entity was asked for).
          let chain: ResultAsync<RecordOutcome[], StoreError> = okAsync(own)
          for (const extension of extensions) {
            if (opts.entity !== undefined && !extension.entities.includes(opts.entity)) continue
            chain = chain.andThen((acc) => extension.replayParked(tenant, logger).map((o) => [...acc, ...o]))
          }
          return chain
        })
        .mapErr((e) => storeFailed(e))
    },

    deleteBatch(input) {
      const definition = resolve(input.entity)
      if (definition instanceof SyncError) return errAsync(definition)
      for (const field of ['source', 'reason'] as const) {
        if (typeof input[field] !== 'string' || input[field].trim() === '') {
          throw new TypeError(
            `deleteBatch: "${field}" must be a non-empty string (it is kept on every tombstone)`,
          )
        }
      }
      return deleteRecords(deletes, input)
    },

    approveDeletions(tenant, quarantineId) {
      return approveDeletions(deletes, tenant, quarantineId)
    },

    discardDeletions(tenant, quarantineId) {
      return store
        .discardQuarantine(tenant, quarantineId)
        .mapErr((e) =>
          e.reason === 'Invalid' ? new SyncError('Quarantine', e.message, { cause: e }) : storeFailed(e),
        )
    },

    syncFullPull(input) {
      const definition = resolve(input.entity)
      if (definition instanceof SyncError) return errAsync(definition)
      return syncFullPull(deletes, (streamInput) => engine.syncStream(streamInput), input)
    },
  }
  return engine
}
