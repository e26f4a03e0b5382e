import type { EntityName, TenantId } from '../types/primitives.ts'

/**
 * Which push targets (ledger target names, e.g. `"moodle-dashboard"`) record changes of one tenant's
 * entity. Asked on every write, so it must be cheap and synchronous: a lookup in the tenant's module
 * switches, not a database call. An empty list records nothing (the target is off for that tenant).
 */
export type OutboxTargets = (tenant: TenantId, entity: EntityName) => readonly string[]

/**
 * The outbox option of a Store's write path: when set, every write that changes a record (`applyBatch`
 * effects `inserted`, `updated`, `restored`; `applyDeletes` effect `deleted`) is tracked in the Store's
 * push ledger for each target {@link PushOutbox.targets} names, **in the same transaction as the write**:
 * nothing is written without its push being recorded, and a failed write records nothing. Unchanged
 * records are not tracked (the ledger already holds their fingerprint).
 *
 * A deleted record is tracked with {@link deletedFingerprint} of its last fingerprint, so a pusher tells a
 * delete from an upsert by {@link isDeletedFingerprint}, and a record restored with the data last pushed
 * is `synced` again without a push.
 */
export interface PushOutbox {
  readonly targets: OutboxTargets
}

const DELETED = 'deleted:'

/** The ledger fingerprint of a tombstone whose last live fingerprint was `fingerprint`. */
export function deletedFingerprint(fingerprint: string): string {
  return `${DELETED}${fingerprint}`
}

/** Whether a ledger fingerprint stands for a delete (see {@link deletedFingerprint}). */
export function isDeletedFingerprint(fingerprint: string): boolean {
  return fingerprint.startsWith(DELETED)
}
