import type { ResultAsync } from 'neverthrow'
import { errAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { Store, SyncRun } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'

/**
 * Runs `work` as a recorded sync run: creates the run (`pending`), marks it `running`, then `completed`
 * or `failed` with the error's message. Counts are added by the engine when `work` passes the run id on.
 * A failure to record the final status is returned as the error (the run stays `running`, visibly).
 *
 * @example
 * ```ts
 * await trackRun(store, 'acme', { step: 'zoho:registration' }, (runId) =>
 *   engine.syncStream({ tenant: 'acme', entity: 'registration', records, runId }))
 * ```
 */
export function trackRun<T, E extends Error>(
  store: Store,
  tenant: TenantId,
  run: { readonly step: string; readonly metadata?: Readonly<Record<string, unknown>> },
  work: (runId: string) => ResultAsync<T, E>,
): ResultAsync<{ readonly run: SyncRun; readonly value: T }, E | StoreError> {
  return store.createRun(tenant, run).andThen((created) =>
    store.updateRun(tenant, created.id, { status: 'running' }).andThen(() =>
      work(created.id)
        .orElse((error) =>
          store
            .updateRun(tenant, created.id, { status: 'failed', error: error.message })
            .andThen(() => errAsync<T, E | StoreError>(error)),
        )
        .andThen((value) =>
          store
            .updateRun(tenant, created.id, { status: 'completed' })
            .map((finished) => ({ run: finished, value })),
        ),
    ),
  )
}
