import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import { backfillLedger } from '../push/backfill.ts'
import type { PushLedger } from '../push/push-ledger.ts'
import type { PushTarget } from '../push/push-target.ts'
import type { RunPushOptions } from '../push/run-push.ts'
import { runPush } from '../push/run-push.ts'
import type { Store } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { Step } from './step.ts'
import { defineStep } from './step.ts'

/** Options of {@link pushStep}. */
export interface PushStepOptions {
  readonly store: Store
  readonly ledger: PushLedger
  readonly target: PushTarget
  /** This process's worker name in claims. */
  readonly worker: string
  /** Whether the target is on for a tenant (its module switch); a switched-off tenant is skipped. */
  readonly enabled?: (tenant: TenantId) => boolean
  /** Backoff, batch size, lease, clock: passed to {@link runPush}. */
  readonly push?: Pick<RunPushOptions, 'backoff' | 'batchSize' | 'leaseMs' | 'now' | 'random'>
}

/**
 * A step (`push:<target>`) that pushes what is due in the ledger to a target: for the CLI (`edusync sync
 * --only push:moodle-dashboard`) and pg-boss jobs (retries, backfills). Step options: `backfill: true`
 * first tracks every stored record of the target's entities (a target switched on for existing data);
 * `replay: true` first makes every failed entry and dead letter due again.
 */
export function pushStep(options: PushStepOptions): Step {
  const { store, ledger, target } = options
  return defineStep({
    name: `push:${target.name}`,
    description: `Push changed records to ${target.name} (ledger-driven, retries with backoff)`,
    kind: 'separate',
    options: {
      backfill: 'track every stored record of the target entities first (switching the target on)',
      replay: 'make every failed entry and dead letter due again first',
    },
    run: ({ tenant, options: stepOptions, signal, progress }) => {
      if (options.enabled && !options.enabled(tenant)) {
        return okAsync({ details: { skipped: `${target.name} is switched off for ${tenant}` } })
      }
      const entities = target.entities.map((e) => e.name)
      const backfill = stepOptions.backfill
        ? backfillLedger({ store, ledger, target: target.name, tenant, entities })
        : okAsync(0)
      return backfill
        .andThen((tracked) => {
          if (!stepOptions.replay) return okAsync({ tracked, replayed: 0 })
          return ResultAsync.combine(entities.map((entity) => ledger.retry(tenant, target.name, entity))).map(
            (counts) => ({ tracked, replayed: counts.reduce((a, b) => a + b, 0) }),
          )
        })
        .andThen(({ tracked, replayed }) =>
          runPush({ ...options.push, store, ledger, target, tenant, worker: options.worker, signal }).map(
            (report) => {
              const counts = Object.values(report.entities)
              const pushed = counts.reduce((n, c) => n + c.pushed, 0)
              progress({ done: pushed })
              const failed = counts.reduce((n, c) => n + c.retrying + c.deadLettered, 0)
              return { details: { ...report, tracked, replayed, pushed, failed } }
            },
          ),
        )
        .andThen((summary) =>
          summary.details.stoppedBy === undefined
            ? okAsync(summary)
            : errAsync(new Error(`${target.name} is unavailable: ${summary.details.stoppedBy}`)),
        )
    },
  })
}
