import type { ResultAsync } from 'neverthrow'
import { err, ok, okAsync, safeTry } from 'neverthrow'
import { SyncError } from '../errors/sync-error.ts'
import { escapeUnsafeText, findUnsafeText, unsafeTextMessage } from '../parse/text-safety.ts'
import type { OutcomeCounts, RecordRef, Store } from '../store/store.ts'
import type { DeleteWrite, QuarantinedDeletion } from '../store/tombstones.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import { groupRefs } from '../util/group-refs.ts'
import type { PlanContext, PlannedDelete } from './delete-plan.ts'
import { planDeletes } from './delete-plan.ts'
import type { DeletionGuardConfig } from './deletion-guard.ts'
import { allowedDeletions, guardLimits } from './deletion-guard.ts'
import type { RecordOutcome } from './outcome.ts'
import { emptyCounts } from './outcome.ts'

/** Input of `SyncEngine.deleteBatch`. */
export interface DeleteBatchInput {
  readonly tenant: TenantId
  readonly entity: EntityName
  /** Ids of the records to delete (strings; a safe-integer number is accepted as its decimal string). */
  readonly ids: readonly unknown[]
  /**
   * Who asks, kept on every tombstone, e.g. `"zoho"`, `"moodle"`, `"admin"`. Must be non-empty: an
   * empty one is a programmer error (`deleteBatch` throws a TypeError).
   */
  readonly source: string
  /** Why, kept on every tombstone, e.g. `"Zoho delete notification"`. Must be non-empty, like `source`. */
  readonly reason: string
  /** A sync run to add the deletions to. */
  readonly runId?: string
}

/** A requested id held back by the mass-deletion guard. */
export interface QuarantinedOutcome {
  readonly status: 'QUARANTINED'
  readonly index: number
  readonly entity: EntityName
  readonly id: string
  /** The wave to approve or discard (`SyncEngine.approveDeletions` / `discardDeletions`). */
  readonly quarantineId: string
  readonly reason: string
}

/** What happened to one requested id. */
export type DeleteOutcome =
  | Extract<RecordOutcome, { readonly status: 'DELETED' | 'UNCHANGED' | 'INVALID' }>
  | QuarantinedOutcome

/** Counts of a delete call's requested ids; `total` is their sum. */
export interface DeleteCounts {
  readonly total: number
  readonly deleted: number
  readonly unchanged: number
  readonly invalid: number
  readonly quarantined: number
}

/** A parked record that waited for a deleted record: it is tombstoned too (or, when live, unparked). */
export interface OrphanedParked {
  readonly entity: EntityName
  readonly id: string
  readonly waitingFor: readonly RecordRef[]
}

/** Result of a delete call. */
export interface DeleteResult {
  readonly entity: EntityName
  readonly counts: DeleteCounts
  /** One outcome per requested id, in input order. */
  readonly outcomes: readonly DeleteOutcome[]
  /** DELETED outcomes of records taken along: cascaded children and orphaned parked records. */
  readonly cascaded: readonly RecordOutcome[]
  /** Parked records that waited for a deleted record (reported here, not kept parked forever). */
  readonly orphanedParked: readonly OrphanedParked[]
  /** The wave the guard held back instead of applying, or `null`. */
  readonly quarantine: QuarantinedDeletion | null
}

/** @internal What the delete path needs from the engine. */
export interface DeleteContext extends PlanContext {
  readonly guard: DeletionGuardConfig | false | undefined
}

/**
 * Deletes requested ids through planning (policies, orphans), the guard and one atomic Store write.
 * `approve` applies a quarantined wave: no guard, and the Store marks the wave approved in the same write.
 */
export function deleteRecords(
  ctx: DeleteContext,
  input: DeleteBatchInput,
  approve?: string,
): ResultAsync<DeleteResult, SyncError> {
  const { store } = ctx
  const { tenant, entity } = input
  const storeFailed = (e: { message: string }) =>
    new SyncError('Store', `deleting ${entity} records failed: ${e.message}`, { cause: e })
  return safeTry(async function* () {
    const outcomes: (DeleteOutcome | undefined)[] = new Array(input.ids.length).fill(undefined)
    const ids: string[] = []
    const firstIndex = new Map<string, number>()
    for (const [index, raw] of input.ids.entries()) {
      const id = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw
      if (typeof id !== 'string' || id.trim() === '') {
        outcomes[index] = invalid(
          entity,
          index,
          undefined,
          'invalid_id',
          'a record id must be a non-empty string',
          raw,
        )
        continue
      }
      const [unsafe] = findUnsafeText(id, 1)
      if (unsafe) {
        // No Store can hold such an id, so no record has it; refusing it keeps the rest of the call going.
        const message = `id: ${unsafeTextMessage(unsafe)}`
        outcomes[index] = invalid(entity, index, undefined, unsafe.rule, message, escapeUnsafeText(id))
        continue
      }
      const seen = firstIndex.get(id)
      if (seen !== undefined) {
        outcomes[index] = invalid(
          entity,
          index,
          id,
          'duplicate_in_batch',
          `duplicate id ${JSON.stringify(id)} in one delete: already requested at index ${seen}`,
          id,
        )
        continue
      }
      firstIndex.set(id, index)
      ids.push(id)
    }
    const plan = yield* planDeletes(ctx, tenant, {
      entity,
      ids,
      source: input.source,
      reason: input.reason,
    }).mapErr(storeFailed)
    for (const [id, refusal] of plan.refused) {
      const index = firstIndex.get(id) ?? 0
      outcomes[index] = invalid(entity, index, id, refusal.rule, refusal.message, id)
    }

    if (approve === undefined && ctx.guard !== false) {
      const over = yield* overLimit(store, ctx.guard, tenant, plan.writes).mapErr(storeFailed)
      if (over !== undefined) {
        const wave = yield* store
          .quarantineDeletes(tenant, {
            entity,
            ids: plan.writes.filter((w) => w.entity === entity && w.root === w.id).map((w) => w.id),
            source: input.source,
            reason: input.reason,
            guardReason: over,
            planned: plan.writes.map(toWrite),
          })
          .mapErr(storeFailed)
        for (const write of plan.writes) {
          const index = write.entity === entity ? firstIndex.get(write.id) : undefined
          if (index === undefined || write.root !== write.id) continue
          outcomes[index] = {
            status: 'QUARANTINED',
            index,
            entity,
            id: write.id,
            quarantineId: wave.id,
            reason: over,
          }
        }
        return ok(result(entity, outcomes, [], [], wave))
      }
    }

    const writes = plan.writes.map(toWrite)
    const effects =
      writes.length === 0 && approve === undefined
        ? []
        : yield* store
            .applyDeletes(tenant, writes, approve === undefined ? {} : { approveQuarantine: approve })
            .mapErr((e) =>
              e.reason === 'Invalid' && approve !== undefined
                ? new SyncError('Quarantine', e.message, { cause: e })
                : storeFailed(e),
            )
    // Parked versions of live records that waited for a deleted parent: unparked after the tombstones
    // are written (a retry redoes it; removing a parked version twice is harmless).
    for (const [e, unparkIds] of groupRefs(plan.unparkOnly)) {
      yield* store.applyBatch(tenant, e, { upserts: [], park: [], unpark: unparkIds }).mapErr(storeFailed)
    }

    const cascaded: RecordOutcome[] = []
    const orphaned: OrphanedParked[] = []
    for (const [n, write] of plan.writes.entries()) {
      const effect = effects[n]
      const requested = write.entity === entity && write.root === write.id
      const index = requested ? (firstIndex.get(write.id) ?? 0) : cascaded.length
      const outcome: DeleteOutcome =
        effect === 'deleted'
          ? {
              status: 'DELETED',
              index,
              entity: write.entity,
              id: write.id,
              source: write.source,
              reason: write.reason,
              ...(write.cascadedFrom ? { cascadedFrom: write.cascadedFrom } : {}),
            }
          : { status: 'UNCHANGED', index, entity: write.entity, id: write.id }
      if (requested) outcomes[index] = outcome
      else if (outcome.status === 'DELETED') cascaded.push(outcome)
      if (write.waitingFor)
        orphaned.push({ entity: write.entity, id: write.id, waitingFor: write.waitingFor })
    }
    for (const ref of plan.unparkOnly) {
      orphaned.push({ entity: ref.entity, id: ref.id, waitingFor: [] })
    }
    const done = result(entity, outcomes, cascaded, orphaned, null)
    if (input.runId !== undefined) {
      yield* store
        .updateRun(tenant, input.runId, { addCounts: runCounts(done) })
        .mapErr(
          (e) =>
            new SyncError(
              'Store',
              `${entity} deletes written, but recording the run counts failed: ${e.message}`,
              { cause: e },
            ),
        )
    }
    return ok(done)
  })
}

/** Approves a quarantined wave: re-plans it against the current data and applies it, without the guard. */
export function approveDeletions(
  ctx: DeleteContext,
  tenant: TenantId,
  quarantineId: string,
): ResultAsync<DeleteResult, SyncError> {
  return ctx.store
    .getQuarantine(tenant, quarantineId)
    .mapErr(
      (e) =>
        new SyncError('Store', `reading quarantined deletion ${quarantineId} failed: ${e.message}`, {
          cause: e,
        }),
    )
    .andThen((wave) => {
      if (wave?.status !== 'pending') {
        return err(
          new SyncError(
            'Quarantine',
            `quarantined deletion ${quarantineId} is ${wave ? wave.status : 'unknown'}, not pending`,
          ),
        )
      }
      return ok(wave)
    })
    .andThen((wave) =>
      deleteRecords(
        ctx,
        { tenant, entity: wave.entity, ids: wave.ids, source: wave.source, reason: wave.reason },
        wave.id,
      ),
    )
}

// The first entity whose planned deletions of live records exceed its limit, described; else undefined.
function overLimit(
  store: Store,
  guard: DeletionGuardConfig | undefined,
  tenant: TenantId,
  writes: readonly PlannedDelete[],
): ResultAsync<string | undefined, { message: string }> {
  const perEntity = new Map<EntityName, number>()
  for (const w of writes) if (w.live) perEntity.set(w.entity, (perEntity.get(w.entity) ?? 0) + 1)
  const entities = [...perEntity.keys()]
  if (entities.length === 0) return okAsync(undefined)
  return safeTry(async function* () {
    for (const e of entities) {
      const planned = perEntity.get(e) ?? 0
      const limits = guardLimits(guard, tenant, e)
      // Cheap first: a wave within the floor never needs the count.
      if (planned <= Math.min(limits.minAllowed, limits.maxCount)) continue
      const live = yield* store.countRecords(tenant, e)
      const allowed = allowedDeletions(limits, live)
      if (planned > allowed) {
        return ok(
          `would delete ${planned} of ${live} live ${e} records in one run (limit ${allowed}: ${Math.round(limits.maxShare * 100)}% of live records, at most ${limits.maxCount}, at least ${limits.minAllowed})`,
        )
      }
    }
    return ok(undefined)
  })
}

function invalid(
  entity: EntityName,
  index: number,
  id: string | undefined,
  rule: string,
  message: string,
  received: unknown,
): DeleteOutcome {
  return { status: 'INVALID', entity, index, id, issues: [{ path: 'id', rule, message, received }], message }
}

// The Store's part of a planned delete (the plan's bookkeeping stays out of the quarantine and the write).
const toWrite = ({ entity, id, source, reason }: PlannedDelete): DeleteWrite => ({
  entity,
  id,
  source,
  reason,
})

const COUNT_KEY = {
  DELETED: 'deleted',
  UNCHANGED: 'unchanged',
  INVALID: 'invalid',
  QUARANTINED: 'quarantined',
} as const satisfies Record<DeleteOutcome['status'], keyof DeleteCounts>

function result(
  entity: EntityName,
  outcomes: readonly (DeleteOutcome | undefined)[],
  cascaded: RecordOutcome[],
  orphanedParked: OrphanedParked[],
  quarantine: QuarantinedDeletion | null,
): DeleteResult {
  // Every slot is filled by then (INVALID, refused, QUARANTINED or the write's effect); the fallback only
  // keeps the type total.
  const list = outcomes.map((o, index): DeleteOutcome => o ?? { status: 'UNCHANGED', index, entity, id: '' })
  const counts = { total: list.length, deleted: 0, unchanged: 0, invalid: 0, quarantined: 0 }
  for (const o of list) counts[COUNT_KEY[o.status]]++
  return { entity, counts, outcomes: list, cascaded, orphanedParked, quarantine }
}

function runCounts(done: DeleteResult): OutcomeCounts {
  const counts = emptyCounts()
  counts.deleted = done.counts.deleted + done.cascaded.length
  counts.unchanged = done.counts.unchanged
  counts.invalid = done.counts.invalid
  counts.total = counts.deleted + counts.unchanged + counts.invalid
  return counts
}
