import type { OutcomeCounts, Store } from '@edusync/core'
import type { SyncCoalescer } from '@edusync/core/handlers'
import { okAsync } from 'neverthrow'

const ZERO: OutcomeCounts = {
  total: 0,
  new: 0,
  unchanged: 0,
  updated: 0,
  invalid: 0,
  deferred: 0,
  error: 0,
  deleted: 0,
  restored: 0,
}

/**
 * Wraps the sync path with the tenants' module switches: a delivery for a switched-off module is
 * acknowledged (the reply is a 2xx with nothing synced, so the sender does not retry), recorded as a
 * completed run `skipped:<entity>` whose metadata counts the skipped records, and never stored.
 */
export function withModuleSwitches(
  coalescer: SyncCoalescer,
  options: { readonly enabled: (tenant: string, entity: string) => boolean; readonly store: Store },
): SyncCoalescer {
  return {
    sync(tenant, entity, records, context = {}) {
      if (options.enabled(tenant, entity)) return coalescer.sync(tenant, entity, records, context)
      context.log?.info('module switched off: delivery skipped', { tenant, entity, skipped: records.length })
      const skipped = { entity, counts: ZERO, outcomes: [], replayed: [], replayedCounts: ZERO }
      // Recording is best effort: the acknowledgement must not turn into a retry because the log failed.
      return okAsync(skipped).andThrough(() =>
        options.store
          .createRun(tenant, {
            step: `skipped:${entity}`,
            metadata: { reason: 'module disabled', skipped: records.length },
          })
          .andThen((run) => options.store.updateRun(tenant, run.id, { status: 'completed' }))
          .orElse(() => okAsync(undefined)),
      )
    },
  }
}
