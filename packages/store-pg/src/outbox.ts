import type { EntityName, PushOutbox, TenantId } from '@edusync/core'
import type { SqlSession } from './executor/executor.ts'
import type { pushLedgerSql } from './sql/push-ledger-sql.ts'

/**
 * @internal The write path's half of {@link PushOutbox}: tracks changed records in `push_ledger` inside
 * the caller's transaction, so a write and its push record commit (or roll back) together.
 */
export interface OutboxWriter {
  /** The targets that record changes of this tenant's entity (empty: nothing to do, no transaction needed). */
  targets(tenant: TenantId, entity: EntityName): readonly string[]
  /** Tracks `records` for each of `targets`, on `tx` (one statement per target). */
  track(
    tx: SqlSession,
    tenant: TenantId,
    entity: EntityName,
    targets: readonly string[],
    records: readonly { readonly id: string; readonly fingerprint: string }[],
  ): Promise<void>
  /** The fingerprints of tombstoned rows, to track deletes with (`records` table, one statement). */
  readonly tombstoneFingerprints: string
}

/** @internal Builds the {@link OutboxWriter} of one schema; `undefined` when no outbox is configured. */
export function createOutboxWriter(
  s: string,
  outbox: PushOutbox | undefined,
  ledger: ReturnType<typeof pushLedgerSql>,
): OutboxWriter | undefined {
  if (!outbox) return undefined
  return {
    targets: (tenant, entity) => outbox.targets(tenant, entity),
    async track(tx, tenant, entity, targets, records) {
      if (records.length === 0) return
      const latest = new Map(records.map((r) => [r.id, r.fingerprint]))
      for (const target of new Set(targets)) {
        await tx.query(ledger.track, [tenant, target, entity, [...latest.keys()], [...latest.values()], null])
      }
    },
    tombstoneFingerprints: `SELECT r.id, r.fingerprint FROM ${s}.records r
      WHERE r.tenant = $1 AND r.entity = $2 AND r.id = ANY($3::text[]) AND r.deleted_at IS NOT NULL`,
  }
}
