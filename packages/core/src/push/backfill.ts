import { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { Store } from '../store/store.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import type { PushLedger } from './push-ledger.ts'

/**
 * Tracks every live record of the given entities in the ledger (a target switched on for a school that
 * already has data, or a ledger rebuilt): records whose fingerprint the ledger already holds are left as
 * they are, the rest become pending. A page of ids, one fingerprint read and one `track` per page.
 * Returns how many entries were added or changed.
 */
export function backfillLedger(options: {
  readonly store: Store
  readonly ledger: PushLedger
  readonly target: string
  readonly tenant: TenantId
  readonly entities: readonly EntityName[]
  /** @default 1000 */
  readonly pageSize?: number
}): ResultAsync<number, StoreError> {
  const { store, ledger, target, tenant } = options
  const pageSize = options.pageSize ?? 1000
  const run = async () => {
    let touched = 0
    for (const entity of options.entities) {
      let afterId: string | undefined
      for (;;) {
        const page = await store.listRecordIds(tenant, entity, {
          limit: pageSize,
          ...(afterId === undefined ? {} : { afterId }),
        })
        if (page.isErr()) throw page.error
        if (page.value.length === 0) break
        const fps = await store.readFingerprints(tenant, entity, page.value)
        if (fps.isErr()) throw fps.error
        const records = [...fps.value].map(([id, fingerprint]) => ({ id, fingerprint }))
        const tracked = await ledger.track(tenant, target, entity, records)
        if (tracked.isErr()) throw tracked.error
        touched += tracked.value.added.length + tracked.value.changed.length
        afterId = page.value[page.value.length - 1]
        if (page.value.length < pageSize) break
      }
    }
    return touched
  }
  return ResultAsync.fromPromise(run(), (error) => error as StoreError)
}
