import type { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { RecordRef } from '../store/store.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import type { RecordOutcome } from './outcome.ts'
import type { SyncLogger } from './sync-engine.ts'

/** Why an extension refuses deleting one record: the rule and a message naming what holds it. */
export interface DeleteRefusal {
  /** The rule, reported as the INVALID outcome's issue rule (e.g. `has_open_invoices`). */
  readonly rule: string
  /** A message a person can act on: what references the record, and what to do first. */
  readonly message: string
}

/**
 * Records kept outside the engine's Store that depend on engine records, plugged into
 * `createSyncEngine({ extensions })` so that they take part in the engine's own mechanisms. The finance
 * module is one (`Finance.engineExtension` in `@edusync/core/finance`): its invoices wait for students, and
 * a student with open invoices must not be deleted.
 *
 * Guarantees the engine gives an extension:
 * - **Replay.** After every batch (and its own replays) the engine calls {@link SyncExtension.replayWaitingFor}
 *   with every record now present of an entity in {@link SyncExtension.waitsFor}; {@link SyncEngine.replayParked} (and so the parked-replay step, the
 *   jobs' replay job and the CLI) calls {@link SyncExtension.replayParked} too. The outcomes join the
 *   batch's `replayed`.
 * - **Deletes.** Before a delete is planned further, {@link SyncExtension.deleteRefusals} is asked about the
 *   requested ids of the entity (and of every entity a cascade reaches); a refused id is INVALID with the
 *   extension's rule and message, and nothing of its chain is deleted.
 */
export interface SyncExtension {
  /** Stable name, used in logs and error messages (e.g. `"finance"`). */
  readonly name: string
  /** The entities the extension keeps (its parked records are of these entities). */
  readonly entities: readonly string[]
  /**
   * The engine entities the extension's records reference (finance: `student`): only batches of these
   * entities are followed by {@link SyncExtension.replayWaitingFor}, so other batches cost nothing extra.
   */
  readonly waitsFor: readonly EntityName[]
  /**
   * Replays the extension's parked records waiting for any of `parents` (engine records just written or
   * replayed), returning their outcomes. Still-missing references stay parked.
   */
  replayWaitingFor(
    tenant: TenantId,
    parents: readonly RecordRef[],
    logger: SyncLogger,
  ): ResultAsync<readonly RecordOutcome[], StoreError>
  /** Replays every parked record of the extension whose references now exist. */
  replayParked(tenant: TenantId, logger: SyncLogger): ResultAsync<readonly RecordOutcome[], StoreError>
  /**
   * Which of `ids` (live records of `entity`) must not be deleted, and why; absent ids may be. Called once
   * per entity per delete call, whatever the number of ids.
   */
  deleteRefusals(
    tenant: TenantId,
    entity: EntityName,
    ids: readonly string[],
  ): ResultAsync<ReadonlyMap<string, DeleteRefusal>, StoreError>
}
