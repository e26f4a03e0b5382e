import type { PushLedger, Store, TenantId } from '@edusync/core'
import type { PushStepOptions, Step } from '@edusync/core/steps'
import { pushStep } from '@edusync/core/steps'
import type { DashboardApi } from '../dashboard/dashboard-api.ts'
import { createDashboardTarget, DASHBOARD_TARGET } from '../dashboard/dashboard-target.ts'

/** The step's name in the execution order and in run records (`push:` + the ledger target name). */
export const DASHBOARD_PUSH_STEP = `push:${DASHBOARD_TARGET}`

/** Options of {@link dashboardPushStep}. */
export interface DashboardPushStepOptions {
  readonly store: Store
  /** The ledger the Store's outbox records dashboard pushes in (usually `store.pushLedger`). */
  readonly ledger: PushLedger
  /** The plugin's functions on the tenant's Moodle site, usually `createMoodleClient(...).dashboard`. */
  readonly api: DashboardApi
  /** This process's worker name in ledger claims, unique per process (e.g. `cli:<host>:<pid>`). */
  readonly worker: string
  /**
   * Whether the dashboard is switched on for a tenant; a tenant switched off is skipped (recorded as such,
   * nothing called). @default every tenant is on
   */
  readonly enabled?: (tenant: TenantId) => boolean
  /** Backoff, batch size, lease, clock of the push (see core's `runPush`). */
  readonly push?: PushStepOptions['push']
}

/**
 * The `push:moodle-dashboard` step: pushes the records due in the ledger to the school plugin's student
 * dashboard ({@link createDashboardTarget} over core's `pushStep`), for the CLI (`edusync sync --only
 * push:moodle-dashboard`) and pg-boss jobs. The Store's outbox must track the dashboard
 * (`dashboardOutboxTargets`) for changes to become due.
 *
 * Step options: `backfill: true` first tracks every stored dashboard record (the dashboard switched on
 * for existing data); `replay: true` first makes failed entries and dead letters due again. The run
 * fails, keeping the work in the ledger, when Moodle is unreachable, in maintenance or refuses the token.
 *
 * @example
 * ```ts
 * const moodle = createMoodleClient({ url, token })
 * const step = dashboardPushStep({ store, ledger: store.pushLedger, api: moodle.dashboard, worker: `worker:${process.pid}` })
 * const runner = createStepRunner({ store, steps: [moodleInboxStep({ store, engine }), step] })
 * ```
 */
export function dashboardPushStep(options: DashboardPushStepOptions): Step {
  const { api, ...rest } = options
  return pushStep({ ...rest, target: createDashboardTarget({ api }) })
}
