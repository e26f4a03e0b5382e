/** Test set-up shared by the engine tests: an engine over a Store that already holds the parent pool. */
import type { BatchResult, OutcomeCounts, Store, StoredRecord, SyncEngine } from '../index.ts'
import { createMemoryStore, createSyncEngine } from '../index.ts'
import { parentBatches } from './samples.ts'

/** The tenant the tests write to. */
export const TENANT = 'acme-academy'

/** A Store + engine with every record of `parentBatches()` stored in {@link TENANT}. */
export async function seededEngine(store: Store = createMemoryStore()) {
  const engine = createSyncEngine({ store })
  const seeded = await engine.syncAll({ tenant: TENANT, batches: parentBatches() })
  if (seeded.isErr()) throw seeded.error
  if (seeded.value.counts.new !== seeded.value.counts.total) {
    throw new Error(`parent pool did not seed cleanly: ${JSON.stringify(seeded.value.counts)}`)
  }
  return { store, engine }
}

/** Syncs one batch and returns its result, failing the test on a SyncError. */
export async function sync(
  engine: SyncEngine,
  entity: string,
  records: readonly unknown[],
  tenant = TENANT,
): Promise<BatchResult> {
  const result = await engine.syncBatch({ tenant, entity, records })
  if (result.isErr()) throw result.error
  return result.value
}

/** The stored record of `id`, or undefined. */
export async function stored(
  store: Store,
  entity: string,
  id: string,
  tenant = TENANT,
): Promise<StoredRecord | undefined> {
  const result = await store.readRecords(tenant, entity, [id])
  if (result.isErr()) throw result.error
  return result.value.get(id)
}

/** Statuses of outcomes, in order. */
export const statuses = (outcomes: readonly { readonly status: string }[]) => outcomes.map((o) => o.status)

/** Whether counts add up: total equals the sum of the other outcome counts. */
export function addsUp(counts: OutcomeCounts): boolean {
  return (
    counts.total ===
    counts.new +
      counts.unchanged +
      counts.updated +
      counts.invalid +
      counts.deferred +
      counts.error +
      counts.deleted +
      counts.restored
  )
}
