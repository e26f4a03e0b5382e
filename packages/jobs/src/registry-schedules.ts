import { createHash } from 'node:crypto'
import type { TenantRegistry } from '@edusync/core'
import { cronProblem } from '@edusync/core/config-api'
import { ResultAsync } from 'neverthrow'
import type { EdusyncJobs } from './edusync-jobs.ts'
import { QUEUES } from './edusync-jobs.ts'
import { JobsError } from './jobs-error.ts'

/** pg-boss schedule keys made from the registry start with this; other schedules are never touched. */
export const REGISTRY_SCHEDULE_PREFIX = 'registry/'

/** A stored schedule that could not be turned into a pg-boss schedule (left out; the others go on). */
export interface InvalidSchedule {
  readonly tenant: string
  readonly step: string
  /** The rule broken and the value received, e.g. `cron: needs 5 fields ... (received "0 2 * *")`. */
  readonly problem: string
}

/** What {@link syncRegistrySchedules} changed. */
export interface ScheduleSyncReport {
  /** pg-boss keys created or changed (cron, time zone or job). */
  readonly scheduled: readonly string[]
  /** pg-boss keys removed: their registry schedule was deleted or disabled, or the tenant suspended. */
  readonly unscheduled: readonly string[]
  /** Schedules already in agreement. */
  readonly unchanged: number
  readonly invalid: readonly InvalidSchedule[]
}

/** Options of {@link syncRegistrySchedules}. */
export interface ScheduleSyncOptions {
  /** Time zone the cron expressions are read in. @default 'UTC' */
  readonly tz?: string
}

interface Wanted {
  readonly cron: string
  readonly data: { readonly tenant: string; readonly only: readonly string[] }
}

/**
 * The pg-boss key of a tenant's schedule for a step: readable, and unique even though pg-boss keys allow
 * no `:` (so `zoho:student` is written `zoho.student` and a short hash of the exact name tells it apart
 * from a step really named `zoho.student`).
 */
export function registryScheduleKey(tenant: string, step: string): string {
  const hash = createHash('sha256').update(`${tenant}\0${step}`).digest('hex').slice(0, 8)
  return `${REGISTRY_SCHEDULE_PREFIX}${tenant}/${step.replaceAll(':', '.')}-${hash}`
}

/**
 * Makes pg-boss's schedules agree with the tenant registry's stored schedules (`schedule` items: key = step
 * name, `{ cron, enabled }`): each enabled schedule of an active tenant becomes a cron schedule of the
 * steps queue running that step (`{ tenant, only: [step] }`, singleton per tenant like every steps job);
 * a schedule deleted or disabled in the registry, or of a suspended or removed tenant, is unscheduled. Only
 * keys under {@link REGISTRY_SCHEDULE_PREFIX} are touched: schedules made with `jobs.schedule` stay.
 *
 * Idempotent and safe to run from several processes at once (each write is an upsert or a delete keyed by
 * the schedule, so concurrent syncs converge on the registry's state). A schedule whose cron expression is
 * not valid (the registry's API refuses those, but a row written another way may hold one) is reported in
 * `invalid` and not scheduled; the others go on.
 */
export function syncRegistrySchedules(
  jobs: EdusyncJobs,
  registry: TenantRegistry,
  options: ScheduleSyncOptions = {},
): ResultAsync<ScheduleSyncReport, JobsError> {
  const tz = options.tz ?? 'UTC'
  return ResultAsync.fromPromise(
    (async (): Promise<ScheduleSyncReport> => {
      const wanted = new Map<string, Wanted>()
      const invalid: InvalidSchedule[] = []
      const tenants = await registry.listTenants()
      if (tenants.isErr()) throw tenants.error
      for (const tenant of tenants.value) {
        if (tenant.status !== 'active') continue
        const items = await registry.listConfig(tenant.tenant, 'schedule')
        if (items.isErr()) throw items.error
        for (const item of items.value) {
          const { cron, enabled = true } = item.value as { cron?: unknown; enabled?: unknown }
          if (enabled === false) continue
          const problem =
            typeof cron !== 'string'
              ? `cron: expected a string (received ${JSON.stringify(cron) ?? 'nothing'})`
              : cronProblem(cron) !== undefined
                ? `cron: ${cronProblem(cron)} (received ${JSON.stringify(cron)})`
                : enabled !== true
                  ? `enabled: expected a boolean (received ${JSON.stringify(enabled)})`
                  : undefined
          if (problem !== undefined) {
            invalid.push({ tenant: tenant.tenant, step: item.key, problem })
            continue
          }
          wanted.set(registryScheduleKey(tenant.tenant, item.key), {
            cron: (cron as string).trim(),
            data: { tenant: tenant.tenant, only: [item.key] },
          })
        }
      }

      const current = new Map(
        (await jobs.boss.getSchedules(QUEUES.steps, undefined, { limit: 100_000 }))
          .filter((s) => s.key.startsWith(REGISTRY_SCHEDULE_PREFIX))
          .map((s) => [s.key, s]),
      )
      const scheduled: string[] = []
      const unscheduled: string[] = []
      let unchanged = 0
      for (const [key, want] of wanted) {
        const have = current.get(key)
        const same =
          have !== undefined &&
          have.cron === want.cron &&
          have.timezone === tz &&
          sameJob(have.data, want.data)
        if (same) {
          unchanged++
          continue
        }
        const done = await jobs.schedule(key, want.cron, { ...want.data, only: [...want.data.only] }, { tz })
        if (done.isErr()) {
          // pg-boss has its own reading of cron (and of the time zone): a refusal is reported, not fatal.
          const [tenant = '', step = ''] = [want.data.tenant, want.data.only[0]]
          invalid.push({ tenant, step, problem: `cron: ${done.error.message} (received "${want.cron}")` })
          continue
        }
        scheduled.push(key)
      }
      for (const key of current.keys()) {
        if (wanted.has(key)) continue
        const removed = await jobs.unschedule(key)
        if (removed.isErr()) throw removed.error
        unscheduled.push(key)
      }
      return { scheduled, unscheduled, unchanged, invalid }
    })(),
    (error) =>
      error instanceof JobsError
        ? error
        : new JobsError(
            'Queue',
            `sync registry schedules: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          ),
  )
}

/** Options of {@link watchRegistrySchedules}. */
export interface WatchSchedulesOptions extends ScheduleSyncOptions {
  /** How often the registry is read again (changes made by another process). @default 60000 */
  readonly intervalMs?: number
  /** Called after each sync that changed something or found invalid schedules. */
  readonly onReport?: (report: ScheduleSyncReport) => void
  /** Called when a sync failed (the next interval tries again). @default console.warn */
  readonly onError?: (error: JobsError) => void
}

/** A running schedule watcher. */
export interface ScheduleWatcher {
  /**
   * Syncs now (e.g. from the config API's `onChange`, so a change made through this process applies at
   * once). Syncs never overlap: a call during a sync waits for it and then syncs once more.
   */
  sync(): Promise<ScheduleSyncReport | undefined>
  /** Stops the interval (a sync in flight finishes). */
  stop(): Promise<void>
}

/**
 * Keeps pg-boss's schedules in agreement with the registry: syncs at once, then every `intervalMs`, and
 * whenever {@link ScheduleWatcher.sync} is called. Start it after `jobs.start()` (pg-boss must be running). Run it in the worker processes (any number: see
 * {@link syncRegistrySchedules} for why concurrent syncs are safe).
 *
 * @example
 * ```ts
 * const watcher = watchRegistrySchedules(jobs, registry, { intervalMs: 30_000 })
 * const configApi = createConfigApi({ registry, ..., onChange: () => void watcher.sync() })
 * ```
 */
export function watchRegistrySchedules(
  jobs: EdusyncJobs,
  registry: TenantRegistry,
  options: WatchSchedulesOptions = {},
): ScheduleWatcher {
  const onError =
    options.onError ?? ((error: JobsError) => console.warn(`edusync schedules: ${error.message}`))
  let running: Promise<ScheduleSyncReport | undefined> | undefined
  let again = false
  let stopped = false

  const once = async (): Promise<ScheduleSyncReport | undefined> => {
    const result = await syncRegistrySchedules(jobs, registry, options)
    if (result.isErr()) {
      onError(result.error)
      return undefined
    }
    const r = result.value
    if (r.scheduled.length + r.unscheduled.length + r.invalid.length > 0) options.onReport?.(r)
    return r
  }
  const sync = (): Promise<ScheduleSyncReport | undefined> => {
    if (stopped) return Promise.resolve(undefined)
    if (running) {
      // The sync in flight runs once more before it resolves, and that pass sees this change.
      again = true
      return running
    }
    running = (async () => {
      let report: ScheduleSyncReport | undefined
      do {
        again = false
        report = await once()
      } while (again && !stopped)
      return report
    })().finally(() => {
      running = undefined
    })
    return running
  }
  void sync()
  const timer = setInterval(() => void sync(), options.intervalMs ?? 60_000)
  timer.unref()
  return {
    sync,
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}

/** Whether a stored schedule's job is the wanted one (jsonb does not keep key order, so field by field). */
function sameJob(stored: object | undefined, want: Wanted['data']): boolean {
  if (!stored) return false
  const { tenant, only, ...rest } = stored as { tenant?: unknown; only?: unknown }
  return (
    tenant === want.tenant &&
    Object.keys(rest).length === 0 &&
    Array.isArray(only) &&
    only.length === want.only.length &&
    only.every((step, i) => step === want.only[i])
  )
}
