import { hostname } from 'node:os'
import type { OutboxTargets, PushLedger, PushReport, Store } from '@edusync/core'
import { runPush } from '@edusync/core'
import type { MoodleClient } from '@edusync/moodle'
import {
  createDashboardTarget,
  DASHBOARD_ENTITIES,
  DASHBOARD_TARGET,
  dashboardOutboxTargets,
} from '@edusync/moodle'
import type { HostConfig } from '../config.ts'
import { tenantOf } from '../context.ts'
import type { Logger } from '../logging.ts'

/** Whether the student dashboard push is on for a tenant: its switch, and a Moodle site to push to. */
export function dashboardEnabled(config: HostConfig, tenant: string): boolean {
  const t = tenantOf(config, tenant)
  return t?.dashboard === true && t.moodle !== undefined
}

/** The Store outbox of the host: dashboard entities of tenants whose switch is on (see `openStore`). */
export function hostOutboxTargets(config: HostConfig): OutboxTargets {
  return dashboardOutboxTargets((tenant) => dashboardEnabled(config, tenant))
}

/** The entities of each push target the host lists and replays (`GET /api/:tenant/push/:target`). */
export const PUSH_TARGETS = { [DASHBOARD_TARGET]: DASHBOARD_ENTITIES.map((e) => e.name) }

/** The host's dashboard push: started after syncs and replays, coalesced per tenant. */
export interface DashboardPush {
  /**
   * Pushes what is due for a tenant in the background. A call while a push runs for the tenant causes
   * one more run afterwards (changes that arrived meanwhile), so a burst of webhooks costs two runs.
   * Never rejects; does nothing when the tenant's switch is off.
   */
  kick(tenant: string): Promise<PushReport | undefined>
  /**
   * Shutdown: cancels the retry timers, starts no new run, and resolves once the runs in flight have
   * finished (the ledger keeps whatever they did not reach), so the Store can close after it.
   */
  stop(): Promise<void>
}

/** Options of {@link createDashboardPush}. */
export interface DashboardPushOptions {
  readonly config: HostConfig
  readonly store: Store
  readonly ledger: PushLedger
  readonly logger: Logger
  /** The tenant's Moodle client (the Moodle side's, so one concurrency cap per site). */
  readonly clientFor: (tenant: string) => MoodleClient | undefined
  /** Delay before a run that retries failures due later. @default 30_000 */
  readonly retryDelayMs?: number
}

/** Creates the host's {@link DashboardPush}. */
export function createDashboardPush(options: DashboardPushOptions): DashboardPush {
  const { config, store, ledger, logger } = options
  // One worker name per process: claims from several host replicas on one database never collide.
  const worker = `host:${hostname()}:${process.pid}`
  const running = new Map<string, Promise<PushReport | undefined>>()
  const again = new Map<string, Promise<PushReport | undefined>>()
  const timers = new Map<string, NodeJS.Timeout>()
  let stopped = false

  async function once(tenant: string): Promise<PushReport | undefined> {
    const client = options.clientFor(tenant)
    if (!client || !dashboardEnabled(config, tenant)) return undefined
    const target = createDashboardTarget({ api: client.dashboard })
    const result = await runPush({ store, ledger, target, tenant, worker })
    if (result.isErr()) {
      logger.warn('dashboard push failed; the ledger keeps the work for the next run', {
        tenant,
        error: result.error.message,
      })
      return undefined
    }
    const report = result.value
    const failed = Object.values(report.entities).some((e) => e.retrying > 0)
    logger.info('dashboard push', { tenant, entities: report.entities, stoppedBy: report.stoppedBy })
    if (failed || report.stoppedBy !== undefined) schedule(tenant)
    return report
  }

  function schedule(tenant: string) {
    if (stopped || timers.has(tenant)) return
    const timer = setTimeout(() => {
      timers.delete(tenant)
      void kick(tenant)
    }, options.retryDelayMs ?? 30_000)
    timer.unref()
    timers.set(tenant, timer)
  }

  function kick(tenant: string): Promise<PushReport | undefined> {
    if (stopped) return Promise.resolve(undefined)
    const current = running.get(tenant)
    if (current) {
      const queued = again.get(tenant)
      if (queued) return queued
      const next = current.then(() => {
        again.delete(tenant)
        return kick(tenant)
      })
      again.set(tenant, next)
      return next
    }
    const run = once(tenant)
      .catch((error: unknown) => {
        logger.error('dashboard push crashed', { tenant, error })
        return undefined
      })
      .finally(() => running.delete(tenant))
    running.set(tenant, run)
    return run
  }

  return {
    kick,
    async stop() {
      stopped = true
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      await Promise.allSettled([...running.values(), ...again.values()])
    },
  }
}
